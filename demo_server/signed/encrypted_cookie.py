"""An encrypted session cookie (the idea behind iron-session), with Fernet.

Fernet is AES-128-CBC for secrecy plus HMAC-SHA256 over the whole token for
integrity (encrypt-then-MAC), close to iron-session's format. The client can
neither read nor change what is inside; it can still copy the whole cookie.

Keys: one Fernet key per Flask secret key, derived with HKDF so the
encryption key is never the same bytes as the signing key. The current
``SECRET_KEY`` encrypts; it and every ``SECRET_KEY_FALLBACKS`` key decrypt.
The time inside a token comes from the app's clock.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HKDF_INFO = b"sessions-live: encrypted session cookie"


def fernet_key(secret_key: str | bytes) -> bytes:
    """The Fernet key derived from one Flask secret key."""
    if isinstance(secret_key, str):
        secret_key = secret_key.encode("utf-8")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(secret_key)
    return base64.urlsafe_b64encode(derived)


def key_ring(secret_key: str | bytes, fallbacks: Iterable[str | bytes] = ()) -> MultiFernet:
    """Encrypts with the current key; decrypts with it or any fallback."""
    return MultiFernet([Fernet(fernet_key(key)) for key in [secret_key, *fallbacks]])


def seal(ring: MultiFernet, data: dict[str, Any], *, now: float) -> str:
    """Encrypt ``data`` into a cookie value stamped with ``now``."""
    plaintext = json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return ring.encrypt_at_time(plaintext, current_time=int(now)).decode("ascii")


def unseal(ring: MultiFernet, token: str, *, now: float, max_age: int) -> dict[str, Any] | None:
    """The data inside a token, or None if it was changed, made with another key, or is too old."""
    try:
        plaintext = ring.decrypt_at_time(token.encode("utf-8"), ttl=max_age, current_time=int(now))
    except (InvalidToken, UnicodeEncodeError):
        return None
    data = json.loads(plaintext)
    return data if isinstance(data, dict) else None
