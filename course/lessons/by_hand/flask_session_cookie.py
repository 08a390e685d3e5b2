"""Flask's session cookie seen from outside the server (lesson 02).

Read it, test a guessed key against it, sign a new one: standard library
only, so nothing is hidden. A Flask session cookie is three base64url parts,
``payload.timestamp.signature``:

- payload: the session as compact JSON (a leading "." means zlib-compressed);
- timestamp: when it was signed, a big-endian integer of seconds;
- signature: HMAC-SHA1 over "payload.timestamp" with a key derived from
  ``SECRET_KEY`` (itsdangerous' defaults, as Flask configures them).

Lesson 02 shows these functions in notebook cells (a test keeps them
identical); tests prove that Flask accepts what ``sign_session`` makes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from typing import Any, Iterable

SALT = b"cookie-session"  # Flask's salt: keys for other purposes give other signatures


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def read_payload(cookie: str) -> Any:
    """The session data in a cookie: anyone can read it, no key needed."""
    compressed = cookie.startswith(".")
    payload = cookie.removeprefix(".").split(".")[0]
    data = b64decode(payload)
    return json.loads(zlib.decompress(data) if compressed else data)


def read_timestamp(cookie: str) -> int:
    """When the cookie was signed, in seconds since 1970."""
    return int.from_bytes(b64decode(cookie.split(".")[-2]), "big")


def signature_for(signed_part: str, secret_key: str | bytes) -> str:
    """Flask's signature of "payload.timestamp" under one secret key."""
    if isinstance(secret_key, str):
        secret_key = secret_key.encode("utf-8")
    derived_key = hmac.new(secret_key, SALT, hashlib.sha1).digest()
    return b64encode(hmac.new(derived_key, signed_part.encode("utf-8"), hashlib.sha1).digest())


def key_matches(cookie: str, secret_key: str | bytes) -> bool:
    """Was this cookie signed with this key?"""
    signed_part, _, signature = cookie.rpartition(".")
    expected = signature_for(signed_part, secret_key)
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8"))


def guess_secret_key(cookie: str, candidates: Iterable[str]) -> str | None:
    """The first candidate that signed this cookie, or None: an offline attack."""
    for candidate in candidates:
        if key_matches(cookie, candidate):
            return candidate
    return None


def sign_session(data: Any, secret_key: str | bytes, timestamp: int) -> str:
    """A session cookie Flask accepts, for any data, from anyone who has the key."""
    payload = b64encode(json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    signed_part = f"{payload}.{b64encode(timestamp.to_bytes(4, 'big'))}"
    return f"{signed_part}.{signature_for(signed_part, secret_key)}"
