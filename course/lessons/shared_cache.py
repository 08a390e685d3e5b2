"""What a shared cache (a CDN, a reverse proxy) may store and hand out again, by RFC 9111.

    cache = SharedCache(clock)
    cache.offer("/account", request_headers, 200, response_headers, body)   # stored? (bool)
    cache.lookup("/account", other_request_headers)                         # a stored answer, or None

The cache key is the URL alone, as most CDNs and proxies use by default: the
``Cookie`` a request carried is not part of it unless the response says
``Vary: Cookie``. So a stored answer to Alice goes to the next person who asks
for the same URL. What keeps a response out of a shared cache (section 3):
``no-store``; ``private``; or, for a request with ``Authorization``, not
saying ``public`` or ``s-maxage`` (section 3.5). Freshness comes from
``s-maxage``, then ``max-age``, then ``Expires``, measured on an injected clock.
A response without any of them is not stored here; RFC 9111 would let a cache
guess a lifetime (section 4.2.2) and a "cache everything" rule at a CDN stores
it anyway: only ``no-store`` is a promise.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Mapping, Protocol


class Clock(Protocol):
    def now(self) -> float: ...


@dataclass(frozen=True)
class Stored:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    stored_at: float
    lifetime: float
    vary: tuple[tuple[str, str], ...]  # (header, value it had in the request that was stored)

    def age(self, now: float) -> int:
        return max(0, int(now - self.stored_at))


def cache_control(headers: Mapping[str, str]) -> dict[str, str]:
    """Cache-Control directives, lower-cased: {"max-age": "300", "public": ""}."""
    directives = {}
    for part in _header(headers, "Cache-Control").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            directives[name.lower()] = value.strip().strip('"')
    return directives


def why_not_stored(method: str, request_headers: Mapping[str, str], status: int, headers: Mapping[str, str]) -> str:
    """Why a shared cache must not store this response ("" if it may, with an explicit lifetime)."""
    response_cc, request_cc = cache_control(headers), cache_control(request_headers)
    if method != "GET":
        return f"{method} responses are not cached here"
    if status != 200:
        return f"only 200 answers are cached here (this was {status})"
    if "no-store" in response_cc or "no-store" in request_cc:
        return "Cache-Control: no-store"
    if "private" in response_cc:
        return "Cache-Control: private (for the browser's own cache only)"
    if _header(request_headers, "Authorization") and not ({"public", "s-maxage", "must-revalidate"} & set(response_cc)):
        return "the request carried Authorization and the response did not say public or s-maxage"
    if _header(headers, "Vary").strip() == "*":
        return "Vary: * (no later request can match)"
    if "no-cache" in response_cc:
        return "Cache-Control: no-cache (must ask the server every time)"
    if lifetime_of(headers) is None:
        return "no explicit lifetime (s-maxage, max-age or Expires)"
    return ""


def lifetime_of(headers: Mapping[str, str]) -> float | None:
    """Seconds a shared cache may serve the response without asking again (None: not said)."""
    directives = cache_control(headers)
    for name in ("s-maxage", "max-age"):
        if name in directives:
            try:
                return max(0.0, float(int(directives[name])))
            except ValueError:
                return 0.0  # an invalid lifetime means stale (section 4.2.1)
    expires, date = _header(headers, "Expires"), _header(headers, "Date")
    if expires:
        try:
            return max(0.0, (parsedate_to_datetime(expires) - parsedate_to_datetime(date)).total_seconds())
        except (TypeError, ValueError, IndexError):
            return 0.0
    return None


class SharedCache:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._entries: dict[str, Stored] = {}
        self._lock = threading.Lock()

    def offer(
        self, key: str, request_headers: Mapping[str, str], status: int, headers: Mapping[str, str], body: bytes
    ) -> bool:
        """Store the response under ``key`` (a URL path with its query) if RFC 9111 allows; True if stored."""
        if why_not_stored("GET", request_headers, status, headers):
            return False
        vary_names = [name.strip() for name in _header(headers, "Vary").split(",") if name.strip()]
        stored = Stored(
            status=status,
            headers=tuple(headers.items()),
            body=body,
            stored_at=self.clock.now(),
            lifetime=lifetime_of(headers) or 0.0,
            vary=tuple((name, _header(request_headers, name)) for name in vary_names),
        )
        with self._lock:
            self._entries[key] = stored
        return True

    def lookup(self, key: str, request_headers: Mapping[str, str]) -> Stored | None:
        """A fresh stored response for ``key`` that matches this request's Vary'd headers, or None."""
        with self._lock:
            stored = self._entries.get(key)
        if stored is None or stored.age(self.clock.now()) >= stored.lifetime:
            return None
        if any(_header(request_headers, name) != value for name, value in stored.vary):
            return None
        return stored

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), "")
