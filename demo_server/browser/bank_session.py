"""The bank's session: an opaque ID in the lesson 03 session store, in a ``__Host-`` cookie.

``__Host-bank``: Secure, Path=/, no Domain, so only this exact host can set it,
and HttpOnly, so page scripts cannot read it. Chromium accepts Secure and
``__Host-`` cookies from http://localhost and http://127.0.0.1 (secure contexts);
lesson 06 measures that. It is a browser-session cookie (no Max-Age): the
server's store ends the session after its idle and absolute timeouts anyway.

The session also holds this session's CSRF token for the hand-written
synchronizer-token defence (``forgery.py``).
"""

from __future__ import annotations

import secrets

from flask import Response, request

from demo_server.context import session_store
from demo_server.sessions.stores import Session

COOKIE = "__Host-bank"
CSRF_KEY = "csrf_token"


def start(username: str) -> str:
    """A new session for ``username`` (with its own CSRF token); returns the raw ID for the cookie."""
    session_id, _ = session_store().create(username, data={CSRF_KEY: secrets.token_urlsafe(32)}, device="bank")
    return session_id


def issue(response: Response, session_id: str, *, samesite: str = "Lax", httponly: bool = True) -> None:
    """The Set-Cookie; the vulnerable twins pass the attributes they get wrong."""
    response.set_cookie(COOKIE, session_id, path="/", secure=True, httponly=httponly, samesite=samesite)


def current() -> Session | None:
    """The logged-in session this request's cookie names, renewed; None if there is none."""
    session_id = request.cookies.get(COOKIE)
    if session_id is None:
        return None
    session = session_store().touch(session_id)
    return session if session is not None and session.user_id is not None else None
