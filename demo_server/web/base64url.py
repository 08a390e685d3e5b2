"""base64url without padding (RFC 7515, section 2): how JWTs, JWKs and token ids spell bytes."""

from __future__ import annotations

import base64
from typing import Any

from demo_server.web import strict_json


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """The inverse; raises binascii.Error (a ValueError) on characters outside the alphabet."""
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def b64url_json(text: str) -> Any:
    """The JSON inside one base64url part of a JWT, read as strictly as a request body (web.strict_json).

    Raises ValueError (binascii.Error or strict_json.JSONRejected) on anything else.
    """
    return strict_json.loads(b64url_decode(text))
