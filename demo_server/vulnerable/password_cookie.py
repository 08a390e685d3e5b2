"""Lesson 05, station 1: the password kept in a "remember me" cookie.

What developers write, and why it looks fine: "the cookie is base64, the
server re-checks the password on every request, so a changed password logs
everyone out, and the login page can pre-fill the form from it". But base64
is an encoding, not encryption: every copy of this cookie (in a proxy log, a
HAR file attached to a support ticket, the browser's cookie file, a script on
the page, since it is not HttpOnly) is the user's password, which works on
every site where they reused it. The fixed twins are lesson 03's
``/sessions/login`` and ``/sessions/me``: the cookie is an opaque random ID.
"""

from __future__ import annotations

import base64
import binascii

from flask import jsonify, request
from werkzeug.exceptions import Unauthorized

from demo_server.context import users
from demo_server.vulnerable.labels import insecure, insecure_blueprint
from demo_server.web.cookie_header import set_cookie
from demo_server.web.request_input import json_object, string_fields

bp = insecure_blueprint("vuln_password_cookie", __name__, "/vuln/password-cookie")

COOKIE = "remember"
REMEMBER_SECONDS = 30 * 24 * 3600


@bp.post("/login")
@insecure(
    flaw="keeps the user name and password in a 'remember me' cookie (base64 is not encryption, and it is not "
    "HttpOnly), so every copy of the cookie is the password",
    cwe="CWE-315",
    asvs="v5.0.0-14.3.3",
    fixed_twin="/sessions/login",
)
def login():
    username, password = string_fields(json_object(), "username", "password")
    if not users().verify(username, password):
        raise Unauthorized("wrong username or password")
    response = jsonify({"message": f"logged in as {username}; you will be remembered for 30 days"})
    # THE FLAW: the credentials themselves, encoded like HTTP Basic, for 30 days.
    remembered = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    set_cookie(response, COOKIE, remembered, max_age=REMEMBER_SECONDS, httponly=False)
    return response


@bp.get("/me")
@insecure(
    flaw="accepts the password itself, read from a cookie, as the proof of login on every request",
    cwe="CWE-522",
    asvs="v5.0.0-14.3.3",
    fixed_twin="/sessions/me",
)
def me():
    remembered = request.cookies.get(COOKIE)
    if not remembered:
        raise Unauthorized(f"no {COOKIE} cookie: log in with POST /vuln/password-cookie/login")
    try:
        username, _, password = base64.b64decode(remembered, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorized(f"the {COOKIE} cookie is not base64 of 'user:password'") from None
    if not users().verify(username, password):
        raise Unauthorized("the password in the cookie is wrong (changed since?): log in again")
    return jsonify({"user": username})
