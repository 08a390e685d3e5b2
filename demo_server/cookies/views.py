"""Lesson 01: cookies. The fixed twin of the article's login, and a cookie factory.

- ``POST /cookies/api/login`` and ``GET /cookies/api/profile``: the article's
  login done properly. The cookie carries a signature only this server can
  make (``login_cookie``), and the profile parses the Cookie header instead of
  searching it for text, so neither ``user=admin`` nor ``x=notuser=admin``
  gets in.
- ``POST /cookies/set``: sets one cookie with the attributes you ask for and
  says what a browser would do with it, so every attribute can be tried live.
- ``GET /cookies/seen``: the cookies this path received (for trying ``Path``).
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import BadRequest, Unauthorized

from demo_server.context import clock
from demo_server.cookies import login_cookie
from demo_server.cookies.builder import build_set_cookie
from demo_server.web.cookie_header import set_cookie
from demo_server.web.request_input import json_object, string_fields

bp = Blueprint("cookies", __name__, url_prefix="/cookies")

# The article's demo account, kept so the two logins can be compared. A real
# app stores a password hash (werkzeug.security) and never a password.
DEMO_USERNAME = "admin"
DEMO_PASSWORD = "1234"
LOGIN_COOKIE = "user"

# Enough to go past the 4096 bytes browsers keep, not enough to be a nuisance.
MAX_DEMO_VALUE_BYTES = 6000
SET_OPTIONS = {"max_age": int, "path": str, "domain": str, "secure": bool, "httponly": bool, "samesite": str}
JSON_TYPE_NAMES = {int: "a whole number", str: "a string", bool: "true or false"}


@bp.post("/api/login")
def login():
    username, password = string_fields(json_object(), "username", "password")
    # compare_digest: the time taken does not reveal how much of a guess was right.
    known_user = hmac.compare_digest(username.encode(), DEMO_USERNAME.encode())
    right_password = hmac.compare_digest(password.encode(), DEMO_PASSWORD.encode())
    if not (known_user and right_password):
        raise Unauthorized("invalid credentials")
    response = jsonify({"message": "Login successful"})
    # Over HTTPS you would also add Secure and call it __Host-user; the demo
    # server speaks plain http on loopback, where requests would not send it back.
    set_cookie(
        response,
        LOGIN_COOKIE,
        login_cookie.issue(username),
        max_age=login_cookie.LOGIN_LIFETIME_SECONDS,
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.get("/api/profile")
def profile():
    value = request.cookies.get(LOGIN_COOKIE)  # parsed by name, never searched as text
    if value is None:
        raise Unauthorized("not logged in: no 'user' cookie")
    try:
        username = login_cookie.verify(value)
    except login_cookie.LoginRefused as refused:
        raise Unauthorized(f"not logged in: {refused}") from None
    return jsonify({"message": f"Welcome {username.capitalize()}", "user": username})


@bp.post("/set")
def set_one_cookie():
    """Set the cookie described by the JSON body; the answer says what a browser would do."""
    data = json_object()
    (name,) = string_fields(data, "name")
    value = data.get("value")
    if not isinstance(value, str):
        raise BadRequest("field 'value' must be a string")
    if len(value.encode("utf-8")) > MAX_DEMO_VALUE_BYTES:
        raise BadRequest(f"field 'value' is longer than this demo allows ({MAX_DEMO_VALUE_BYTES} bytes)")
    options = _set_options(data)
    now = clock().now()
    # Max-Age and an Expires from the server's clock, as most servers send them.
    expires = now + options["max_age"] if options.get("max_age") is not None else None
    try:
        built = build_set_cookie(name, value, expires=expires, now=now, request_host=_request_host(), **options)
    except ValueError as error:
        raise BadRequest(str(error)) from None
    response = jsonify(
        {
            "set_cookie": built.header,
            "stored_by_a_browser": built.stored,
            "refused": built.refused,
            "warnings": built.warnings,
        }
    )
    response.headers.add("Set-Cookie", built.header)
    return response


@bp.get("/seen")
def seen():
    """The cookies that came with this request, parsed, and the raw Cookie header."""
    return jsonify({"cookies": request.cookies.to_dict(flat=True), "cookie_header": request.headers.get("Cookie")})


def _set_options(data: dict) -> dict:
    unknown = sorted(set(data) - set(SET_OPTIONS) - {"name", "value"})
    if unknown:
        raise BadRequest(f"unknown field(s): {', '.join(unknown)}; known: name, value, {', '.join(SET_OPTIONS)}")
    options = {}
    for key, kind in SET_OPTIONS.items():
        if key not in data or data[key] is None:
            continue
        given = data[key]
        # bool is a kind of int in Python; a JSON true is not a number of seconds.
        if not isinstance(given, kind) or (kind is int and isinstance(given, bool)):
            raise BadRequest(f"field '{key}' must be {JSON_TYPE_NAMES[kind]}")
        options[key] = given
    if "max_age" in options and abs(options["max_age"]) > 100 * 365 * 86400:
        raise BadRequest("field 'max_age' is more than a century; try 500 days (43200000) to see the cap")
    return options


def _request_host() -> str | None:
    # The host name the client used, without the port: what a browser checks Domain against.
    return urlsplit(f"//{request.host}").hostname
