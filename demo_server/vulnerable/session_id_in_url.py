"""Lesson 05, station 4: the session ID in the URL.

What developers write, and why it looks fine: "URL rewriting" (Java's
``;jsessionid=``, PHP's ``?PHPSESSID=``), kept because it works without
cookies, or because links in e-mails and apps "just work". The login answers
with ``next: /vuln/url-session/account?sid=...`` and the account page reads
the ID from the query string. But a URL is copied everywhere: the access log
of this server and of every proxy, browser history, bookmarks, a link pasted
into a chat, and the ``Referer`` the browser sends with every image, script
and link on the page, here in full because the page sets
``Referrer-Policy: no-referrer-when-downgrade`` ("so partners see where their
visitors come from"). The fixed twins keep the ID in the cookie only.
"""

from __future__ import annotations

from flask import jsonify, request
from werkzeug.exceptions import Unauthorized

from demo_server.context import session_store, users
from demo_server.sessions.views import describe, device_label
from demo_server.vulnerable.labels import insecure, insecure_blueprint
from demo_server.web.request_input import json_object, string_fields

bp = insecure_blueprint("vuln_session_id_in_url", __name__, "/vuln/url-session")

PARAMETER = "sid"


@bp.post("/login")
@insecure(
    flaw="sends the session ID in a URL (next: /vuln/url-session/account?sid=...), where logs, history and the "
    "Referer header copy it",
    cwe="CWE-598",
    asvs="v5.0.0-14.2.1",
    fixed_twin="/sessions/login",
)
def login():
    username, password = string_fields(json_object(), "username", "password")
    if not users().verify(username, password):
        raise Unauthorized("wrong username or password")
    session_id, _ = session_store().create(username, device=device_label())
    # THE FLAW: the ID goes into a URL instead of a cookie.
    return jsonify({"message": f"logged in as {username}", "next": f"{bp.url_prefix}/account?{PARAMETER}={session_id}"})


@bp.get("/account")
@insecure(
    flaw="takes the session ID from the query string, and lets the full URL go to other sites in the Referer "
    "(Referrer-Policy: no-referrer-when-downgrade)",
    cwe="CWE-598",
    asvs="v5.0.0-14.2.1",
    fixed_twin="/mistakes/url-session/account",
)
def account():
    session_id = request.args.get(PARAMETER)
    session = session_store().touch(session_id) if session_id else None
    if session is None or session.user_id is None:
        raise Unauthorized(f"no live session in ?{PARAMETER}=: log in with POST /vuln/url-session/login")
    response = jsonify({"user": session.user_id, "page": f"{session.user_id}'s account", "session": describe(session)})
    response.headers["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response
