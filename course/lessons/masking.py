"""Hide random session IDs in what a notebook prints, wherever they appear.

Session IDs are random on purpose, so output that prints one differs on
every run. Lesson 03's IDs are 43 base64url characters
(``secrets.token_urlsafe(32)``); ``mask_session_ids`` replaces every run of
exactly that shape (in a cookie, a URL, a log line, a JSON body) with
``<session ID>`` and leaves everything else as it was.

    masked(show(response))          # an exchange with every session ID hidden
    mask_session_ids(log_line)      # one line of text
"""

from __future__ import annotations

import re
from dataclasses import replace

from course.lessons.display import Exchange

SESSION_ID = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
PLACEHOLDER = "<session ID>"


def mask_session_ids(text: str) -> str:
    return SESSION_ID.sub(PLACEHOLDER, text)


def masked(exchange: Exchange) -> Exchange:
    """The same exchange with every session-ID-shaped value replaced by a placeholder."""

    def headers(pairs):
        return [(name, mask_session_ids(value)) for name, value in pairs]

    return replace(
        exchange,
        request_line=mask_session_ids(exchange.request_line),
        request_headers=headers(exchange.request_headers),
        request_body=mask_session_ids(exchange.request_body),
        response_headers=headers(exchange.response_headers),
        response_body=mask_session_ids(exchange.response_body),
    )
