"""Station 10's fix: a logged-in user's page says ``Cache-Control: no-store``.

``no-store`` tells every cache on the way, shared (a CDN, a company proxy)
or private (the browser's), not to keep the answer at all. ``private`` alone
keeps it out of shared caches but not out of the browser's, where the next
person at a shared computer finds it with the back button.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from demo_server.mistakes.profiles import profiles
from demo_server.sessions.stores import Session
from demo_server.sessions.views import require_login

bp = Blueprint("cache", __name__, url_prefix="/mistakes/cache")


def account_page(session: Session) -> Response:
    """What a logged-in user sees: their name and e-mail address (shared with the vulnerable twin)."""
    user = session.user_id
    return jsonify({"user": user, "email": profiles().email(user), "page": f"{user}'s account"})


@bp.get("/account")
def account():
    response = account_page(require_login())
    response.headers["Cache-Control"] = "no-store"
    return response
