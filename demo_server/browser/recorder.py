"""Write down what reached the server: the browser's side of a request, as it arrived.

Lesson 06 measures browser behaviour (which cookies a cross-site form sends, in
which order same-name cookies come) from these records, not from what a browser
is documented to do.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass

from flask import Request

KEPT_ARRIVALS = 2000  # enough for a lesson run twice; old ones fall off


@dataclass(frozen=True)
class Arrival:
    label: str
    method: str
    host: str
    path: str
    cookie_header: str | None  # as it arrived
    cookies: tuple[tuple[str, str], ...]  # (name, value) in the order of the Cookie header
    sec_fetch_site: str | None
    sec_fetch_mode: str | None
    sec_fetch_dest: str | None
    origin: str | None

    @property
    def cookie_names(self) -> list[str]:
        return [name for name, _ in self.cookies]

    def as_dict(self) -> dict:
        entry = asdict(self)
        entry["cookies"] = [list(pair) for pair in self.cookies]
        return entry


class Recorder:
    """The last KEPT_ARRIVALS requests to the recording routes (thread-safe)."""

    def __init__(self) -> None:
        self._arrivals: deque[Arrival] = deque(maxlen=KEPT_ARRIVALS)
        self._lock = threading.Lock()

    def record(self, label: str, request: Request) -> Arrival:
        arrival = Arrival(
            label=label,
            method=request.method,
            host=request.host,
            path=request.path,
            cookie_header=request.headers.get("Cookie"),
            cookies=tuple(request.cookies.items(multi=True)),
            sec_fetch_site=request.headers.get("Sec-Fetch-Site"),
            sec_fetch_mode=request.headers.get("Sec-Fetch-Mode"),
            sec_fetch_dest=request.headers.get("Sec-Fetch-Dest"),
            origin=request.headers.get("Origin"),
        )
        with self._lock:
            self._arrivals.append(arrival)
        return arrival

    def arrivals(self, label: str | None = None) -> list[Arrival]:
        with self._lock:
            return [arrival for arrival in self._arrivals if label is None or arrival.label == label]
