"""Two CSRF defences written out by hand, beside Flask-WTF's ``CSRFProtect`` (see bank_views).

1. A synchronizer token: a random value kept in the server-side session and put
   into every form the bank serves. Another site can make the browser send the
   session cookie, but it cannot read the bank's pages, so it cannot know the
   token. Flask-WTF does the same with a signed, time-limited token whose
   secret sits in Flask's session cookie.
2. A request-origin check: the browser itself says where a request comes from.
   ``Sec-Fetch-Site`` (every current browser) is ``same-origin`` only for the
   bank's own pages; ``Origin`` is the fallback for browsers without it. Only
   same-origin passes: ``same-site`` would let in a sibling on another port or
   subdomain (lesson 06, Step 1).
"""

from __future__ import annotations

import hmac

from flask import request
from werkzeug.exceptions import Forbidden

from demo_server.browser import bank_session
from demo_server.sessions.stores import Session

TOKEN_FIELD = "csrf_token"


def handmade_token(session: Session) -> str:
    return session.data[bank_session.CSRF_KEY]


def require_handmade_token(session: Session) -> None:
    """403 unless the form carries this session's token (compared in constant time)."""
    sent = request.form.get(TOKEN_FIELD, "")
    if not sent:
        raise Forbidden("refused: the form has no CSRF token")
    if not hmac.compare_digest(sent.encode(), handmade_token(session).encode()):
        raise Forbidden("refused: the CSRF token is not this session's")


def require_same_origin() -> None:
    """403 unless the browser says this request comes from the bank's own pages."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        if fetch_site != "same-origin":
            raise Forbidden(
                f"refused: this request was started by another site or origin (Sec-Fetch-Site: {fetch_site})"
            )
        return
    origin = request.headers.get("Origin")
    own = request.host_url.rstrip("/")
    if origin is None:
        raise Forbidden("refused: neither Sec-Fetch-Site nor Origin says where this request comes from")
    if origin != own:
        raise Forbidden(f"refused: the request comes from {origin}, not from {own}")
