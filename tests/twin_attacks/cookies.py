"""Lesson 01: the article's login (/seed) against its fixed twin (/cookies/api)."""

from __future__ import annotations

from ..auth import ADMIN
from . import attack, twin_route


def _profile_of(target: str) -> str:
    return twin_route(target, "/seed/api", "/cookies/api", "/profile")


@attack("/seed/api/login")
def write_the_login_cookie_yourself(app, target) -> bool:
    """Log in once to learn the cookie's name, then write one with the user name alone."""
    set_cookie = app.test_client().post(target, json=ADMIN).headers["Set-Cookie"]
    name = set_cookie.partition("=")[0]
    forger = app.test_client(use_cookies=False)
    return forger.get(_profile_of(target), headers={"Cookie": f"{name}=admin"}).status_code == 200


@attack("/seed/api/profile")
def forged_or_substring_cookie(app, target) -> bool:
    """Never log in: a typed ``user=admin``, or a decoy that contains it, gets the profile."""
    forger = app.test_client(use_cookies=False)
    return any(
        forger.get(target, headers={"Cookie": cookie}).status_code == 200
        for cookie in ("user=admin", "x=notuser=admin", "admin_session=admin")
    )
