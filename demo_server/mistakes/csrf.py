"""Station 14's fix: a state change checks where the request comes from.

A browser sends the session cookie with a request another site's page makes
(a form, a fetch), unless ``SameSite`` stops it, and ``SameSite=Lax`` does
not stop a sibling subdomain (same site), a ``SameSite=None`` cookie, or a
state change on GET. So ``POST /mistakes/csrf/email``:

- refuses a request whose ``Origin`` is not this server's own origin
  (``Origin: null``, from sandboxed frames and some redirects, too);
- without ``Origin``, refuses ``Sec-Fetch-Site: cross-site`` or ``same-site``
  (both set by browsers, never by page scripts);
- takes JSON only: an HTML form cannot send ``application/json``, and a
  script on another origin cannot either without a CORS preflight this
  server never approves.

A request with neither header comes from a non-browser client, which holds
its own cookies: there is no victim's browser to ride. Lesson 06 shows the
attack and a CSRF token (Flask-WTF) in a real browser.
"""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import BadRequest, Forbidden

from demo_server.mistakes.profiles import profiles
from demo_server.sessions.views import require_login
from demo_server.web.request_input import json_object, string_fields

bp = Blueprint("csrf", __name__, url_prefix="/mistakes/csrf")

EMAIL_SHAPE = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}")


def own_origin() -> str:
    return f"{request.scheme}://{request.host}"


def refuse_cross_site_requests() -> None:
    origin = request.headers.get("Origin")
    if origin is not None:
        if origin != own_origin():
            raise Forbidden(f"cross-origin request refused: Origin {origin[:100]!r} is not {own_origin()}")
        return
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        raise Forbidden(f"cross-site request refused (Sec-Fetch-Site: {fetch_site[:40]})")


def checked_email(value: str) -> str:
    if not EMAIL_SHAPE.fullmatch(value):
        raise BadRequest("an e-mail address looks like name@example.com")
    return value


@bp.get("/email")
def email():
    session = require_login()
    return jsonify({"user": session.user_id, "email": profiles().email(session.user_id)})


@bp.post("/email")
def change_email():
    refuse_cross_site_requests()
    session = require_login()
    (new_email,) = string_fields(json_object(), "email")
    profiles().set_email(session.user_id, checked_email(new_email))
    return jsonify({"user": session.user_id, "email": new_email, "message": "e-mail address changed"})
