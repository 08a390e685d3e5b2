"""Somebody else's website, on 127.0.0.1 and another port: it logs who visits, and from where.

    site = ThirdPartySite()                         # e.g. http://127.0.0.1:41234
    site.serve("/keys.json", {"keys": [...]})       # host a file (an attacker's key set)
    client.get(site.url + "/pixel.gif", headers={"Referer": ...})
    site.visits                                     # [Visit(path='/pixel.gif', referer=..., cookie='')]

Another port is another *origin* (scheme, host and port), so to a browser this
is a different site's page: an analytics pixel, a linked blog, or an
attacker's server. Cookies ignore ports, though: a cookie this site sets for
127.0.0.1 is sent to the demo server too (lesson 05 uses that to play an
attacker who answers a plain-http request). Loopback only; logs nothing to the notebook.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOST = "127.0.0.1"
DEFAULT_PAGE = b"<!doctype html><title>Somebody else's page</title><p>Hello from another site.</p>"


@dataclass(frozen=True)
class Visit:
    method: str
    path: str  # with its query string
    referer: str  # the Referer header, "" if none was sent
    cookie: str  # the Cookie header, "" if none was sent


@dataclass(frozen=True)
class _Page:
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...]


class ThirdPartySite:
    def __init__(self) -> None:
        self._pages: dict[str, _Page] = {}
        self._visits: list[Visit] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site._answer(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(min(length, 1 << 20))
                site._answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # a quiet notebook

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="third-party-site", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def origin(self) -> str:
        return self.url

    def serve(
        self,
        path: str,
        body: bytes | str | dict | list,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Answer GET ``path`` with ``body`` (a dict or list is sent as JSON); returns its URL."""
        if not path.startswith("/"):
            raise ValueError(f"a path starts with '/', like '/keys.json' (got {path!r})")
        if isinstance(body, (dict, list)):
            body, content_type = json.dumps(body).encode(), content_type or "application/json"
        elif isinstance(body, str):
            body = body.encode("utf-8")
        page = _Page(body, content_type or "text/html; charset=utf-8", tuple((headers or {}).items()))
        with self._lock:
            self._pages[path] = page
        return self.url + path

    @property
    def visits(self) -> list[Visit]:
        with self._lock:
            return list(self._visits)

    def clear(self) -> None:
        with self._lock:
            self._visits.clear()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        visit = Visit(
            method=handler.command,
            path=handler.path,
            referer=handler.headers.get("Referer", ""),
            cookie=handler.headers.get("Cookie", ""),
        )
        with self._lock:
            self._visits.append(visit)
            page = self._pages.get(handler.path.partition("?")[0])
        if page is None:
            page = _Page(DEFAULT_PAGE, "text/html; charset=utf-8", ())
        handler.send_response(200)
        handler.send_header("Content-Type", page.content_type)
        handler.send_header("Content-Length", str(len(page.body)))
        for name, value in page.headers:
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(page.body)

    def __repr__(self) -> str:
        return f"<ThirdPartySite {self.url}>"
