"""Lesson 05, station 12: personal data and a password hash inside a token.

What developers write, and why it looks fine: "the token is signed, nobody
can change it", so the whole user record goes in: the e-mail address and,
to "check the password hash later without a lookup", the hash itself. Signed
is not secret: a JWT payload and Flask's session cookie are base64url that
anyone holding the token reads, the user, a browser extension, a log, a
proxy. A password hash read this way is cracked offline at leisure. The
fixed twins carry no personal data: lesson 04's ``/jwt/login`` (an opaque
``sub``, ids and times) and lesson 03's ``/sessions/login`` (a random ID).
"""

from __future__ import annotations

import jwt
from flask import jsonify, session
from werkzeug.exceptions import Unauthorized

from demo_server.context import clock, token_service, users
from demo_server.mistakes.profiles import profiles
from demo_server.tokens.access import ACCESS_TOKEN_SECONDS, AUDIENCE, ISSUER
from demo_server.vulnerable.labels import insecure, insecure_blueprint
from demo_server.web.request_input import json_object, string_fields

bp = insecure_blueprint("vuln_payload_secrets", __name__, "/vuln/payload-secrets")


def _user_record(username: str) -> dict:
    # THE FLAW: what a database row holds, none of it needed to authenticate a request.
    return {"email": profiles().email(username), "password_hash": users().password_hash(username)}


def _checked_login() -> str:
    username, password = string_fields(json_object(), "username", "password")
    if not users().verify(username, password):
        raise Unauthorized("wrong username or password")
    return username


@bp.post("/jwt-login")
@insecure(
    flaw="puts the user's e-mail address and password hash in the JWT payload, which is signed but readable "
    "by anyone who holds the token",
    cwe="CWE-312",
    asvs="v5.0.0-14.3.3",
    fixed_twin="/jwt/login",
)
def jwt_login():
    username = _checked_login()
    now = int(clock().now())
    key = token_service().keys.current
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": username, "iat": now, "exp": now + ACCESS_TOKEN_SECONDS}
    token = jwt.encode(
        {**claims, **_user_record(username)}, key.private_key, algorithm="EdDSA", headers={"kid": key.kid}
    )
    return jsonify({"access_token": token, "token_type": "Bearer", "expires_in": ACCESS_TOKEN_SECONDS})


@bp.post("/cookie-login")
@insecure(
    flaw="keeps the user's e-mail address and password hash in Flask's signed session cookie, which anyone can "
    "base64-decode",
    cwe="CWE-315",
    asvs="v5.0.0-14.3.3",
    fixed_twin="/sessions/login",
)
def cookie_login():
    username = _checked_login()
    session.clear()
    session.update({"user": username, **_user_record(username)})
    return jsonify({"message": f"logged in as {username}"})
