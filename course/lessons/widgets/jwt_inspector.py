"""The JWT inspector as a notebook widget: paste a token (and a key), read the report.

    from course.lessons.widgets.jwt_inspector import jwt_inspector_widget
    jwt_inspector_widget()

All the logic is in course/lessons/jwt_inspector.py; this only wires text boxes to it.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from course.lessons.jwt_inspector import inspect


def jwt_inspector_widget(token: str = "", key: str = "", now: float | None = None) -> widgets.VBox:
    """A token box, a key box and a live report. ``now`` fixes the time used for exp/nbf."""
    # width "auto" fills the line *with* the description label; "100%" adds the label on top and overflows.
    token_box = widgets.Textarea(
        value=token,
        placeholder="paste a JWT: eyJ...",
        description="Token",
        layout=widgets.Layout(width="auto", height="6em"),
    )
    key_box = widgets.Textarea(
        value=key,
        placeholder="optional: HMAC secret, PEM public key, or JWK JSON",
        description="Key",
        layout=widgets.Layout(width="auto", height="3em"),
    )
    report = widgets.HTML()

    def refresh(_change=None) -> None:
        text = token_box.value.strip()
        if not text:
            report.value = "<i>Paste a token above.</i>"
            return
        inspection = inspect(text, key=key_box.value or None, now=now)
        report.value = f'<pre style="white-space:pre-wrap">{html.escape(inspection.report())}</pre>'

    token_box.observe(refresh, names="value")
    key_box.observe(refresh, names="value")
    refresh()
    return widgets.VBox([token_box, key_box, report])
