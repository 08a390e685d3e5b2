"""Where the app keeps its shared state: the ``--store`` / ``STORE`` URL.

    memory                  sessions in a dict of this process (gone with it, never shared)
    sqlite://               SQLite in memory, private to the app (the default)
    sqlite:///PATH          a SQLite file, shared by processes on this machine
                            (three slashes and a relative path, four for an absolute one: sqlite:////tmp/s.db)
    redis                   a Redis server: $REDIS_URL if set, else an embedded one this app
                            starts and stops (private to this process: give other processes its URL)
    redis://HOST:PORT/DB    a Redis server you run (also rediss:// for TLS, unix:///PATH for a socket)

Parsing only reads the text; nothing is opened or contacted here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import urlsplit

from demo_server.one_line_error import OneLineError

MEMORY = "memory"
SQLITE = "sqlite"
REDIS = "redis"
REDIS_SCHEMES = ("redis", "rediss", "unix")
PRIVATE_SQLITE = ":memory:"
FORMS = "memory, sqlite:///PATH, redis, or redis://HOST:PORT/DB"


class StoreError(OneLineError, ValueError):
    """A store URL that cannot be used, or a store that cannot be reached: one line saying which and why."""


class StoreUnreachable(StoreError):
    """The store's server did not answer (a store URL that was fine, naming a server that is not there)."""


@dataclass(frozen=True)
class StoreLocation:
    kind: str  # MEMORY, SQLITE or REDIS
    sqlite_path: str = PRIVATE_SQLITE
    redis_url: str | None = None  # with REDIS: None means "start an embedded server"
    from_environment: bool = False  # the Redis URL came from $REDIS_URL

    @property
    def shared(self) -> bool:
        """Can another process use the same store?"""
        if self.kind == SQLITE:
            return self.sqlite_path != PRIVATE_SQLITE
        return self.kind == REDIS and self.redis_url is not None

    def describe(self) -> str:
        """A short, path-free description for notebooks and logs."""
        if self.kind == SQLITE:
            return "sqlite (a shared file)" if self.shared else "sqlite (in memory, private)"
        if self.kind == REDIS:
            if self.redis_url is None:
                return "redis (embedded, private)"
            return "redis (REDIS_URL)" if self.from_environment else "redis (a server you gave)"
        return self.kind


def parse_store_url(text: object, environ: Mapping[str, str] | None = None) -> StoreLocation:
    """The store ``text`` names; StoreError (one line) if it names none."""
    environ = os.environ if environ is None else environ
    if not isinstance(text, str) or not text.strip():
        raise StoreError(f"a store is one of {FORMS}; got {text!r}")
    text = text.strip()
    if text == MEMORY:
        return StoreLocation(MEMORY)
    if text in (SQLITE, "sqlite://"):
        return StoreLocation(SQLITE)
    if text.startswith("sqlite:///"):
        path = text.removeprefix("sqlite:///")
        if not path:
            raise StoreError(f"{text!r} names no file: write sqlite:///sessions.db or sqlite:////abs/path.db")
        return StoreLocation(SQLITE, sqlite_path=path)
    if text == REDIS:
        environment_url = environ.get("REDIS_URL", "").strip()
        if environment_url:
            url = _checked_redis_url(environment_url, "REDIS_URL")
            return StoreLocation(REDIS, redis_url=url, from_environment=True)
        return StoreLocation(REDIS)
    if urlsplit(text).scheme in REDIS_SCHEMES:
        return StoreLocation(REDIS, redis_url=_checked_redis_url(text, "the store"))
    raise StoreError(f"a store is one of {FORMS}; got {text!r}")


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def _checked_redis_url(url: str, what: str) -> str:
    try:
        parts = urlsplit(url)
        if parts.scheme in ("redis", "rediss") and not parts.hostname:
            raise ValueError("no host")
        if parts.scheme in ("redis", "rediss") and parts.path.strip("/") and not parts.path.strip("/").isdigit():
            raise ValueError(f"the database is a number, not {parts.path.strip('/')!r}")
        if parts.scheme == "unix" and not parts.path:
            raise ValueError("no socket path")
        import redis  # here, not at the top: lessons without Redis never pay for importing it

        redis.ConnectionPool.from_url(url)  # redis-py's own parser: port, db and options
    except ValueError as error:
        raise StoreError(
            f"{what} {redacted(url)!r} is not a Redis URL ({error}): write redis://HOST:PORT/DB, "
            "e.g. redis://127.0.0.1:6379/0"
        ) from None
    return url
