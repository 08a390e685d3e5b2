"""Helpers that run in a notebook's background (a second server, a proxy, another site).

    https_server = background.one("https server", lambda: demo_server.serve_app(app, tls=context))
    background.stop_all()   # Teardown

``one(name, start)`` starts a helper the first time a cell asks for it and
returns the same one when the cell is run again, so re-running a cell never
leaves a second copy listening on another port. ``stop_all()`` stops every
helper (anything with a ``stop()`` method), in reverse order of starting.
"""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

T = TypeVar("T")

_helpers: dict[str, object] = {}
_lock = threading.Lock()


def one(name: str, start: Callable[[], T]) -> T:
    """The helper started under ``name``; ``start()`` makes it if there is none yet."""
    with _lock:
        helper = _helpers.get(name)
        if helper is None:
            helper = start()
            _helpers[name] = helper
        return helper  # type: ignore[return-value]


def running() -> list[str]:
    with _lock:
        return list(_helpers)


def stop_all() -> None:
    """Stop every helper (safe to call twice; the next one() starts afresh)."""
    with _lock:
        helpers = list(_helpers.values())[::-1]
        _helpers.clear()
    for helper in helpers:
        stop = getattr(helper, "stop", None)
        if callable(stop):
            stop()
