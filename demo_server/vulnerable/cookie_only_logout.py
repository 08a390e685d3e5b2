"""Lesson 05, station 6: a logout that only clears the cookie.

What developers write, and why it looks fine: the browser's cookie is gone,
the user is logged out *in that browser*. But the session is still alive on
the server, so any copy of the cookie (stolen, synced, left on a shared
computer) keeps working until the session expires on its own. For a JWT the
same mistake is "logout = the client forgets the token": the token stays
valid until its ``exp``. The fixed twins are lesson 03's ``/sessions/logout``
(deletes the session on the server) and lesson 04's ``/jwt/logout`` (puts
the token's ``jti`` on a deny-list and ends its refresh tokens).
"""

from __future__ import annotations

from flask import jsonify, request
from werkzeug.exceptions import Unauthorized

from demo_server.context import clock, token_service
from demo_server.sessions import cookie as session_cookie
from demo_server.sessions.views import current_session
from demo_server.tokens.access import TokenRejected
from demo_server.vulnerable.labels import insecure, insecure_blueprint

bp = insecure_blueprint("vuln_cookie_only_logout", __name__, "/vuln/cookie-only-logout")


@bp.post("/sessions")
@insecure(
    flaw="logs out by asking the browser to delete its cookie only: the session lives on in the store, so a "
    "copy of the cookie still works",
    cwe="CWE-613",
    asvs="v5.0.0-7.4.1",
    fixed_twin="/sessions/logout",
)
def session_logout():
    current_session(logged_in=False)
    response = jsonify({"message": "logged out"})
    session_cookie.clear(response)  # THE FLAW: and nothing else
    return response


@bp.post("/jwt")
@insecure(
    flaw="logs a JWT out by telling the client to forget it: the token stays valid until it expires",
    cwe="CWE-613",
    asvs="v5.0.0-7.4.1",
    fixed_twin="/jwt/logout",
)
def jwt_logout():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send 'Authorization: Bearer <access token>'")
    try:
        token_service().access.verify(token.strip(), clock().now())
    except TokenRejected as error:
        raise Unauthorized(str(error)) from None
    return jsonify({"message": "logged out: delete the token on your side"})  # THE FLAW: nothing on ours
