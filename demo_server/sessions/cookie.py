"""The session cookie: which name and attributes, and reading it back.

HttpOnly (page scripts cannot read it), SameSite=Lax (not sent with
cross-site subrequests or POSTs: defence in depth, not a CSRF defence on its
own), Path=/. With SERVER_SESSION_SECURE_COOKIE it is also Secure (sent over
https only) and named ``__Host-sid``: browsers accept a ``__Host-`` cookie only
with Secure, Path=/ and no Domain, so a sibling subdomain cannot plant one.
Both need https, which the demo server on http://127.0.0.1 does not have, so
they are off by default (lesson 03 shows what happens when they are on).
"""

from __future__ import annotations

from flask import Response, current_app, request

from demo_server.web.cookie_header import expire_cookie, set_cookie

PLAIN_NAME = "sid"
HOST_PREFIXED_NAME = "__Host-sid"


def cookie_name() -> str:
    return HOST_PREFIXED_NAME if _secure() else PLAIN_NAME


def read_session_id() -> str | None:
    """The session cookie's value as sent, or None (the store ignores anything malformed)."""
    return request.cookies.get(cookie_name())


def issue(response: Response, session_id: str) -> None:
    # Max-Age is the absolute timeout: the browser may drop the cookie then; the
    # server enforces both timeouts whatever the browser keeps.
    max_age = int(current_app.config["SERVER_SESSION_ABSOLUTE_TIMEOUT"])
    set_cookie(
        response,
        cookie_name(),
        session_id,
        max_age=max_age,
        path="/",
        secure=_secure(),
        httponly=True,
        samesite="Lax",
    )


def clear(response: Response) -> None:
    expire_cookie(response, cookie_name(), path="/", secure=_secure(), httponly=True, samesite="Lax")


def _secure() -> bool:
    return bool(current_app.config["SERVER_SESSION_SECURE_COOKIE"])
