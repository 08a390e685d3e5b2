"""STORE / --store: which URLs name which store, how lesson 03's keys map onto it, and the one-line errors."""

from __future__ import annotations

import pytest

from demo_server import create_app
from demo_server.context import session_store, shared_store
from demo_server.scale.store_url import StoreError, parse_store_url, redacted
from demo_server.sessions.stores import MemorySessionStore, SQLiteSessionStore


@pytest.mark.parametrize(
    ("text", "kind", "sqlite_path", "redis_url", "shared"),
    [
        ("memory", "memory", ":memory:", None, False),
        ("sqlite", "sqlite", ":memory:", None, False),
        ("sqlite://", "sqlite", ":memory:", None, False),
        ("sqlite:///sessions.db", "sqlite", "sessions.db", None, True),
        ("sqlite:////var/tmp/sessions.db", "sqlite", "/var/tmp/sessions.db", None, True),
        ("redis", "redis", ":memory:", None, False),
        ("redis://127.0.0.1:6379/0", "redis", ":memory:", "redis://127.0.0.1:6379/0", True),
        ("rediss://cache.internal:6380/2", "redis", ":memory:", "rediss://cache.internal:6380/2", True),
        ("unix:///run/redis.sock?db=1", "redis", ":memory:", "unix:///run/redis.sock?db=1", True),
        ("  memory  ", "memory", ":memory:", None, False),
    ],
)
def test_store_urls(text, kind, sqlite_path, redis_url, shared):
    location = parse_store_url(text, environ={})
    assert (location.kind, location.sqlite_path, location.redis_url, location.shared) == (
        kind,
        sqlite_path,
        redis_url,
        shared,
    )


def test_redis_alone_takes_redis_url_from_the_environment():
    location = parse_store_url("redis", environ={"REDIS_URL": "redis://127.0.0.1:6390/3"})
    assert location.redis_url == "redis://127.0.0.1:6390/3" and location.from_environment
    assert location.describe() == "redis (REDIS_URL)"
    assert parse_store_url("redis", environ={}).describe() == "redis (embedded, private)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("postgres://db/sessions", "a store is one of memory, sqlite:///PATH, redis, or redis://HOST:PORT/DB"),
        ("", "a store is one of"),
        (42, "a store is one of"),
        ("sqlite:///", "names no file"),
        ("redis:///0", "is not a Redis URL (no host)"),
        ("redis://127.0.0.1:port/0", "is not a Redis URL"),
        ("redis://127.0.0.1:6379/zero", "the database is a number"),
    ],
)
def test_bad_store_urls_say_what_to_write(text, message):
    with pytest.raises(StoreError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        parse_store_url(text, environ={})
    assert "\n" not in str(caught.value)
    assert caught.value._render_traceback_() == [f"\x1b[0;31mStoreError\x1b[0m: {caught.value}"], (
        "IPython shows one line"
    )


def test_a_bad_redis_url_in_the_environment_is_named():
    with pytest.raises(StoreError, match="REDIS_URL"):
        parse_store_url("redis", environ={"REDIS_URL": "redis://:secret@host:nope/0"})


def test_passwords_never_reach_a_message():
    assert redacted("redis://user:hunter2@host:6379/0") == "redis://user:***@host:6379/0"
    with pytest.raises(StoreError) as caught:
        parse_store_url("redis://user:hunter2@host:x/0", environ={})
    assert "hunter2" not in str(caught.value)


def test_lesson_03s_keys_still_choose_the_store(tmp_path):
    assert isinstance(session_store(create_app({"SERVER_SESSION_STORE": "memory"})), MemorySessionStore)
    path = str(tmp_path / "s.db")
    store = session_store(create_app({"SERVER_SESSION_SQLITE_PATH": path}))
    assert isinstance(store, SQLiteSessionStore) and store.path == path
    assert isinstance(session_store(create_app()), SQLiteSessionStore), "SQLite in memory stays the default"
    assert shared_store(create_app()).location.describe() == "sqlite (in memory, private)"


def test_store_urls_choose_the_store(tmp_path):
    assert isinstance(session_store(create_app({"STORE": "memory"})), MemorySessionStore)
    store = session_store(create_app({"STORE": f"sqlite:///{tmp_path / 's.db'}"}))
    assert isinstance(store, SQLiteSessionStore) and store.path == str(tmp_path / "s.db")


def test_store_and_lesson_03s_keys_are_not_both_given():
    with pytest.raises(StoreError, match="not both"):
        create_app({"STORE": "memory", "SERVER_SESSION_STORE": "sqlite"})


def test_an_unreachable_redis_fails_in_one_line_at_create_app():
    with pytest.raises(StoreError, match=r"^cannot reach Redis at redis://127\.0\.0\.1:1/0: .*refused") as caught:
        create_app({"STORE": "redis://127.0.0.1:1/0"})
    assert "\n" not in str(caught.value)
