"""The demo server's access log: one line per request, in the Combined Log Format.

Every web server, proxy and CDN writes such a line, with the full URL, query
string included, and usually the Referer. That is why a session ID in a URL
leaks (lesson 05): it lands here, in log files, backups and log services.
The lines are kept in memory (the last 1000), timed by the app's clock:

    access_log(server.app).lines()[-1]
    # 127.0.0.1 - - [01/Jan/2026:09:00:00 +0000] "GET /health HTTP/1.1" 200 16 "-" "sessions-live-notebook"
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timezone

from flask import Flask, Response, current_app, request

from demo_server.context import clock

KEY = "demo_server.mistakes.access_log"
MAX_LINES = 1000


class AccessLog:
    def __init__(self) -> None:
        self._lines: deque[str] = deque(maxlen=MAX_LINES)
        self._lock = threading.Lock()

    def add(self, line: str) -> None:
        with self._lock:
            self._lines.append(line)

    def lines(self) -> list[str]:
        with self._lock:
            return list(self._lines)

    def clear(self) -> None:
        with self._lock:
            self._lines.clear()


def access_log(app: Flask | None = None) -> AccessLog:
    return (app or current_app).extensions[KEY]


def init_app(app: Flask) -> None:
    app.extensions[KEY] = AccessLog()
    app.after_request(_record)


def _record(response: Response) -> Response:
    moment = datetime.fromtimestamp(clock().now(), tz=timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")
    target = request.path
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    size = response.calculate_content_length()
    line = (
        f'{request.remote_addr or "-"} - - [{moment}] "{request.method} {_printable(target)} '
        f'{request.environ.get("SERVER_PROTOCOL", "HTTP/1.1")}" {response.status_code} '
        f'{size if size is not None else "-"} "{_printable(request.referrer or "-")}" '
        f'"{_printable(request.user_agent.string or "-")}"'
    )
    access_log().add(line)
    return response


def _printable(text: str) -> str:
    # A log line must not be forged by a request (CR, LF or quotes in a header).
    return "".join(ch if ch.isprintable() and ch != '"' else "?" for ch in text)[:512]
