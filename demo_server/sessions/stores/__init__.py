"""Server-side session stores behind one interface (see base.SessionStore).

    store = build_store(app.config, clock)     # what the sessions blueprint does
    session_id, record = store.create("alice")
    store.touch(session_id)                    # None once expired or revoked

Implementations: ``memory`` and ``sqlite`` (the default). A Redis store
(lesson 07) implements the same backend primitives.
"""

from __future__ import annotations

from typing import Any, Mapping

from demo_server.sessions.stores.base import Clock, ExpiryPolicy, Session, SessionStore
from demo_server.sessions.stores.memory import MemorySessionStore
from demo_server.sessions.stores.sqlite import SQLiteSessionStore

STORE_TYPES = ("sqlite", "memory")


def build_store(config: Mapping[str, Any], clock: Clock) -> SessionStore:
    """The store the app's config asks for (keys documented in demo_server.sessions.service)."""
    policy = ExpiryPolicy(
        idle_timeout=config["SERVER_SESSION_IDLE_TIMEOUT"],
        absolute_timeout=config["SERVER_SESSION_ABSOLUTE_TIMEOUT"],
    )
    kind = config["SERVER_SESSION_STORE"]
    if kind == "sqlite":
        return SQLiteSessionStore(clock, policy, path=config["SERVER_SESSION_SQLITE_PATH"])
    if kind == "memory":
        return MemorySessionStore(clock, policy)
    raise ValueError(f"SERVER_SESSION_STORE must be one of {', '.join(STORE_TYPES)}, not {kind!r}")


__all__ = [
    "Clock",
    "ExpiryPolicy",
    "MemorySessionStore",
    "SQLiteSessionStore",
    "STORE_TYPES",
    "Session",
    "SessionStore",
    "build_store",
]
