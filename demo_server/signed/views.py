"""Lesson 02: sessions kept in the cookie itself, signed or encrypted.

- ``/signed/login``, ``/signed/profile``, ``/signed/logout``: Flask's default
  session, a cookie signed with ``SECRET_KEY`` (readable by the client, but
  not changeable). ``SECRET_KEY_FALLBACKS`` still verify during a rotation.
- ``/signed/encrypted/...``: the same, in a cookie the client cannot read
  either (see demo_server.signed.encrypted_cookie).

Logout only asks the client to drop its cookie: the server keeps nothing, so
it cannot refuse a copy of the cookie made before. Lesson 03 fixes that.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify, request, session
from werkzeug.exceptions import Unauthorized

from demo_server.context import clock
from demo_server.signed.encrypted_cookie import key_ring, seal, unseal
from demo_server.web.cookie_header import expire_cookie, set_cookie
from demo_server.web.request_input import json_object, string_fields

bp = Blueprint("signed", __name__, url_prefix="/signed")

ENCRYPTED_COOKIE = "encrypted_session"
ENCRYPTED_COOKIE_MAX_AGE = 3600  # seconds; also the lifetime checked inside the token


@dataclass(frozen=True)
class Account:
    password: str
    role: str


# Lesson 02's demo accounts. Plain-text passwords keep this lesson about
# cookies; lesson 03 stores passwords properly (hashed).
ACCOUNTS = {
    "ada": Account(password="analytical-engine", role="admin"),
    "mallory": Account(password="let-me-in", role="user"),
}


def authenticate() -> str:
    """The username from a JSON login body with the right password, or a 401."""
    username, password = string_fields(json_object(), "username", "password")
    account = ACCOUNTS.get(username)
    if account is None or account.password != password:
        raise Unauthorized("wrong username or password")
    return username


def profile_of(user: object):
    """The profile answer for a user named by a cookie, or a 401."""
    if not isinstance(user, str) or user not in ACCOUNTS:
        raise Unauthorized("not logged in")
    return jsonify({"user": user, "role": ACCOUNTS[user].role})


@bp.post("/login")
def login():
    username = authenticate()
    session.clear()  # start from nothing: no value from before the login survives it
    session["user"] = username
    return jsonify({"message": f"Logged in as {username}"})


@bp.get("/profile")
def profile():
    return profile_of(session.get("user"))


@bp.post("/logout")
def logout():
    session.clear()  # Flask answers with a Set-Cookie that deletes the cookie
    return jsonify({"message": "Logged out"})


def _encrypted_cookie_keys():
    return key_ring(current_app.secret_key, current_app.config.get("SECRET_KEY_FALLBACKS") or ())


@bp.post("/encrypted/login")
def encrypted_login():
    username = authenticate()
    response = jsonify({"message": f"Logged in as {username}"})
    token = seal(_encrypted_cookie_keys(), {"user": username}, now=clock().now())
    set_cookie(response, ENCRYPTED_COOKIE, token, max_age=ENCRYPTED_COOKIE_MAX_AGE)
    return response


@bp.get("/encrypted/profile")
def encrypted_profile():
    token = request.cookies.get(ENCRYPTED_COOKIE, "")
    data = unseal(_encrypted_cookie_keys(), token, now=clock().now(), max_age=ENCRYPTED_COOKIE_MAX_AGE)
    return profile_of((data or {}).get("user"))


@bp.post("/encrypted/logout")
def encrypted_logout():
    response = jsonify({"message": "Logged out"})
    expire_cookie(response, ENCRYPTED_COOKIE, httponly=True, samesite="Lax")
    return response
