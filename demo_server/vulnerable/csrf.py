"""Lesson 05, station 14: a cookie-authenticated state change that any site can trigger.

What developers write, and why it looks fine: "only logged-in users can
change their e-mail address: the session cookie proves who they are". But
the browser attaches the cookie to requests *other* sites' pages make, too:
a hidden form on the attacker's page posts ``email=mallory@...`` and the
victim's browser sends it with the victim's cookie. This view accepts a form
or JSON from any origin. (``SameSite=Lax`` on lesson 03's cookie stops a
cross-*site* form post in a browser; it does not stop a sibling subdomain,
which is the same site.) The fixed twin, ``/mistakes/csrf/email``, checks the
origin and takes JSON only. Lesson 06 runs the forged form in a real browser.
"""

from __future__ import annotations

from flask import jsonify, request
from werkzeug.exceptions import BadRequest

from demo_server.mistakes.csrf import checked_email
from demo_server.mistakes.profiles import profiles
from demo_server.sessions.views import require_login
from demo_server.vulnerable.labels import insecure, insecure_blueprint

bp = insecure_blueprint("vuln_csrf", __name__, "/vuln/csrf")


@bp.post("/email")
@insecure(
    flaw="changes the account's e-mail address on any request that carries the session cookie, form or JSON, "
    "from any origin",
    cwe="CWE-352",
    asvs="v5.0.0-3.5.1",
    fixed_twin="/mistakes/csrf/email",
)
def change_email():
    session = require_login()  # THE FLAW: the cookie is the only question asked
    data = request.get_json(silent=True) if request.is_json else request.form
    new_email = data.get("email") if isinstance(data, dict) or hasattr(data, "get") else None
    if not isinstance(new_email, str):
        raise BadRequest("send the new address as 'email' (a form field or JSON)")
    profiles().set_email(session.user_id, checked_email(new_email))
    return jsonify({"user": session.user_id, "email": new_email, "message": "e-mail address changed"})
