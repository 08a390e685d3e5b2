"""The JWT signing keys of one app: Ed25519 (EdDSA) key pairs named by ``kid``.

One key signs new tokens (the current one); every key still in the ring can
verify, so tokens signed before a rotation keep working until their key is
retired. The public halves are published as a JWKS document (RFC 7517).
Ed25519 because its private key is just 32 bytes: a lesson can pass a seeded
demo key and get the same tokens on every run (RSA keys cannot be seeded).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from demo_server.web.base64url import b64url_encode

ALGORITHM = "EdDSA"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    def public_jwk(self) -> dict[str, str]:
        return {**_okp_members(self.public_key), "kid": self.kid, "alg": ALGORITHM, "use": "sig"}


def key_from_private_bytes(private_bytes: bytes | None = None) -> SigningKey:
    """A signing key from 32 private bytes (a seeded demo key), or a fresh random one."""
    if private_bytes is None:
        private_bytes = secrets.token_bytes(32)
    if not isinstance(private_bytes, bytes) or len(private_bytes) != 32:
        raise ValueError("an Ed25519 private key is exactly 32 bytes")
    private_key = Ed25519PrivateKey.from_private_bytes(private_bytes)
    return SigningKey(kid=thumbprint(private_key.public_key()), private_key=private_key)


def thumbprint(public_key: Ed25519PublicKey) -> str:
    """The RFC 7638 JWK thumbprint, shortened: a kid that names the key by its content."""
    canonical = json.dumps(_okp_members(public_key), separators=(",", ":"), sort_keys=True)
    return b64url_encode(hashlib.sha256(canonical.encode("ascii")).digest())[:16]


class KeyRing:
    """The current signing key plus older keys that may still verify."""

    def __init__(self, first: SigningKey) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, SigningKey] = {first.kid: first}
        self._current = first.kid

    @property
    def current(self) -> SigningKey:
        with self._lock:
            return self._keys[self._current]

    def get(self, kid: str) -> SigningKey | None:
        with self._lock:
            return self._keys.get(kid)

    def rotate(self, private_bytes: bytes | None = None) -> SigningKey:
        """Sign with a new key from now on; the old one keeps verifying until retired."""
        new_key = key_from_private_bytes(private_bytes)
        with self._lock:
            self._keys[new_key.kid] = new_key
            self._current = new_key.kid
        return new_key

    def trust(self, key: SigningKey) -> None:
        """Also verify tokens signed with ``key``, without signing with it: another
        instance's key during a rolling rotation (lesson 07, demo_server.scale.keyset)."""
        with self._lock:
            self._keys.setdefault(key.kid, key)

    def retire(self, kid: str) -> None:
        """Stop accepting tokens signed with ``kid`` (never the current key)."""
        with self._lock:
            if kid == self._current:
                raise ValueError("rotate to a new key before retiring the current one")
            if kid not in self._keys:
                raise KeyError(f"no key {kid!r} in the ring")
            del self._keys[kid]

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The public keys as a JWK Set, current key first."""
        with self._lock:
            older = [key for kid, key in self._keys.items() if kid != self._current]
            ordered = [self._keys[self._current], *older]
        return {"keys": [key.public_jwk() for key in ordered]}


def _okp_members(public_key: Ed25519PublicKey) -> dict[str, str]:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(raw)}
