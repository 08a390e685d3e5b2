"""The cookie builder as a notebook widget: pick a name, a value and attributes,
read the Set-Cookie header and what a browser would do with it, as you type.

    from course.lessons.widgets.cookie_builder import cookie_builder_widget
    cookie_builder_widget()

The logic is ``demo_server.cookies.builder`` (tested without a browser); this
module only wires form fields to it. ``cookie_report`` is the same report as
plain text, for printing.
"""

from __future__ import annotations

import html
import time

import ipywidgets as widgets

from demo_server.cookies.builder import BuiltCookie, build_set_cookie

# ipywidgets shows a Dropdown whose value is None as blank, so "(not set)" is the empty string.
SAMESITE_CHOICES = [("(not set)", ""), ("Strict", "Strict"), ("Lax", "Lax"), ("None", "None")]
WIDE = "32em"


def cookie_report(built: BuiltCookie) -> str:
    """The header and a browser's verdict, one line each."""
    lines = [f"Set-Cookie: {built.header}"]
    lines.append("✅ a browser stores it" if built.stored else "⛔ a browser refuses it:")
    lines += [f"   ⛔ {reason}" for reason in built.refused]
    lines += [f"   ⚠️ {warning}" for warning in built.warnings]
    return "\n".join(lines)


def cookie_builder_widget(name: str = "sid", value: str = "abc123", now: float | None = None) -> widgets.VBox:
    """A live Set-Cookie builder. ``now`` (Unix time) is the clock Expires is computed from;
    by default the running demo server's clock, so the dates agree with the lesson's server."""
    wide = widgets.Layout(width=WIDE)
    whole_label = {"description_width": "initial"}  # long checkbox labels are not cut off
    name_box = widgets.Text(value=name, description="Name", layout=wide)
    value_box = widgets.Text(value=value, description="Value", layout=wide)
    max_age_box = widgets.Text(
        value="3600", description="Max-Age", placeholder="seconds; empty: a session cookie", layout=wide
    )
    expires_box = widgets.Checkbox(
        value=False, description="also send Expires (now + Max-Age)", style=whole_label, layout=wide
    )
    path_box = widgets.Text(value="/", description="Path", placeholder="empty: leave Path out", layout=wide)
    domain_box = widgets.Text(value="", description="Domain", placeholder="empty: this host only", layout=wide)
    secure_box = widgets.Checkbox(value=False, description="Secure")
    httponly_box = widgets.Checkbox(value=False, description="HttpOnly")
    samesite_box = widgets.Dropdown(options=SAMESITE_CHOICES, value="", description="SameSite")
    report = widgets.HTML()
    fields = [
        name_box,
        value_box,
        max_age_box,
        expires_box,
        path_box,
        domain_box,
        secure_box,
        httponly_box,
        samesite_box,
    ]

    def refresh(_change=None) -> None:
        clock_now = _clock_now() if now is None else now
        try:
            max_age = int(max_age_box.value) if max_age_box.value.strip() else None
        except ValueError:
            report.value = _error_html("Max-Age is a whole number of seconds (or empty for a session cookie)")
            return
        try:
            built = build_set_cookie(
                name_box.value,
                value_box.value,
                max_age=max_age,
                expires=clock_now + max_age if expires_box.value and max_age is not None else None,
                path=path_box.value or None,
                domain=domain_box.value or None,
                secure=secure_box.value,
                httponly=httponly_box.value,
                samesite=samesite_box.value or None,
                now=clock_now,
            )
        except ValueError as error:
            report.value = _error_html(str(error))
            return
        report.value = _report_html(built)

    for field in fields:
        field.observe(refresh, names="value")
    refresh()
    flags = widgets.HBox([secure_box, httponly_box])
    return widgets.VBox(
        [name_box, value_box, max_age_box, expires_box, path_box, domain_box, flags, samesite_box, report]
    )


def _clock_now() -> float:
    """The demo server's time if one is running (lessons freeze it at 2026-01-01), else this computer's."""
    import demo_server

    server = demo_server.current()
    return server.clock.now() if server is not None and server.running else time.time()


def _report_html(built: BuiltCookie) -> str:
    header = f"<code style='font-size:13px'>Set-Cookie: {html.escape(built.header)}</code>"
    if built.stored:
        verdict = "<b style='color:#1a7f37'>✅ a browser stores it</b>"
    else:
        verdict = "<b style='color:#cf222e'>⛔ a browser refuses it</b>"
    items = [f"<li style='color:#cf222e'>⛔ {html.escape(reason)}</li>" for reason in built.refused]
    items += [f"<li>⚠️ {html.escape(warning)}</li>" for warning in built.warnings]
    listed = f"<ul style='margin:4px 0'>{''.join(items)}</ul>" if items else ""
    return f"<div style='padding:6px;border-left:3px solid #888'>{header}<br>{verdict}{listed}</div>"


def _error_html(message: str) -> str:
    style = "padding:6px;border-left:3px solid #cf222e;color:#cf222e"
    return f"<div style='{style}'>✋ not a valid cookie: {html.escape(message)}</div>"
