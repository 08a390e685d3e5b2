"""A passive observer on the path: a TCP relay that keeps a copy of every byte.

    observer = RecordingProxy(server.port)       # listens on 127.0.0.1, relays to the server
    client.post(observer.url("http") + "/sessions/login", json=...)
    observer.captured()                           # the exact bytes that crossed the wire

It relays bytes without reading them (it is no HTTP proxy: the client talks
to it as if it were the server), exactly what anyone on the network path sees:
a shared Wi-Fi, a router, an ISP. Over plain http those bytes are the request
and the response; over https they are TLS records, and the handshake still
succeeds because the certificate names 127.0.0.1, where the relay also lives.
Loopback only.
"""

from __future__ import annotations

import re
import socket
import threading
from dataclasses import dataclass

from course.lessons.masking import mask_session_ids

HOST = "127.0.0.1"
CHUNK_BYTES = 65536


@dataclass(frozen=True)
class Capture:
    direction: str  # "client → server" or "server → client"
    data: bytes


class RecordingProxy:
    """Relay 127.0.0.1:<port> → 127.0.0.1:<upstream_port>, recording both directions."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self._listener = socket.create_server((HOST, 0))
        self.port = self._listener.getsockname()[1]
        self._captures: list[Capture] = []
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept_forever, name="recording-proxy", daemon=True).start()

    def url(self, scheme: str = "http") -> str:
        """The URL a client uses to go through the observer (the server's URL, another port)."""
        return f"{scheme}://{HOST}:{self.port}"

    def captured(self, direction: str | None = None) -> bytes:
        """Every byte seen so far (in one direction only if given), in the order it went by."""
        with self._lock:
            return b"".join(c.data for c in self._captures if direction in (None, c.direction))

    def requests_seen(self) -> bytes:
        return self.captured("client → server")

    def transcript(self, *needles: str) -> list[str]:
        """The captured plain-text HTTP as lines, ``>>>`` for the client's, ``<<<`` for the server's,
        in the order they went by; only lines containing one of ``needles`` if given; IDs masked."""
        with self._lock:
            captures = list(self._captures)
        turns: list[tuple[str, bytes]] = []
        for capture in captures:
            if turns and turns[-1][0] == capture.direction:
                turns[-1] = (capture.direction, turns[-1][1] + capture.data)
            else:
                turns.append((capture.direction, capture.data))
        lines = []
        for direction, data in turns:
            mark = ">>>" if direction == "client → server" else "<<<"
            lines += [f"{mark} {line}" for line in readable_lines(data, *needles)]
        return lines

    def clear(self) -> None:
        with self._lock:
            self._captures.clear()

    def stop(self) -> None:
        """Close the listener and every relayed connection (safe to call twice)."""
        with self._lock:
            self._closed = True
            sockets = list(self._sockets)
        self._listener.close()
        for sock in sockets:
            _close(sock)

    def _accept_forever(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            try:
                upstream = socket.create_connection((HOST, self.upstream_port))
            except OSError:
                _close(client)
                continue
            with self._lock:
                if self._closed:
                    _close(client)
                    _close(upstream)
                    return
                self._sockets.update((client, upstream))
            for source, target, direction in (
                (client, upstream, "client → server"),
                (upstream, client, "server → client"),
            ):
                threading.Thread(target=self._pump, args=(source, target, direction), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, direction: str) -> None:
        try:
            while data := source.recv(CHUNK_BYTES):
                with self._lock:
                    self._captures.append(Capture(direction, data))
                target.sendall(data)
        except OSError:
            pass  # either side went away
        finally:
            # One side is done: let the other side see the end too.
            for sock in (source, target):
                _close(sock)
            with self._lock:
                self._sockets.discard(source)
                self._sockets.discard(target)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def readable_lines(data: bytes, *needles: str) -> list[str]:
    """The lines of captured plain-text HTTP that contain any of ``needles`` (all lines if none given),
    with session IDs masked (see course.lessons.masking)."""
    text = data.decode("latin-1")
    lines = [line for line in re.split(r"\r\n|\n", text) if line]
    return [mask_session_ids(line) for line in lines if not needles or any(needle in line for needle in needles)]
