"""The HTTP server under the demo app: werkzeug's threaded server, with the limits a teaching server needs.

- A connection holds its thread for at most ``idle_timeout`` seconds of silence: a client that
  connects and sends nothing, or stops halfway through a request, is cut off (each connection's
  socket gets that timeout; werkzeug's handler treats a timeout as a dropped connection).
- At most ``max_connections`` are served at once, so a flood of connections cannot start a thread
  each. When one more arrives, the connection open the longest is ended to make room: requests
  here take milliseconds, so that one has gone quiet (a flood of silent connections cycles through
  the slots while an ordinary request is answered at once, instead of waiting for a timeout).
- With TLS (``ssl_context``), a handshake runs in the connection's own thread, under the same timeout.
- ``shutdown()`` returns at once: the accept loop waits on the listening socket and on a wake-up
  socket together, where werkzeug's (the standard library's) loop polls for a shutdown request
  every 0.5 s. Connections still open are ended too, so nothing answers after a stop.
"""

from __future__ import annotations

import errno
import selectors
import signal
import socket
import ssl
import threading
from typing import Any

from werkzeug.serving import ThreadedWSGIServer

from demo_server.one_line_error import OneLineError

IDLE_TIMEOUT_SECONDS = 10.0
MAX_CONNECTIONS = 256  # far above what a notebook opens


class PortInUse(OneLineError, RuntimeError):
    """The port asked for cannot be had (another program has it, or a demo server of an earlier run)."""


class DemoWSGIServer(ThreadedWSGIServer):
    """``DemoWSGIServer(host, port, app, handler, idle_timeout=..., max_connections=...)``; other keyword
    arguments go to werkzeug's server (``ssl_context``, ...)."""

    def __init__(
        self,
        host: str,
        port: int,
        app: Any,
        handler: Any = None,
        *,
        idle_timeout: float = IDLE_TIMEOUT_SECONDS,
        max_connections: int = MAX_CONNECTIONS,
        **werkzeug_options: Any,
    ) -> None:
        if idle_timeout <= 0 or max_connections < 1:
            raise ValueError("idle_timeout must be positive and max_connections at least 1")
        # A byte on this pair wakes the accept loop to stop. Made first: server_close() closes it,
        # and werkzeug calls that when the port cannot be had.
        self._wake_up, self._wake_up_sender = socket.socketpair()
        self._wake_up_sender.setblocking(False)  # a full pair already holds a wake-up: never wait on it
        super().__init__(host, port, app, handler, **werkzeug_options)
        if isinstance(self.socket, ssl.SSLSocket):
            # With TLS, accept() would run each handshake in the accept loop, where a client that
            # connects and says nothing stops every other one. Deferred, the handshake happens at
            # the connection's first read, in its own thread and under the idle timeout.
            self.socket.do_handshake_on_connect = False
        self.idle_timeout = idle_timeout
        self.max_connections = max_connections
        self._open: dict[socket.socket, None] = {}  # in the order they were accepted
        self._open_lock = threading.Lock()
        self._stop_requested = threading.Event()
        self._loop_ended = threading.Event()

    def server_bind(self) -> None:
        # werkzeug answers a failed bind with sys.exit(1) (a SystemExit in a notebook). A PortInUse
        # is not an OSError, so it passes werkzeug's except clause and reaches the caller.
        try:
            super().server_bind()
        except OSError as error:
            raise _bind_error(error, self.server_address) from None

    @property
    def open_connections(self) -> int:
        """How many connections are being served right now (each holds one thread)."""
        with self._open_lock:
            return len(self._open)

    def serve_forever(self, poll_interval: float = 0.5, *, wake_on_signals: bool = False) -> None:
        """Accept connections until shutdown(). ``poll_interval`` is ignored: nothing here polls.

        ``wake_on_signals`` (main thread only, for a process of its own): every signal wakes the loop,
        so that its Python handler runs at once. The operating system may hand a signal to any thread;
        Python runs the handler in the main thread, but only once that thread runs again, and this loop
        waits without a timeout."""
        previous_wakeup_fd = None
        if wake_on_signals:
            previous_wakeup_fd = signal.set_wakeup_fd(self._wake_up_sender.fileno(), warn_on_full_buffer=False)
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self._wake_up, selectors.EVENT_READ)
                selector.register(self.socket, selectors.EVENT_READ)
                while not self._stop_requested.is_set():
                    for key, _ in selector.select():
                        if key.fileobj is self._wake_up:
                            self._wake_up.recv(4096)  # a signal's byte (or shutdown's): read, so it wakes once
                        elif not self._stop_requested.is_set():
                            self._handle_request_noblock()
                    self.service_actions()
        except KeyboardInterrupt:
            pass  # Ctrl-C or SIGTERM in `python -m demo_server`: stop quietly, as werkzeug's own loop does
        finally:
            if previous_wakeup_fd is not None:
                signal.set_wakeup_fd(previous_wakeup_fd)  # before server_close() closes ours
            self._loop_ended.set()
            self.server_close()

    def shutdown(self) -> None:
        """Stop serve_forever() (running in another thread) and end every open connection; returns at once."""
        self._stop_requested.set()
        self._wake()
        self._loop_ended.wait()
        with self._open_lock:
            still_open = list(self._open)
        for connection in still_open:
            _end(connection)

    def server_close(self) -> None:
        super().server_close()
        self._wake_up.close()
        self._wake_up_sender.close()

    def process_request(self, request: socket.socket, client_address: Any) -> None:
        request.settimeout(self.idle_timeout)
        with self._open_lock:
            oldest = next(iter(self._open)) if len(self._open) >= self.max_connections else None
            if oldest is not None:
                del self._open[oldest]  # forgotten now, so that the next arrival ends the next oldest
            self._open[request] = None
        if oldest is not None:
            _end(oldest)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket) -> None:
        with self._open_lock:
            self._open.pop(request, None)
        super().shutdown_request(request)

    def _wake(self) -> None:
        try:
            self._wake_up_sender.send(b"!")
        except OSError:
            pass  # closed (the server is gone) or full (a wake-up is already pending)


def _end(connection: socket.socket) -> None:
    """End a connection another thread is serving: its handler reads the end and returns."""
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # its handler closed it already


def _bind_error(error: OSError, address: tuple) -> PortInUse:
    host, port = address[0], address[1]
    if error.errno == errno.EADDRINUSE:
        return PortInUse(
            f"port {port} on {host} is in use by another program (a demo server still running in another "
            "notebook?): stop that one, or choose another port (0 picks a free one)"
        )
    return PortInUse(f"cannot listen on {host}:{port}: {error.strerror or error}")
