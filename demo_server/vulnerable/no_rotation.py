"""Lesson 05, station 7: no new session ID when privileges change.

What developers write, and why it looks fine: "sudo mode" (enter your
password again before the security settings) just marks the current session
as trusted for five minutes; a password change just updates the hash. Both
keep the session ID. So whoever knew the ID before (planted it, as in
session fixation, or copied it) now holds a session in sudo mode; and after a
password change, every other session (the thief's among them) still works.
The fixed twins: ``/mistakes/sudo`` issues a new ID, lesson 03's
``/sessions/password`` issues a new ID and ends every other session.
"""

from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import BadRequest, Forbidden

from demo_server.context import clock, session_store, users
from demo_server.mistakes.sudo import SUDO_SECONDS, SUDO_UNTIL, confirm_password
from demo_server.sessions.views import current_session, iso
from demo_server.users import MIN_PASSWORD_LENGTH
from demo_server.vulnerable.labels import insecure, insecure_blueprint
from demo_server.web.request_input import json_object, string_fields

bp = insecure_blueprint("vuln_no_rotation", __name__, "/vuln/no-rotation")


@bp.post("/sudo")
@insecure(
    flaw="raises the session's privileges (sudo mode) after the password is entered again but keeps the "
    "session ID, so whoever knew that ID has sudo mode too",
    cwe="CWE-384",
    asvs="v5.0.0-7.2.4",
    fixed_twin="/mistakes/sudo",
)
def sudo():
    session_id, session = current_session(logged_in=True)
    confirm_password(session.user_id)
    until = clock().now() + SUDO_SECONDS
    session_store().update(session_id, lambda data: data.update({SUDO_UNTIL: until}))  # THE FLAW: same ID
    return jsonify({"message": f"sudo mode until {iso(until)}", "sudo_until": iso(until)})


@bp.post("/password")
@insecure(
    flaw="changes the password but keeps this session's ID and every other session of the user alive",
    cwe="CWE-613",
    asvs="v5.0.0-7.4.3",
    fixed_twin="/sessions/password",
)
def change_password():
    _, session = current_session(logged_in=True)
    current, new = string_fields(json_object(), "current_password", "new_password")
    if not users().verify(session.user_id, current):
        raise Forbidden("the current password is wrong")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise BadRequest(f"a new password has at least {MIN_PASSWORD_LENGTH} characters")
    if new == current:
        raise BadRequest("the new password is the same as the current one")
    users().set_password(session.user_id, new)  # THE FLAW: and no session is touched
    return jsonify({"message": "password changed"})
