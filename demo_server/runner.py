"""Run the demo server in a background thread of the notebook's own process.

``start()`` returns when the server answers; calling it again returns the
same server (so re-running a Setup cell is harmless); ``stop()`` frees the
port; the server also stops when the interpreter exits.
"""

from __future__ import annotations

import atexit
import http.client
import json
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

from flask import Flask
from werkzeug.serving import WSGIRequestHandler

from demo_server import context
from demo_server.app import create_app, stop_services
from demo_server.clock import Clock
from demo_server.sessions.stores import SessionStore
from demo_server.tokens.service import TokenService
from demo_server.users import UserDirectory
from demo_server.wsgi_server import IDLE_TIMEOUT_SECONDS, MAX_CONNECTIONS, DemoWSGIServer

HOST = "127.0.0.1"  # loopback only, always: some endpoints are vulnerable on purpose
READY_TIMEOUT_SECONDS = 5.0
SERVER_NAME = "sessions-live-demo"

log = logging.getLogger("demo_server")


class QuietRequestHandler(WSGIRequestHandler):
    """No access log in the notebook, and Date/Server headers from the app's clock."""

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        # Errors go to the demo_server logger, not to the notebook's stderr.
        log.debug(message, *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors found before the app runs (a garbled request line, oversized headers) are JSON too."""
        body = json.dumps({"error": message or explain or "bad request"}).encode()
        # A garbled request line leaves the version at HTTP/0.9, which has no status line.
        self.request_version = "HTTP/1.1"
        self.close_connection = True
        self.send_response(code, message)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def version_string(self) -> str:
        return SERVER_NAME

    def date_time_string(self, timestamp: float | None = None) -> str:
        clock = context.clock(self.server.app)
        return formatdate(clock.now() if timestamp is None else timestamp, usegmt=True)


@dataclass
class DemoServer:
    """A running demo server: ``.url``, ``.clock``, ``.app`` and ``.stop()``."""

    app: Flask
    port: int
    config: dict[str, Any]
    _server: DemoWSGIServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    scheme: str = "http"  # "https" when served with serve_app(..., tls=...)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{HOST}:{self.port}"

    @property
    def clock(self) -> Clock:
        """The server's clock: ``server.clock.advance(60)`` moves its time."""
        return context.clock(self.app)

    @property
    def users(self) -> UserDirectory:
        """The server's users and their password hashes (lessons 03 and 04)."""
        return context.users(self.app)

    @property
    def store(self) -> SessionStore:
        """The server's session store, to look inside as an operator could (lesson 03)."""
        return context.session_store(self.app)

    @property
    def tokens(self) -> TokenService:
        """The server's JWT keys and token stores (lesson 04): ``server.tokens.keys.rotate()``."""
        return context.token_service(self.app)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        """Shut the server down and free its port (safe to call twice)."""
        global _current
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
        stop_services(self.app)  # lesson 07: Redis connections, an embedded Redis server
        with _lock:
            if _current is self:
                _current = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<DemoServer {self.url} ({state})>"


_current: DemoServer | None = None
_lock = threading.Lock()


def start(port: int = 0, **config: Any) -> DemoServer:
    """Start the demo server (or return the one already running with this config).

    ``config`` goes to ``create_app``, e.g. ``start(INSECURE_DEMOS=True)``.
    Starting with a different config stops the old server first.
    """
    global _current
    with _lock:
        current = _current
    if current is not None and current.running:
        if current.config == config and port in (0, current.port):
            return current
        print(f"Restarting the demo server with new settings; {current.url} stops answering.")
        current.stop()

    handle = serve_app(create_app(config), port=port, config=config)
    with _lock:
        _current = handle
    return handle


def serve_app(
    app: Flask,
    port: int = 0,
    config: dict[str, Any] | None = None,
    *,
    tls: ssl.SSLContext | None = None,
    idle_timeout: float = IDLE_TIMEOUT_SECONDS,
    max_connections: int = MAX_CONNECTIONS,
) -> DemoServer:
    """Serve ``app`` in a background thread; returns when it answers.

    ``start()`` uses this for *the* demo server; call it directly for extra
    instances (several app servers in lesson 07, a second server in a test).
    ``tls``: a server-side SSLContext (see course.lessons.tls) to serve https
    instead, e.g. the same app on a second port (lesson 05).
    ``idle_timeout`` and ``max_connections``: see demo_server.wsgi_server.
    """
    server = DemoWSGIServer(
        HOST,
        port,
        app,
        QuietRequestHandler,
        idle_timeout=idle_timeout,
        max_connections=max_connections,
        ssl_context=tls,
    )
    server.app = app  # the handler reads the clock from here
    thread = threading.Thread(target=server.serve_forever, name="demo-server", daemon=True)
    thread.start()
    handle = DemoServer(
        app=app,
        port=server.server_port,
        config=dict(config or {}),
        _server=server,
        _thread=thread,
        scheme="http" if tls is None else "https",
    )
    if tls is None:
        _wait_until_ready(handle)
    else:
        _wait_until_listening(handle)
    return handle


def stop() -> None:
    """Stop the running demo server, if any."""
    with _lock:
        current = _current
    if current is not None:
        current.stop()


def current() -> DemoServer | None:
    """The running demo server, or None."""
    with _lock:
        return _current


def _wait_until_ready(handle: DemoServer) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while True:
        connection = http.client.HTTPConnection(HOST, handle.port, timeout=1)
        try:
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass  # not listening yet
        finally:
            connection.close()
        if time.monotonic() > deadline:
            handle.stop()
            raise RuntimeError(f"the demo server did not answer on {handle.url} within {READY_TIMEOUT_SECONDS} s")
        time.sleep(0.005)


def _wait_until_listening(handle: DemoServer) -> None:
    # An https server is probed by a TCP connect only: the runner holds no CA to verify
    # its certificate with, and never talks TLS without verifying.
    try:
        socket.create_connection((HOST, handle.port), timeout=READY_TIMEOUT_SECONDS).close()
    except OSError as error:
        handle.stop()
        raise RuntimeError(f"the demo server did not listen on {handle.url}: {error}") from None


atexit.register(stop)
