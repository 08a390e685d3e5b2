"""Lesson 05, station 10: a logged-in page a shared cache keeps, against Cache-Control: no-store."""

from __future__ import annotations

from course.lessons.shared_cache import SharedCache
from demo_server.context import clock

from ..auth import ALICE, BOB
from . import attack


def _logged_in_cookie(app, user: dict) -> dict:
    client = app.test_client()
    assert client.post("/sessions/login", json=user).status_code == 200
    return {"Cookie": f"sid={client.get_cookie('sid').value}"}


@attack("/vuln/cache/account")
def the_cache_hands_alices_page_to_bob(app, target) -> bool:
    """A shared cache (RFC 9111 rules, URL as the key) in front of ``target``: Alice asks first, then Bob."""
    cache = SharedCache(clock(app))
    browser = app.test_client(use_cookies=False)
    alice, bob = _logged_in_cookie(app, ALICE), _logged_in_cookie(app, BOB)
    first = browser.get(target, headers=alice)
    assert first.status_code == 200 and first.json["user"] == "alice"
    cache.offer(target, alice, first.status_code, dict(first.headers), first.data)
    served = cache.lookup(target, bob)
    return served is not None and b"alice@example.com" in served.body
