"""Injected time for the demo server.

Every expiry in the server (cookies, sessions, tokens) asks the app's clock,
never ``time.time()``, so lessons and tests move time with
``server.clock.advance(seconds)`` instead of sleeping, and notebook outputs
are the same on every machine.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from typing import Protocol


class Clock(Protocol):
    """What the server asks of a clock: seconds since the epoch, as ``time.time()``."""

    def now(self) -> float: ...


# 2026-01-01T09:00:00Z: the instant every demo starts at unless told otherwise.
DEMO_EPOCH = 1767258000.0


class ManualClock:
    """A clock that only moves when told to (the default for lessons and tests)."""

    def __init__(self, start: float = DEMO_EPOCH) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds since the Unix epoch, like ``time.time()``."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` and return the new time."""
        seconds = _checked_seconds(seconds)
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, timestamp: float) -> None:
        """Jump to an absolute time (forwards only: expiry must never run backwards)."""
        with self._lock:
            if timestamp < self._now:
                raise ValueError("a ManualClock only moves forwards")
            self._now = float(timestamp)

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=timezone.utc)

    def __repr__(self) -> str:
        return f"ManualClock({self.datetime().isoformat()})"


class SystemClock:
    """Real time, plus whatever ``advance`` added (for separate processes, lesson 07)."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        seconds = _checked_seconds(seconds)
        with self._lock:
            self._offset += seconds
        return self.now()

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=timezone.utc)

    def __repr__(self) -> str:
        return f"SystemClock(offset={self._offset:+g}s)"


def _checked_seconds(seconds: float) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"advance() takes a number of seconds, not {type(seconds).__name__}")
    if seconds < 0:
        raise ValueError("time only moves forwards: advance() takes seconds >= 0")
    return float(seconds)
