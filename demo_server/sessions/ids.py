"""Session IDs: where they come from, and the only form the server keeps.

An ID is 32 bytes from ``secrets``: 256 bits, four times OWASP's floor of 64
bits of entropy and twice ASVS 5.0's 128 bits (v5.0.0-7.2.3), sent to the
client once in ``Set-Cookie``. The server stores only its SHA-256:
whoever reads the store (a backup, a log, a SQL injection) learns no live ID.
A plain hash is enough because the ID is random, not a password someone chose;
there is no word list to try against it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

SESSION_ID_BYTES = 32
# token_urlsafe(32) is 43 characters of the base64url alphabet, no padding.
_SESSION_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def new_session_id() -> str:
    """A fresh, unguessable session ID (256 bits from the OS's CSPRNG)."""
    return secrets.token_urlsafe(SESSION_ID_BYTES)


def hash_session_id(session_id: str) -> str:
    """What the store keeps instead of the ID: 64 hex digits of SHA-256."""
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


def looks_like_session_id(value: object) -> bool:
    """True for strings shaped like an ID this server issues (nothing else is looked up)."""
    return isinstance(value, str) and _SESSION_ID_SHAPE.fullmatch(value) is not None


def same_hash(stored: str, presented: str) -> bool:
    """Compare two hashes in constant time, so timing says nothing about how much matched."""
    return hmac.compare_digest(stored.encode("ascii"), presented.encode("ascii"))
