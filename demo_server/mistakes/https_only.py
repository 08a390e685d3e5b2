"""Station 2's fix: log in over https only, with a ``__Host-`` cookie and HSTS.

- Over plain http both routes answer 403 and set nothing: an API that quietly
  redirected would hide the client's mistake (the password has already
  crossed the network in clear by then), so it refuses instead.
- The session cookie is ``__Host-sid``: ``Secure`` (never sent over http),
  ``HttpOnly``, ``SameSite=Lax``, ``Path=/`` and no ``Domain``. Browsers accept
  a ``__Host-`` cookie only from https with exactly those attributes, so an
  attacker who answers a plain-http request cannot plant or overwrite it.
- Every https answer carries ``Strict-Transport-Security`` for a year, with
  subdomains: once a browser has seen it, it goes to https by itself, even
  when the user types ``http://``. (Browsers ignore HSTS from an IP address
  such as 127.0.0.1, RFC 6797 section 8.1; on a real domain name it works.)

The sessions are lesson 03's, in the same store.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import Forbidden, Unauthorized

from demo_server.context import session_store, users
from demo_server.sessions.cookie import HOST_PREFIXED_NAME
from demo_server.sessions.views import describe, device_label
from demo_server.web.cookie_header import set_cookie
from demo_server.web.request_input import json_object, string_fields

bp = Blueprint("https_only", __name__, url_prefix="/mistakes/https")

COOKIE = HOST_PREFIXED_NAME  # "__Host-sid"
HSTS = "max-age=31536000; includeSubDomains"  # one year: the floor ASVS asks for


@bp.before_request
def https_only() -> None:
    if not request.is_secure:
        raise Forbidden(
            "this endpoint answers over https only: over plain http, anyone on the network path reads "
            "the password and the session cookie. Use the https:// address."
        )


@bp.after_request
def strict_transport_security(response: Response) -> Response:
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


@bp.post("/login")
def login():
    username, password = string_fields(json_object(), "username", "password")
    if not users().verify(username, password):
        raise Unauthorized("wrong username or password")
    store = session_store()
    arrived_with = request.cookies.get(COOKIE)
    if arrived_with is not None:
        store.delete(arrived_with)  # a new ID at login, as in lesson 03
    session_id, session = store.create(username, device=device_label())
    response = jsonify({"message": f"logged in as {username}", "session": describe(session)})
    set_cookie(
        response,
        COOKIE,
        session_id,
        max_age=int(current_app.config["SERVER_SESSION_ABSOLUTE_TIMEOUT"]),
        path="/",
        secure=True,
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.get("/me")
def me():
    session_id = request.cookies.get(COOKIE)
    session = session_store().touch(session_id) if session_id is not None else None
    if session is None or session.user_id is None:
        raise Unauthorized(f"no live session in the {COOKIE} cookie: log in with POST /mistakes/https/login")
    return jsonify({"user": session.user_id, "session": describe(session)})
