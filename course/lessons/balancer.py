"""A tiny load balancer for lesson 07: one address in front of several app processes.

    balancer = start_balancer(cluster)                # round robin: each request to the next process
    balancer = start_balancer(cluster, sticky=True)   # sticky: a cookie pins each browser to one process
    balancer.url, balancer.log                        # where it listens; who served what
    balancer.stop()

What nginx or HAProxy do, in miniature: pass each request on to a backend
and its answer back (the backend's own headers and cookies), skip a backend
that refuses connections (a passive health check, so a process that died is
skipped and one that is back is used again), and answer 502 when none is
there. Sticky mode works like HAProxy's ``cookie SERVERID insert``: the first
answer sets ``lb=<process>``, and later requests with that cookie go to the
same process for as long as it is up. It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import atexit
import http.client
import json
import threading
from collections import deque
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import urlsplit

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from demo_server.runner import QuietRequestHandler

HOST = "127.0.0.1"
STICKY_COOKIE = "lb"
BALANCER_NAME = "sessions-live-balancer"
# Where _forward leaves the backend's Server and Date headers for the request handler.
BACKEND_SERVER, BACKEND_DATE = "balancer.backend_server", "balancer.backend_date"
BACKEND_TIMEOUT_SECONDS = 10
# Hop-by-hop headers belong to one connection, not to the message (RFC 9110, section 7.6.1).
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


@dataclass(frozen=True)
class Backend:
    name: str
    host: str
    port: int


@dataclass(frozen=True)
class Served:
    """One line of the balancer's log: which backend answered which request, and how."""

    method: str
    path: str
    backend: str  # "" when no backend answered
    status: int


