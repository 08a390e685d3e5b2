"""Station 13's fix: the server looks the role up; it never takes it from the client.

``GET /mistakes/roles/admin`` accepts lesson 03's session cookie or lesson
04's access token, and asks ``role_of(user)``, the server's own record. A
role written in a cookie or a token claim says what the client *wants*.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import Forbidden, Unauthorized

from demo_server.context import clock, session_store, token_service
from demo_server.sessions import cookie as session_cookie
from demo_server.tokens.access import TokenRejected

bp = Blueprint("roles", __name__, url_prefix="/mistakes/roles")

# The server's record of who may do what; every other demo user is a "user".
ROLES = {"admin": "admin"}


def role_of(user: str) -> str:
    return ROLES.get(user, "user")


def authenticated_user() -> str:
    """The user behind the request's access token or session cookie, or a 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        try:
            return token_service().access.verify(token.strip(), clock().now())["sub"]
        except TokenRejected as error:
            raise Unauthorized(str(error)) from None
    session_id = session_cookie.read_session_id()
    session = session_store().touch(session_id) if session_id is not None else None
    if session is None or session.user_id is None:
        raise Unauthorized("log in first: a session cookie (POST /sessions/login) or a bearer token (POST /jwt/login)")
    return session.user_id


@bp.get("/admin")
def admin():
    user = authenticated_user()
    role = role_of(user)
    if role != "admin":
        raise Forbidden(f"{user} is a {role}, not an admin (the server's own record says so)")
    return jsonify({"user": user, "role": role, "page": "the admin page"})
