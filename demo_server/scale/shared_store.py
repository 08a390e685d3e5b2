"""The app's shared store: which one the config names, and the connection to it.

``STORE`` (a URL, see demo_server.scale.store_url) names it. Without
``STORE``, lesson 03's keys do: ``SERVER_SESSION_STORE`` ("sqlite" or
"memory") and ``SERVER_SESSION_SQLITE_PATH``. Give one or the other.

With a Redis store the app holds one connection pool that the session store
and the token stores (deny-list, refresh families) share; with ``STORE="redis"``
and no ``REDIS_URL`` it also starts its own embedded Redis server. Both are
released by ``close()``, which ``DemoServer.stop()`` calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

from flask import Flask

from demo_server import context
from demo_server.scale.store_url import (
    MEMORY,
    REDIS,
    SQLITE,
    StoreError,
    StoreLocation,
    StoreUnreachable,
    parse_store_url,
    redacted,
)

if TYPE_CHECKING:
    import redis

    from demo_server.scale.redis_server import RedisServer

LEGACY_KINDS = (SQLITE, MEMORY)
CONNECT_TIMEOUT_SECONDS = 2.0
COMMAND_TIMEOUT_SECONDS = 5.0


@dataclass
class SharedStore:
    location: StoreLocation
    redis: redis.Redis | None = None  # set for a Redis store (strings in, strings out)
    redis_url: str | None = None  # where that is, for another client (may hold a password: never print it)
    embedded: RedisServer | None = None  # the Redis server this app started, if any
    also_close: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def describe(self) -> str:
        return self.location.describe()

    def close(self) -> None:
        """Close the Redis connections and stop the embedded server (safe to call twice)."""
        for close in self.also_close:
            close()
        if self.redis is not None:
            self.redis.close()
        if self.embedded is not None:
            self.embedded.stop()


def configured_location(config: Mapping[str, Any]) -> StoreLocation:
    """The store ``config`` names (STORE, or else lesson 03's SERVER_SESSION_* keys)."""
    store = config.get("STORE")
    if store is not None:
        if "SERVER_SESSION_STORE" in config or "SERVER_SESSION_SQLITE_PATH" in config:
            raise StoreError("give STORE or SERVER_SESSION_STORE/SERVER_SESSION_SQLITE_PATH, not both")
        return parse_store_url(store)
    kind = config.get("SERVER_SESSION_STORE", SQLITE)
    if kind not in LEGACY_KINDS:
        raise StoreError(
            f"SERVER_SESSION_STORE must be one of {', '.join(LEGACY_KINDS)}, not {kind!r} "
            "(for Redis, use STORE='redis' or STORE='redis://HOST:PORT/DB')"
        )
    if kind == MEMORY:
        return StoreLocation(MEMORY)
    return StoreLocation(SQLITE, sqlite_path=config.get("SERVER_SESSION_SQLITE_PATH", ":memory:"))


def open_store(location: StoreLocation) -> SharedStore:
    """Connect to (or start) what ``location`` names; StoreError if a Redis server does not answer."""
    if location.kind != REDIS:
        return SharedStore(location)
    # Imported only now: an app without Redis never pays for the client library (a fifth of a second).
    import redis

    from demo_server.scale.redis_server import start_redis_server

    embedded = start_redis_server() if location.redis_url is None else None
    url = embedded.url if embedded is not None else location.redis_url
    client = redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
        socket_timeout=COMMAND_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        client.close()
        if embedded is not None:
            embedded.stop()
        raise StoreUnreachable(f"cannot reach Redis at {redacted(url)}: {_one_line(error)}") from None
    return SharedStore(location, redis=client, redis_url=url, embedded=embedded)


def init_app(app: Flask) -> None:
    """Open the store the app's config names (``context.shared_store()``), before the services that use it."""
    app.extensions[context.SHARED_STORE] = open_store(configured_location(app.config))


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text.rstrip(".")
