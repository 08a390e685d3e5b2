"""HS256 JSON Web Tokens written out by hand (lesson 04), small enough to read in one go.

A JWT is three base64url parts joined by dots: ``header.payload.signature``.
For HS256 the signature is HMAC-SHA256 over the ASCII text ``header.payload``
with a shared secret key. This module exists to show that there is no magic;
real code uses PyJWT, and tests/test_jwt_by_hand.py proves both agree.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Any

ALGORITHM = "HS256"


class InvalidToken(ValueError):
    """The token was rejected; the message says why."""


def b64url_encode(data: bytes) -> str:
    """base64url without the '=' padding, as RFC 7515 section 2 asks."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """The inverse of b64url_encode; refuses characters outside the base64url alphabet."""
    if not isinstance(text, str) or not text.isascii():
        raise InvalidToken("a token part is not base64url text")
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded, altchars=b"-_", validate=True)
    except binascii.Error:
        raise InvalidToken(f"{text[:20]!r} is not valid base64url") from None


def sign_hs256(payload: dict[str, Any], key: bytes) -> str:
    """A compact JWT carrying ``payload``, signed with HMAC-SHA256 under ``key``."""
    header = {"alg": ALGORITHM, "typ": "JWT"}
    signing_input = f"{_encode_json(header)}.{_encode_json(payload)}"
    signature = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{b64url_encode(signature)}"


def verify_hs256(token: str, key: bytes, now: float | None = None) -> dict[str, Any]:
    """The payload of a valid HS256 token; raises InvalidToken saying why otherwise.

    Order matters: the header's ``alg`` is checked against the one algorithm
    we accept *before* anything else is trusted, then the signature, and only
    then do the claims (exp, nbf) mean anything. Times are judged at ``now``
    (seconds since the epoch; default: the current time).
    """
    if not isinstance(token, str):
        raise InvalidToken(f"a token is a string, not {type(token).__name__}")
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken(f"a JWT has 3 dot-separated parts, this one has {len(parts)}")
    header_part, payload_part, signature_part = parts

    header = _decode_json(header_part, "header")
    if header.get("alg") != ALGORITHM:
        raise InvalidToken(f"algorithm {header.get('alg')!r} is not allowed: only {ALGORITHM} is accepted")

    expected = hmac.new(key, f"{header_part}.{payload_part}".encode("ascii"), hashlib.sha256).digest()
    # compare_digest takes the same time wherever the first wrong byte is.
    if not hmac.compare_digest(expected, b64url_decode(signature_part)):
        raise InvalidToken("bad signature: the token was changed or signed with another key")

    payload = _decode_json(payload_part, "payload")
    now = time.time() if now is None else now
    if "exp" in payload and now >= _numeric_date(payload, "exp"):
        raise InvalidToken(f"token expired (exp={payload['exp']}, now={now:.0f})")
    if "nbf" in payload and now < _numeric_date(payload, "nbf"):
        raise InvalidToken(f"token not valid yet (nbf={payload['nbf']}, now={now:.0f})")
    return payload


def _encode_json(value: dict[str, Any]) -> str:
    # Compact separators: the bytes that are signed are the bytes that are sent.
    return b64url_encode(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def _decode_json(part: str, what: str) -> dict[str, Any]:
    raw = b64url_decode(part)
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidToken(f"the {what} is not JSON") from None
    if not isinstance(value, dict):
        raise InvalidToken(f"the {what} must be a JSON object")
    return value


def _numeric_date(payload: dict[str, Any], claim: str) -> float:
    value = payload[claim]
    # bool is an int in Python, but true is not a time.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidToken(f"claim {claim!r} must be a number of seconds since the epoch")
    return float(value)
