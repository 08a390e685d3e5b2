"""The shared cache of lesson 05 (RFC 9111 storage rules) and the caching proxy built on it."""

from __future__ import annotations

import pytest

import demo_server
from course import new_client
from course.lessons.caching_proxy import CachingProxy
from course.lessons.shared_cache import SharedCache, cache_control, lifetime_of, why_not_stored
from demo_server import ManualClock

from .auth import ALICE, BOB
from .conftest import TEST_CONFIG

ALICE_COOKIE = {"Cookie": "sid=alice"}
BOB_COOKIE = {"Cookie": "sid=bob"}


@pytest.mark.parametrize(
    ("request_headers", "response_headers", "reason"),
    [
        ({}, {"Cache-Control": "public, max-age=300"}, ""),
        ({}, {"Cache-Control": "s-maxage=60"}, ""),
        ({}, {"Cache-Control": "no-store"}, "no-store"),
        ({"Cache-Control": "no-store"}, {"Cache-Control": "max-age=60"}, "no-store"),
        ({}, {"Cache-Control": "private, max-age=300"}, "private"),
        ({}, {"Cache-Control": "max-age=300, no-cache"}, "no-cache"),
        ({}, {"Cache-Control": "max-age=300", "Vary": "*"}, "Vary: *"),
        ({}, {}, "no explicit lifetime"),
        ({"Authorization": "Bearer x"}, {"Cache-Control": "max-age=300"}, "Authorization"),
        ({"Authorization": "Bearer x"}, {"Cache-Control": "public, max-age=300"}, ""),
    ],
)
def test_what_a_shared_cache_may_store(request_headers, response_headers, reason):
    found = why_not_stored("GET", request_headers, 200, response_headers)
    assert (reason in found) if reason else found == ""


def test_only_gets_with_200_are_stored():
    assert "POST" in why_not_stored("POST", {}, 200, {"Cache-Control": "max-age=60"})
    assert "404" in why_not_stored("GET", {}, 404, {"Cache-Control": "max-age=60"})


def test_lifetimes():
    assert lifetime_of({"Cache-Control": "max-age=300, s-maxage=60"}) == 60  # s-maxage wins in a shared cache
    assert lifetime_of({"Cache-Control": "max-age=abc"}) == 0
    dated = {"Date": "Thu, 01 Jan 2026 09:00:00 GMT", "Expires": "Thu, 01 Jan 2026 09:05:00 GMT"}
    assert lifetime_of(dated) == 300
    assert lifetime_of({"Expires": "garbage", "Date": "x"}) == 0
    assert cache_control({"cache-control": 'Public, Max-Age="5"'}) == {"public": "", "max-age": "5"}


def test_the_url_is_the_key_so_the_next_person_gets_the_stored_page():
    cache = SharedCache(ManualClock())
    assert cache.offer("/account", ALICE_COOKIE, 200, {"Cache-Control": "public, max-age=300"}, b"alice's page")
    assert cache.lookup("/account", BOB_COOKIE).body == b"alice's page"


def test_vary_cookie_keeps_one_copy_per_cookie():
    cache = SharedCache(ManualClock())
    cache.offer("/account", ALICE_COOKIE, 200, {"Cache-Control": "max-age=300", "Vary": "Cookie"}, b"alice")
    assert cache.lookup("/account", BOB_COOKIE) is None
    assert cache.lookup("/account", ALICE_COOKIE).body == b"alice"


def test_stored_answers_go_stale_on_the_clock():
    clock = ManualClock()
    cache = SharedCache(clock)
    cache.offer("/page", {}, 200, {"Cache-Control": "max-age=60"}, b"x")
    clock.advance(59)
    assert cache.lookup("/page", {}).age(clock.now()) == 59
    clock.advance(1)
    assert cache.lookup("/page", {}) is None
    cache.clear()
    assert len(cache) == 0


def test_no_store_is_never_stored():
    cache = SharedCache(ManualClock())
    assert not cache.offer("/account", ALICE_COOKIE, 200, {"Cache-Control": "no-store"}, b"alice")
    assert cache.lookup("/account", BOB_COOKIE) is None


@pytest.fixture
def cdn(live_server):
    proxy = CachingProxy(live_server.port, clock=live_server.clock)
    yield proxy
    proxy.stop()


def _logged_in(live_server, user):
    client = new_client()
    assert client.post(live_server.url + "/sessions/login", json=user).status_code == 200
    return client


def test_the_proxy_serves_a_public_page_to_the_next_user():
    server = demo_server.serve_app(demo_server.create_app({**TEST_CONFIG, "INSECURE_DEMOS": True}))
    proxy = CachingProxy(server.port, clock=server.clock)
    try:
        alice, bob = _logged_in(server, ALICE), _logged_in(server, BOB)
        first = alice.get(proxy.url + "/vuln/cache/account")
        second = bob.get(proxy.url + "/vuln/cache/account")
        assert first.headers["X-Cache"] == "MISS" and second.headers["X-Cache"] == "HIT"
        assert second.json()["user"] == "alice" and second.headers["Age"] == "0"
    finally:
        proxy.stop()
        server.stop()


def test_the_proxy_forwards_no_store_pages_every_time(live_server, cdn):
    alice, bob = _logged_in(live_server, ALICE), _logged_in(live_server, BOB)
    assert alice.get(cdn.url + "/mistakes/cache/account").headers["X-Cache"] == "MISS"
    answer = bob.get(cdn.url + "/mistakes/cache/account")
    assert answer.headers["X-Cache"] == "MISS" and answer.json()["user"] == "bob"


def test_the_proxy_passes_posts_through(live_server, cdn):
    answer = new_client().post(cdn.url + "/sessions/login", json=ALICE)
    assert answer.status_code == 200 and answer.headers["X-Cache"] == "MISS" and "sid=" in answer.headers["Set-Cookie"]
    assert len(cdn.cache) == 0
