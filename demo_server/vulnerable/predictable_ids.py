"""Lesson 05, station 5: session IDs an attacker can predict.

What developers write, and why it looks fine: "every session gets a unique
ID", from a counter (unique, yes) or from ``md5(user:login time)`` (32 hex
digits, looks random). Unique is not unguessable: the next user's counter ID
is the last one plus one, and an attacker who knows a user name and roughly
when they logged in (every answer's ``Date`` header says the server's time)
computes the md5 in a few tries. The fixed twins, lesson 03's
``/sessions/login`` and ``/sessions/me``, use 256 bits from ``secrets``.
"""

from __future__ import annotations

import hashlib
import itertools
import threading

from flask import current_app, jsonify, request
from werkzeug.exceptions import Unauthorized

from demo_server.context import clock, users
from demo_server.vulnerable.labels import insecure, insecure_blueprint
from demo_server.web.cookie_header import set_cookie
from demo_server.web.request_input import json_object, string_fields

bp = insecure_blueprint("vuln_predictable_ids", __name__, "/vuln/predictable-ids")

COOKIE = "sid"
STORE = "demo_server.vulnerable.predictable_ids.sessions"
MAX_ID_CHARS = 64


class GuessableSessions:
    """ID -> user, with IDs handed out by the caller (that is the flaw). No expiry: not this station's point."""

    def __init__(self) -> None:
        self.counter = itertools.count(1)
        self._users: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, session_id: str, user: str) -> None:
        with self._lock:
            self._users[session_id] = user

    def user(self, session_id: str) -> str | None:
        with self._lock:
            return self._users.get(session_id)


def _sessions() -> GuessableSessions:
    return current_app.extensions[STORE]


def _set_up_the_store(state) -> None:
    state.app.extensions[STORE] = GuessableSessions()


bp.record_once(_set_up_the_store)


def _logged_in(username: str, session_id: str):
    _sessions().add(session_id, username)
    response = jsonify({"message": f"logged in as {username}"})
    set_cookie(response, COOKIE, session_id)
    return response


def _checked_login() -> str:
    username, password = string_fields(json_object(), "username", "password")
    if not users().verify(username, password):
        raise Unauthorized("wrong username or password")
    return username


@bp.post("/counter-login")
@insecure(
    flaw="numbers sessions one after another (a counter, zero-padded to look like a token), so the next "
    "user's ID is the last one plus one",
    cwe="CWE-340",
    asvs="v5.0.0-7.2.3",
    fixed_twin="/sessions/login",
)
def counter_login():
    username = _checked_login()
    return _logged_in(username, f"{next(_sessions().counter):012d}")  # THE FLAW


@bp.post("/time-login")
@insecure(
    flaw="derives the session ID from md5(user name:login time), two things an attacker knows or can guess",
    cwe="CWE-330",
    asvs="v5.0.0-7.2.3",
    fixed_twin="/sessions/login",
)
def time_login():
    username = _checked_login()
    seed = f"{username}:{int(clock().now())}"
    return _logged_in(username, hashlib.md5(seed.encode()).hexdigest())  # THE FLAW


@bp.get("/me")
@insecure(
    flaw="accepts any session ID it is sent, from an ID space small enough to walk through (counters, md5 of "
    "known values)",
    cwe="CWE-340",
    asvs="v5.0.0-7.2.3",
    fixed_twin="/sessions/me",
)
def me():
    session_id = request.cookies.get(COOKIE, "")[:MAX_ID_CHARS]
    user = _sessions().user(session_id)
    if user is None:
        raise Unauthorized("no session: log in with POST /vuln/predictable-ids/counter-login (or time-login)")
    return jsonify({"user": user})
