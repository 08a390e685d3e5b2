"""Lesson 05, station 13: the role comes from the client.

What developers write, and why it looks fine: the login sets a ``role``
cookie so the front end can show or hide the admin menu, and the admin page
reads the same cookie, "the user cannot see the menu anyway". Or a JWT
carries ``"role": "user"``, signed with HS256, by a key from a tutorial.
Either way the client decides: a plain cookie is edited in one line, and a
token whose key is in a word list is re-signed as ``"role": "admin"`` (lesson
02 cracked such a key). The fixed twin, ``/mistakes/roles/admin``, looks the
role up on the server.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json

from flask import jsonify, request
from werkzeug.exceptions import Forbidden, Unauthorized

from demo_server.context import clock, users
from demo_server.mistakes.roles import role_of
from demo_server.sessions import views as sessions
from demo_server.sessions.views import require_login
from demo_server.vulnerable.labels import insecure, insecure_blueprint
from demo_server.web import strict_json
from demo_server.web.base64url import b64url_decode, b64url_encode
from demo_server.web.cookie_header import set_cookie
from demo_server.web.request_input import json_object, string_fields

bp = insecure_blueprint("vuln_client_roles", __name__, "/vuln/client-roles")

ROLE_COOKIE = "role"
WEAK_ROLE_KEY = "jwt-secret"  # deliberately guessable: it is in notebooks/data/weak-secrets.txt
ROLE_TOKEN_SECONDS = 3600
HS256_HEADER = {"alg": "HS256", "typ": "JWT"}


def signed_role_token(claims: dict) -> str:
    """HS256 by hand (lesson 04): PyJWT rightly warns about a 10-byte key, and this twin wants one."""
    signing_input = ".".join(b64url_encode(json.dumps(part).encode()) for part in (HS256_HEADER, claims))
    signature = hmac.new(WEAK_ROLE_KEY.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url_encode(signature)}"


def verified_role_claims(token: str) -> dict:
    try:
        header_part, payload_part, signature_part = token.split(".")
        signature = b64url_decode(signature_part)
        header, claims = strict_json.loads(b64url_decode(header_part)), strict_json.loads(b64url_decode(payload_part))
    except (ValueError, binascii.Error):
        raise Unauthorized("malformed token") from None
    expected = hmac.new(WEAK_ROLE_KEY.encode(), f"{header_part}.{payload_part}".encode(), hashlib.sha256).digest()
    if not isinstance(header, dict) or header.get("alg") != "HS256" or not hmac.compare_digest(expected, signature):
        raise Unauthorized("bad token: not signed with this server's key")
    if not isinstance(claims, dict):
        raise Unauthorized("malformed token")
    return claims


@bp.post("/login")
@insecure(
    flaw="logs in and sets a plain 'role' cookie that the admin page believes",
    cwe="CWE-565",
    asvs="v5.0.0-8.3.1",
    fixed_twin="/sessions/login",
)
def login():
    response = sessions.login()  # lesson 03's login: a 401 unless the password is right
    username = request.get_json()["username"]
    set_cookie(response, ROLE_COOKIE, role_of(username), httponly=False)  # "so the front end can show the menu"
    return response


@bp.get("/admin")
@insecure(
    flaw="takes the role from the 'role' cookie, which the client writes: role=admin opens the admin page",
    cwe="CWE-565",
    asvs="v5.0.0-8.3.1",
    fixed_twin="/mistakes/roles/admin",
)
def admin():
    session = require_login()
    role = request.cookies.get(ROLE_COOKIE, "user")  # THE FLAW
    if role != "admin":
        raise Forbidden(f"{session.user_id} is a {role[:40]}, not an admin")
    return jsonify({"user": session.user_id, "role": role, "page": "the admin page"})


@bp.post("/jwt-login")
@insecure(
    flaw="signs a role claim into an HS256 JWT with a dictionary word as the key",
    cwe="CWE-1391",
    asvs="v5.0.0-11.5.1",
    fixed_twin="/jwt/login",
)
def jwt_login():
    username, password = string_fields(json_object(), "username", "password")
    if not users().verify(username, password):
        raise Unauthorized("wrong username or password")
    now = int(clock().now())
    claims = {"sub": username, "role": role_of(username), "iat": now, "exp": now + ROLE_TOKEN_SECONDS}
    return jsonify({"access_token": signed_role_token(claims), "token_type": "Bearer"})


@bp.get("/jwt-admin")
@insecure(
    flaw="trusts the 'role' claim of a token signed with a guessable key",
    cwe="CWE-807",
    asvs="v5.0.0-8.3.1",
    fixed_twin="/mistakes/roles/admin",
)
def jwt_admin():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send 'Authorization: Bearer <token from POST /vuln/client-roles/jwt-login>'")
    claims = verified_role_claims(token.strip())
    role = claims.get("role")  # THE FLAW: the token's word for it
    if role != "admin":
        raise Forbidden(f"{claims.get('sub')} is a {str(role)[:40]}, not an admin")
    return jsonify({"user": claims.get("sub"), "role": role, "page": "the admin page"})
