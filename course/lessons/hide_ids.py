"""Show an HTTP exchange with random session IDs replaced by a placeholder.

Session IDs are random on purpose, so a transcript that prints one differs on
every run. ``hide_cookie_values(show(response), "sid")`` keeps everything
else as it was on the wire and writes ``sid=<43 random characters>``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from course.lessons.display import Exchange

COOKIE_HEADERS = ("cookie", "set-cookie")


def hide_cookie_values(exchange: Exchange, *names: str) -> Exchange:
    """The same exchange, with the named cookies' non-empty values masked in Cookie and Set-Cookie."""
    # A cookie name starts the header or follows "; " (so "xsid" is not "sid").
    patterns = [re.compile(rf"(?<![^\s;])({re.escape(name)})=([^;\s]+)") for name in names]

    def mask(value: str) -> str:
        for pattern in patterns:
            value = pattern.sub(lambda m: f"{m.group(1)}=<{len(m.group(2))} random characters>", value)
        return value

    def headers(pairs):
        return [(name, mask(value) if name.lower() in COOKIE_HEADERS else value) for name, value in pairs]

    return replace(
        exchange,
        request_headers=headers(exchange.request_headers),
        response_headers=headers(exchange.response_headers),
    )
