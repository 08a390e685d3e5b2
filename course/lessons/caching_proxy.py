"""A small caching reverse proxy in front of the demo server: a CDN on 127.0.0.1.

    cdn = CachingProxy(server.port, clock=server.clock)
    alice.get(cdn.url + "/vuln/cache/account")     # X-Cache: MISS, forwarded, maybe stored
    bob.get(cdn.url + "/vuln/cache/account")       # X-Cache: HIT: whatever was stored, for anyone

Clients talk to it as if it were the site. GET answers are stored and served
again by the rules in course.lessons.shared_cache (the URL is the key, as at
most CDNs); every answer says ``X-Cache: HIT`` or ``MISS`` and, when served
from the cache, its ``Age``. Other methods pass straight through. Freshness is
measured on the clock given (the demo server's), so outputs do not depend on
how fast a machine is.
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from course.lessons.shared_cache import Clock, SharedCache

HOST = "127.0.0.1"
# Hop-by-hop headers (RFC 9110, section 7.6.1) are the connection's, not the message's.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"}
MAX_BODY_BYTES = 1 << 20


class CachingProxy:
    def __init__(self, upstream_port: int, clock: Clock) -> None:
        self.upstream_port = upstream_port
        self.cache = SharedCache(clock)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                proxy._handle(self, cacheable=True)

            def do_POST(self) -> None:
                proxy._handle(self, cacheable=False)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="caching-proxy", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler, *, cacheable: bool) -> None:
        request_headers = {name: value for name, value in handler.headers.items()}
        if cacheable:
            stored = self.cache.lookup(handler.path, request_headers)
            if stored is not None:
                extra = [("Age", str(stored.age(self.cache.clock.now()))), ("X-Cache", "HIT")]
                self._send(handler, stored.status, list(stored.headers) + extra, stored.body)
                return
        length = min(int(handler.headers.get("Content-Length") or 0), MAX_BODY_BYTES)
        body = handler.rfile.read(length) if length else None
        status, headers, content = self._forward(handler.command, handler.path, request_headers, body)
        if cacheable:
            self.cache.offer(handler.path, request_headers, status, dict(headers), content)
        self._send(handler, status, headers + [("X-Cache", "MISS")], content)

    def _forward(self, method: str, path: str, headers: dict[str, str], body: bytes | None):
        connection = http.client.HTTPConnection(HOST, self.upstream_port, timeout=10)
        try:
            forwarded = {name: value for name, value in headers.items() if name.lower() not in HOP_BY_HOP}
            connection.request(method, path, body=body, headers=forwarded)
            answer = connection.getresponse()
            content = answer.read()
            kept = [(name, value) for name, value in answer.getheaders() if name.lower() not in HOP_BY_HOP]
            return answer.status, kept, content
        finally:
            connection.close()

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        handler.send_response_only(status)
        for name, value in headers:
            if name.lower() != "content-length":
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def __repr__(self) -> str:
        return f"<CachingProxy {self.url} → 127.0.0.1:{self.upstream_port}>"
