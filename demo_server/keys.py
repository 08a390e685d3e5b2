"""Seeded demo keys: the same bytes on every machine, so notebook outputs match.

FOR TEACHING ONLY. A real application takes its keys from
``secrets.token_bytes(32)`` kept in a secret store, never from a label.
"""

from __future__ import annotations

import hashlib


def demo_key(label: str, length: int = 32) -> bytes:
    """A deterministic key derived from ``label`` (at least 32 bytes for HMAC)."""
    if length < 32:
        raise ValueError("demo keys are at least 32 bytes: shorter HMAC keys are weak")
    stream = b""
    counter = 0
    while len(stream) < length:
        stream += hashlib.sha256(f"sessions-live demo key {counter}: {label}".encode()).digest()
        counter += 1
    return stream[:length]
