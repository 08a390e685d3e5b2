"""The fixed login cookie of lesson 01: the user name plus a signature.

The article's cookie, ``user=admin``, is something anyone can type. This one
carries an HMAC (itsdangerous) made with the app's SECRET_KEY, so a client
cannot write a valid one without the key, and the signing time, so the
*server* decides when a login has expired (a client may ignore Max-Age).
The time comes from the app's injected clock. Lesson 02 takes signing apart.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired

from demo_server.signed.clocked_session import ClockedTimestampSigner

LOGIN_LIFETIME_SECONDS = 3600
_SALT = "sessions-live lesson 01 login cookie"  # keeps these signatures apart from other uses of the key


def _signer() -> ClockedTimestampSigner:
    return ClockedTimestampSigner(current_app.secret_key, salt=_SALT, digest_method=hashlib.sha256)


def issue(username: str) -> str:
    """A cookie value that names ``username`` and that only this server can make."""
    return _signer().sign(username).decode("ascii")


class LoginRefused(Exception):
    """Why a login cookie was not accepted, in words for the response."""


def verify(cookie_value: str) -> str:
    """The user name inside a valid, unexpired cookie value, else LoginRefused."""
    try:
        return _signer().unsign(cookie_value, max_age=LOGIN_LIFETIME_SECONDS).decode("utf-8")
    except SignatureExpired:
        raise LoginRefused("your login has expired: log in again") from None
    except (BadSignature, UnicodeDecodeError):
        raise LoginRefused("the login cookie is not one this server issued") from None
