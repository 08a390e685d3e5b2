"""Station 4's fix: the session ID travels in the cookie only, never in a URL.

``GET /mistakes/url-session/account`` reads lesson 03's session cookie and
refuses (400) any request whose query string carries something that looks
like a session ID, whatever the parameter is called: a URL is copied into
access logs, browser history, bookmarks, shared links and the ``Referer`` of
every request the page makes. It also sends ``Referrer-Policy: no-referrer``
and ``Cache-Control: no-store`` (a private page).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import BadRequest

from demo_server.sessions.ids import looks_like_session_id
from demo_server.sessions.views import describe, require_login

bp = Blueprint("url_session", __name__, url_prefix="/mistakes/url-session")

# Names frameworks have used for a session ID in a URL, compared case-insensitively.
SESSION_PARAMETERS = {"sid", "session", "session_id", "sessionid", "jsessionid", "phpsessid", "aspsessionid", "token"}


def refuse_session_ids_in_the_url() -> None:
    for name, value in request.args.items(multi=True):
        if name.lower() in SESSION_PARAMETERS or looks_like_session_id(value):
            raise BadRequest(
                f"a session ID in the URL (?{name[:40]}=...) is refused: URLs end up in logs, history and the "
                "Referer header. The session travels in the cookie only."
            )


@bp.get("/account")
def account():
    refuse_session_ids_in_the_url()
    session = require_login()
    response = jsonify({"user": session.user_id, "page": f"{session.user_id}'s account", "session": describe(session)})
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
