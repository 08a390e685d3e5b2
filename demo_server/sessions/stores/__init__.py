"""Server-side session stores behind one interface (see base.SessionStore).

    store = build_store(location, policy, clock)  # what the sessions service does
    session_id, record = store.create("alice")
    store.touch(session_id)                    # None once expired or revoked

Implementations: ``memory``, ``sqlite`` (the default) and ``redis`` (lesson 07),
each implementing the same backend primitives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from demo_server.sessions.stores.base import Clock, ExpiryPolicy, Session, SessionStore
from demo_server.sessions.stores.memory import MemorySessionStore
from demo_server.sessions.stores.redis import RedisSessionStore
from demo_server.sessions.stores.sqlite import SQLiteSessionStore

if TYPE_CHECKING:
    import redis

    from demo_server.scale.store_url import StoreLocation

STORE_TYPES = ("sqlite", "memory", "redis")


def build_store(
    location: StoreLocation, policy: ExpiryPolicy, clock: Clock, redis_client: redis.Redis | None = None
) -> SessionStore:
    """The session store at ``location`` (a Redis one uses ``redis_client``, the app's shared connection)."""
    if location.kind == "sqlite":
        return SQLiteSessionStore(clock, policy, path=location.sqlite_path)
    if location.kind == "memory":
        return MemorySessionStore(clock, policy)
    if location.kind == "redis":
        if redis_client is None:
            raise ValueError("a Redis session store needs the app's Redis connection")
        return RedisSessionStore(clock, policy, client=redis_client)
    raise ValueError(f"a session store is one of {', '.join(STORE_TYPES)}, not {location.kind!r}")


__all__ = [
    "Clock",
    "ExpiryPolicy",
    "MemorySessionStore",
    "RedisSessionStore",
    "SQLiteSessionStore",
    "STORE_TYPES",
    "Session",
    "SessionStore",
    "build_store",
]
