"""Lesson 05, station 8: a login that tells who has an account.

What developers write, and why it looks fine: helpful errors, "no account
with that username" and "wrong password", and no wasted work: why hash a
password for a user who does not exist? Both tell an attacker which names are
real (to target with a word list, or to phish): the message says it, and so
does the time, since only a real user's password is hashed (scrypt, tens of
milliseconds). The fixed twin, lesson 03's ``/sessions/login``, says "wrong
username or password" either way and checks a decoy hash for unknown users,
so both cost the same.
"""

from __future__ import annotations

from werkzeug.exceptions import Unauthorized
from werkzeug.security import check_password_hash

from demo_server.context import users
from demo_server.sessions import views as sessions
from demo_server.vulnerable.labels import insecure, insecure_blueprint
from demo_server.web.request_input import json_object, string_fields

bp = insecure_blueprint("vuln_user_enumeration", __name__, "/vuln/enumeration")


@bp.post("/login")
@insecure(
    flaw="answers 'no account with that username' or 'wrong password', and answers unknown names faster because "
    "it hashes only for real users, so anyone can tell which accounts exist",
    cwe="CWE-204",
    asvs="v5.0.0-6.3.8",
    fixed_twin="/sessions/login",
)
def login():
    username, password = string_fields(json_object(), "username", "password")
    try:
        stored = users().password_hash(username)
    except KeyError:
        raise Unauthorized("no account with that username") from None  # THE FLAW: fast, and says so
    if not check_password_hash(stored, password):
        raise Unauthorized("wrong password for this account")  # THE FLAW: slow, and says so
    return sessions.login()  # the password is right: lesson 03's login from here on
