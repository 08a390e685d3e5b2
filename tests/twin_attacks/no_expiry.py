"""Lesson 05, station 3: sessions kept for ever, against idle and absolute timeouts on the server."""

from __future__ import annotations

from demo_server.context import clock

from ..auth import ALICE
from . import attack
from ._cookies import cookie_header, set_cookies

A_YEAR = 366 * 24 * 3600


def _login_and_me(target: str) -> tuple[str, str]:
    base = target.rpartition("/")[0]
    return f"{base}/login", f"{base}/me"


@attack("/vuln/no-expiry/login")
@attack("/vuln/no-expiry/me")
def replay_a_year_later(app, target) -> bool:
    """Copy the cookie at login; a year later on the server's clock, does the copy still get in?"""
    login, me = _login_and_me(target)
    answer = app.test_client().post(login, json=ALICE)
    assert answer.status_code == 200, answer.json
    stolen = cookie_header(set_cookies(answer))
    clock(app).advance(A_YEAR)  # the thief's copy has no Max-Age; only the server can say no
    return app.test_client(use_cookies=False).get(me, headers=stolen).status_code == 200
