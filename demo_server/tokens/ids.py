"""Identifiers for tokens (jti), token families and opaque refresh tokens.

Random by default. A lesson may pass a seed (``JWT_ID_SEED``) to get the
same sequence on every run, so the tokens it prints do not change; FOR
TEACHING ONLY, like demo_server.keys: seeded ids are predictable.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading

from demo_server.web.base64url import b64url_encode


class TokenIds:
    def __init__(self, seed: bytes | None = None) -> None:
        self._seed = seed
        self._counter = 0
        self._lock = threading.Lock()

    def new(self, nbytes: int = 16) -> str:
        """A fresh url-safe identifier carrying ``nbytes`` bytes of (pseudo)randomness."""
        if self._seed is None:
            return secrets.token_urlsafe(nbytes)
        with self._lock:
            self._counter += 1
            counter = self._counter
        stream = hmac.new(self._seed, f"token id {counter}".encode(), hashlib.sha512).digest()
        return b64url_encode(stream[:nbytes])
