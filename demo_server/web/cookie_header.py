"""Set cookies whose Expires comes from the app's injected clock.

Werkzeug computes Expires from the real time whenever Max-Age is given; the
demo server uses its own clock instead, so expiry can be taught without
waiting and the headers in the lessons are the same on every run.
"""

from __future__ import annotations

from flask import Response

from demo_server.context import clock


def set_cookie(
    response: Response,
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    path: str = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = True,
    samesite: str | None = "Lax",
) -> None:
    """Add a Set-Cookie header; secure-ish defaults (HttpOnly, SameSite=Lax)."""
    expires = clock().now() + max_age if max_age is not None else None
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        expires=expires,
        path=path,
        domain=domain,
        secure=secure,
        httponly=httponly,
        samesite=samesite,
    )


def expire_cookie(response: Response, name: str, *, path: str = "/", **attributes) -> None:
    """Tell the client to drop a cookie (Max-Age=0 and an Expires in the past)."""
    response.set_cookie(name, "", max_age=0, expires=0, path=path, **attributes)