class Balancer:
    def __init__(self, name: str, backends: list[Backend], sticky: bool) -> None:
        self.name = name
        self.backends = backends
        self.sticky = sticky
        self.log: deque[Served] = deque(maxlen=10_000)
        self._next = 0
        self._lock = threading.Lock()
        self._server = make_server(HOST, 0, self._wsgi, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="balancer", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._server.server_port}"

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def served_by(self) -> list[str]:
        """The backend of every request so far, in order."""
        return [line.backend for line in self.log]

    def stop(self) -> None:
        """Stop listening (safe to call twice)."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
        with _lock:
            if _running.get(self.name) is self:
                del _running[self.name]

    def __repr__(self) -> str:
        mode = "sticky" if self.sticky else "round robin"
        state = "running" if self.running else "stopped"
        return f"<Balancer {self.url} ({mode}) → {', '.join(b.name for b in self.backends)} ({state})>"

    # --- one request ---------------------------------------------------------

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        response = self._forward(request)
        return response(environ, start_response)

    def _forward(self, request: Request) -> Response:
        body = request.get_data()
        pinned = self._pinned(request)
        refused = []
        for backend in self._candidates(pinned):
            try:
                status, headers, answer = _send(backend, request, body)
            except ConnectionRefusedError:
                refused.append(backend.name)  # down: try the next one, the request never reached it
                continue
            except (OSError, http.client.HTTPException):
                # It took the request and died before answering: retrying might do the work twice.
                return self._error(request, 502, f"{backend.name} took the request but did not answer", backend)
            passed_on = []
            for name, value in headers:
                lowered = name.lower()
                if lowered == "server":
                    request.environ[BACKEND_SERVER] = value  # the handler writes these two itself
                elif lowered == "date":
                    request.environ[BACKEND_DATE] = value
                elif lowered not in HOP_BY_HOP and lowered != "content-length":
                    passed_on.append((name, value))
            response = Response(answer, status=status, headers=passed_on)
            if self.sticky and backend is not pinned:
                response.headers.add("Set-Cookie", f"{STICKY_COOKIE}={backend.name}; Path=/; HttpOnly; SameSite=Lax")
            self.log.append(Served(request.method, request.path, backend.name, status))
            return response
        return self._error(request, 502, f"no backend answered ({', '.join(refused)} refused the connection)")

    def _candidates(self, pinned: Backend | None) -> Iterable[Backend]:
        """The pinned backend first (sticky), then the others from the round-robin position."""
        if pinned is not None:
            yield pinned
        with self._lock:
            start = self._next
        count = len(self.backends)
        for offset in range(count):
            index = (start + offset) % count
            backend = self.backends[index]
            if backend is pinned:
                continue
            with self._lock:
                self._next = (index + 1) % count  # the next request starts after whoever takes this one
            yield backend

    def _pinned(self, request: Request) -> Backend | None:
        if not self.sticky:
            return None
        wanted = request.cookies.get(STICKY_COOKIE)
        return next((b for b in self.backends if b.name == wanted), None)

    def _error(self, request: Request, status: int, message: str, backend: Backend | None = None) -> Response:
        self.log.append(Served(request.method, request.path, backend.name if backend else "", status))
        return Response(json.dumps({"error": message}), status=status, content_type="application/json")


def start_balancer(backends, *, sticky: bool = False, name: str | None = None) -> Balancer:
    """A balancer in front of a Cluster (its process names) or a list of URLs (named backend-1, ...).

    ``name`` (default: the cluster's name and the mode): starting a balancer with a running
    one's name stops that one first, so re-running a notebook cell leaves one balancer.
    """
    mode = "sticky" if sticky else "round-robin"
    if hasattr(backends, "instances"):
        pairs = [(instance.name, instance.url) for instance in backends.instances]
        name = name or f"{backends.name}-{mode}"
    else:
        pairs = [(f"backend-{n}", url) for n, url in enumerate(backends, start=1)]
        name = name or f"urls-{mode}"
    if not pairs:
        raise ValueError("a balancer needs at least one backend")
    parsed = []
    for name, url in pairs:
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname != HOST or parts.port is None:
            raise ValueError(f"backends are http://127.0.0.1:PORT addresses, not {url!r}")
        parsed.append(Backend(name, parts.hostname, parts.port))
    with _lock:
        previous = _running.get(name)
    if previous is not None:
        previous.stop()
    balancer = Balancer(name, parsed, sticky)
    with _lock:
        _running[name] = balancer
    return balancer


def running_balancers() -> list[Balancer]:
    with _lock:
        return list(_running.values())


def stop_all() -> None:
    """Stop every balancer this process started."""
    with _lock:
        balancers = list(_running.values())
    for balancer in balancers:
        balancer.stop()


def _send(backend: Backend, request: Request, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = {
        name: value
        for name, value in request.headers.items()
        if name.lower() not in HOP_BY_HOP and name.lower() != "content-length"
    }
    if STICKY_COOKIE in request.cookies:
        # The balancer's own cookie is its business, not the app's.
        others = [f"{name}={value}" for name, value in request.cookies.items(multi=True) if name != STICKY_COOKIE]
        headers.pop("Cookie", None)
        if others:
            headers["Cookie"] = "; ".join(others)
    target = request.environ.get("RAW_URI") or request.full_path.rstrip("?")
    connection = http.client.HTTPConnection(backend.host, backend.port, timeout=BACKEND_TIMEOUT_SECONDS)
    try:
        connection.request(request.method, target, body=body or None, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.getheaders(), answer.read()
    finally:
        connection.close()


class _QuietHandler(QuietRequestHandler):
    """The demo server's handler (no access log, JSON errors for garbled HTTP). The Server and
    Date of an answer it passes on are its backend's (see ``_forward``); its own are real time."""

    def version_string(self) -> str:
        return getattr(self, "environ", {}).get(BACKEND_SERVER) or BALANCER_NAME

    def date_time_string(self, timestamp=None) -> str:
        return getattr(self, "environ", {}).get(BACKEND_DATE) or WSGIRequestHandler.date_time_string(self, timestamp)


_running: dict[str, Balancer] = {}
_lock = threading.Lock()
atexit.register(stop_all)
