"""Lesson 05, station 1: a password in a "remember me" cookie, against lesson 03's opaque ID."""

from __future__ import annotations

from ..auth import ALICE, BOB
from . import attack, twin_route
from ._cookies import cookie_header, readings, set_cookies


def _passwords_in(response, user: str) -> list[str]:
    """Passwords an attacker reads out of the cookies a response sets (after 'user:')."""
    found = []
    for cookie in set_cookies(response):
        for text in readings(cookie.value):
            if text.startswith(f"{user}:"):
                found.append(text.partition(":")[2])
    return found


@attack("/vuln/password-cookie/login")
def read_the_password_from_the_cookie(app, target) -> bool:
    """Log in once and look at the cookie: is the password in it, in any encoding?"""
    response = app.test_client().post(target, json=ALICE)
    assert response.status_code == 200, response.json
    return ALICE["password"] in _passwords_in(response, "alice")


@attack("/vuln/password-cookie/me")
def a_stolen_cookie_is_the_password(app, target) -> bool:
    """Steal a cookie that ``target`` accepts, read the password out of it and log in elsewhere with it."""
    login = twin_route(target, "/vuln/password-cookie", "/sessions", "/login")
    response = app.test_client().post(login, json=BOB)
    thief = app.test_client(use_cookies=False)
    assert thief.get(target, headers=cookie_header(set_cookies(response))).status_code == 200, "the cookie opens me"
    for password in _passwords_in(response, "bob"):
        if thief.post("/jwt/login", json={"username": "bob", "password": password}).status_code == 200:
            return True
    return False
