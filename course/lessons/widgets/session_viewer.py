"""Lesson 03's session viewer: a live table of the demo server's sessions,
with Refresh and Revoke.

    from course.lessons.widgets.session_viewer import session_viewer_widget
    session_viewer_widget(server)

The rows come from ``demo_server.sessions.table.session_rows`` (tested without
a browser); this module only draws them and wires the buttons. It reads the
store of the server running in this notebook, as an operator's console would.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from demo_server.sessions.table import SessionRow, session_rows

COLUMNS = ("hash prefix", "user", "device", "created", "last seen", "expires", "ends by")


def session_viewer_widget(server) -> widgets.VBox:
    """A table of ``server``'s live sessions; Revoke ends the one picked in the list."""
    store = server.store
    table = widgets.HTML()
    picker = widgets.Dropdown(description="Session", layout=widgets.Layout(width="32em"))
    refresh_button = widgets.Button(description="Refresh", icon="refresh")
    revoke_button = widgets.Button(description="Revoke", icon="trash", button_style="danger")
    status = widgets.HTML()

    def show_rows() -> None:
        rows = session_rows(store)
        table.value = _table_html(rows, server.clock.datetime().strftime("%H:%M:%S"))
        picked = picker.value
        picker.options = [(f"{row.hash_prefix}… {row.user} ({row.device or 'no device'})", row.id_hash) for row in rows]
        # Keep the pick if that session is still live, else pick the first: never a blank list with rows in it.
        live = [row.id_hash for row in rows]
        picker.value = picked if picked in live else (live[0] if live else None)
        revoke_button.disabled = not rows

    def refresh(_button=None) -> None:
        status.value = ""  # an old message would describe the table before this refresh
        show_rows()

    def revoke(_button) -> None:
        if picker.value is None:
            status.value = "Pick a session in the list first."
            return
        row = next((row for row in session_rows(store) if row.id_hash == picker.value), None)
        ended = store.revoke(picker.value)
        who = f"{row.user}'s session {row.hash_prefix}…" if row else "That session"
        message = f"Revoked {who}: its cookie now gets 401." if ended else f"{who} had already ended."
        status.value = html.escape(message)
        show_rows()

    refresh_button.on_click(refresh)
    revoke_button.on_click(revoke)
    show_rows()
    return widgets.VBox([table, widgets.HBox([picker, refresh_button, revoke_button]), status])


def _table_html(rows: list[SessionRow], now: str) -> str:
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{name}</th>" for name in COLUMNS)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td style='padding:2px 8px'>{html.escape(value)}</td>"
            for value in (
                row.hash_prefix + "…",
                row.user,
                row.device,
                row.created,
                row.last_seen,
                row.expires,
                row.ends_by,
            )
        )
        + "</tr>"
        for row in rows
    )
    if not rows:
        body = f"<tr><td colspan='{len(COLUMNS)}' style='padding:2px 8px'><i>no live sessions</i></td></tr>"
    caption = f"<caption style='text-align:left'>Sessions on the server at {now} UTC (server clock)</caption>"
    return (
        f"<table style='font-family:monospace;font-size:12px'>{caption}"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
