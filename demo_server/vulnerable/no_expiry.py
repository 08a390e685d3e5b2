"""Lesson 05, station 3: expiry left to the cookie's Max-Age.

What developers write, and why it looks fine: the session cookie says
``Max-Age=3600``, like the article's login, so "sessions last an hour". But
Max-Age only tells the *browser* when to throw its copy away. A thief's copy
of the cookie has no such instruction, and this server keeps every session
for ever, so the stolen cookie still works a year later. The fixed twins,
lesson 03's ``/sessions/login`` and ``/sessions/me``, enforce an idle and an
absolute timeout on the server's clock.
"""

from __future__ import annotations

import math

from flask import current_app, jsonify, request
from werkzeug.exceptions import Unauthorized

from demo_server.context import clock, users
from demo_server.sessions.stores import ExpiryPolicy, MemorySessionStore, SessionStore
from demo_server.vulnerable.labels import insecure, insecure_blueprint
from demo_server.web.cookie_header import set_cookie
from demo_server.web.request_input import json_object, string_fields

bp = insecure_blueprint("vuln_no_expiry", __name__, "/vuln/no-expiry")

STORE = "demo_server.vulnerable.no_expiry.store"
COOKIE = "sid"
COOKIE_MAX_AGE = 3600  # the article's Max-Age=3600: the only "expiry" this twin has


def _store() -> SessionStore:
    return current_app.extensions[STORE]


def _set_up_the_store(state) -> None:
    # THE FLAW, as a policy: no idle timeout, no absolute timeout.
    forever = ExpiryPolicy(idle_timeout=math.inf, absolute_timeout=math.inf)
    state.app.extensions[STORE] = MemorySessionStore(clock(state.app), forever)


bp.record_once(_set_up_the_store)


@bp.post("/login")
@insecure(
    flaw="relies on the cookie's Max-Age for expiry and keeps every session on the server for ever, so a "
    "copied cookie still works a year later",
    cwe="CWE-613",
    asvs="v5.0.0-7.3.2",
    fixed_twin="/sessions/login",
)
def login():
    username, password = string_fields(json_object(), "username", "password")
    if not users().verify(username, password):
        raise Unauthorized("wrong username or password")
    session_id, _ = _store().create(username)
    response = jsonify({"message": f"logged in as {username} (the cookie says: for an hour)"})
    set_cookie(response, COOKIE, session_id, max_age=COOKIE_MAX_AGE)
    return response


@bp.get("/me")
@insecure(
    flaw="never asks how old or how idle a session is: whoever holds the ID is in, however long ago it was issued",
    cwe="CWE-613",
    asvs="v5.0.0-7.3.1",
    fixed_twin="/sessions/me",
)
def me():
    session_id = request.cookies.get(COOKIE)
    session = _store().get(session_id) if session_id is not None else None
    if session is None:
        raise Unauthorized("no session: log in with POST /vuln/no-expiry/login")
    return jsonify({"user": session.user_id, "logged_in_for_days": int((clock().now() - session.created_at) // 86400)})
