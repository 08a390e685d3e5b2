"""Lesson 05, station 2: the login over plain http.

What developers write, and why it looks fine: lesson 03's session, done
right in every other way, served on ``http://`` "because it is behind the
company network" or "we add TLS later". Everyone on the network path (a
café's Wi-Fi, a router, an ISP) reads the password and the session cookie,
and the cookie has no ``Secure`` attribute, so a browser also sends it with
any plain-http request to the site, e.g. one an attacker's page triggers.
There is no ``Strict-Transport-Security`` either. The fixed twins,
``/mistakes/https/...``, answer over https only.
"""

from __future__ import annotations

from flask import jsonify

from demo_server.sessions import views as sessions
from demo_server.sessions.views import describe, require_login
from demo_server.vulnerable.labels import insecure, insecure_blueprint

bp = insecure_blueprint("vuln_no_https", __name__, "/vuln/no-https")


@bp.post("/login")
@insecure(
    flaw="takes the password and hands out the session cookie over plain http, with no Secure attribute and no HSTS",
    cwe="CWE-319",
    asvs="v5.0.0-12.2.1",
    fixed_twin="/mistakes/https/login",
)
def login():
    return sessions.login()  # THE FLAW is what is missing around it: https, Secure, HSTS


@bp.get("/me")
@insecure(
    flaw="accepts the session cookie over plain http: the cookie has no Secure attribute, so browsers send it "
    "there, readable by anyone on the path",
    cwe="CWE-614",
    asvs="v5.0.0-3.3.1",
    fixed_twin="/mistakes/https/me",
)
def me():
    session = require_login()
    return jsonify({"user": session.user_id, "session": describe(session)})
