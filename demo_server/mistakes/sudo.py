"""Station 7's fix: "sudo mode" (enter your password again) gets a new session ID.

Raising a session's privileges is an authentication event like login: the
session that comes out of it must have an ID nobody had before (ASVS asks
for a new token at every authentication, re-authentication included). So
``POST /mistakes/sudo`` checks the password, starts a new session with the
same data plus the sudo deadline, deletes the old one and sets the new
cookie: a copy of the old ID, stolen or planted, is worth nothing now.
``GET /mistakes/sudo/settings`` is the page that needs sudo mode.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.exceptions import Forbidden

from demo_server.context import clock, session_store, users
from demo_server.sessions import cookie as session_cookie
from demo_server.sessions.stores import Session
from demo_server.sessions.views import current_session, iso, require_login
from demo_server.web.request_input import json_object, string_fields

bp = Blueprint("sudo", __name__, url_prefix="/mistakes/sudo")

SUDO_SECONDS = 5 * 60
SUDO_UNTIL = "sudo_until"  # the session data key: sudo mode lasts until this time


def confirm_password(user: str) -> None:
    (password,) = string_fields(json_object(), "password")
    if not users().verify(user, password):
        raise Forbidden("wrong password: sudo mode needs your current password")


def in_sudo_mode(session: Session) -> bool:
    return clock().now() < session.data.get(SUDO_UNTIL, 0)


@bp.post("")
def enter_sudo_mode():
    session_id, session = current_session(logged_in=True)
    confirm_password(session.user_id)
    until = clock().now() + SUDO_SECONDS
    store = session_store()
    new_id, _ = store.create(session.user_id, data={**session.data, SUDO_UNTIL: until}, device=session.device)
    store.delete(session_id)  # the old ID dies with the old privileges
    response = jsonify({"message": f"sudo mode until {iso(until)}, in a new session", "sudo_until": iso(until)})
    session_cookie.issue(response, new_id)
    return response


@bp.get("/settings")
def settings():
    session = require_login()
    if not in_sudo_mode(session):
        raise Forbidden("this page needs sudo mode: enter your password again with POST /mistakes/sudo")
    return jsonify({"user": session.user_id, "page": "security settings (sudo mode)"})
