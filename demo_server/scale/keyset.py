"""One file of signing keys that every app process loads: rotation that logs nobody out.

Several processes serve the same users, so a cookie or token one signs,
every other must verify. They all load the same key set (``KEY_SET`` in the
config, ``--keys PATH`` on the command line), a JSON file:

    {"cookies": {"signing": "<id>", "keys": {"<id>": "<base64url secret>", ...}},
     "jwt": {"signing": "<kid>", "jwks": {"keys": [<private Ed25519 JWK with kid>, ...]}}}

For Flask's signed cookies the signing key becomes ``SECRET_KEY`` and the
others ``SECRET_KEY_FALLBACKS``; for JWTs the signing key signs and every key
in the set verifies, chosen by ``kid`` (RFC 7517 JWKs, RFC 8037 for Ed25519).

A rolling rotation changes one instance at a time, so each step must work
while some instances have the old file and some the new:

1. ``add`` a new key to the set (it verifies, it does not sign yet); restart every instance;
2. ``sign_with`` it; restart every instance (the old key still verifies what was signed before);
3. once what the old key signed has expired, ``retire`` it; restart every instance.

Skip step 1 and the first restarted instance signs with a key the others do
not know yet: its users are logged out wherever their next request lands.

The file holds private keys: it is written with mode 0600, and a real
deployment keeps it in a secret store, not on disk next to the code.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from flask import Flask

from demo_server import context
from demo_server.tokens.keys import ALGORITHM, KeyRing, SigningKey, key_from_private_bytes
from demo_server.web.base64url import b64url_decode, b64url_encode

SECRET_BYTES = 32


class KeySetError(ValueError):
    """A key set file that cannot be used; ``str(error)`` says what is wrong with it."""


@dataclass
class KeyChain:
    """Keys of one kind, by id, in the order they were added; one of them signs."""

    signing: str
    keys: dict[str, bytes] = field(default_factory=dict)

    def add(self, secret: bytes, key_id: str) -> str:
        """Accept ``secret`` from now on, without signing with it yet (step 1)."""
        self.keys[key_id] = secret
        return key_id

    def sign_with(self, key_id: str) -> None:
        """Sign with this key from now on (step 2); it must be in the chain already."""
        if key_id not in self.keys:
            raise KeyError(f"no key {key_id!r}: add it first, and roll it out, before signing with it")
        self.signing = key_id

    def retire(self, key_id: str) -> None:
        """Stop accepting this key (step 3); never the signing one."""
        if key_id == self.signing:
            raise ValueError("sign with another key before retiring this one")
        if key_id not in self.keys:
            raise KeyError(f"no key {key_id!r} in the set")
        del self.keys[key_id]

    @property
    def verifying(self) -> list[str]:
        """The ids of the keys that only verify."""
        return [key_id for key_id in self.keys if key_id != self.signing]


class KeySet:
    """Flask's cookie keys and the JWT keys of every app process."""

    def __init__(self, cookies: KeyChain, jwt: KeyChain) -> None:
        self.cookies = cookies
        self.jwt = jwt

    @classmethod
    def new(cls, cookie_secret: bytes | None = None, jwt_private_key: bytes | None = None) -> KeySet:
        """A set with one key of each kind (random unless given, e.g. a seeded demo key)."""
        secret = _checked_secret(cookie_secret if cookie_secret is not None else secrets.token_bytes(SECRET_BYTES))
        jwt_key = key_from_private_bytes(jwt_private_key)
        cookie_id = cookie_key_id(secret)
        return cls(
            KeyChain(cookie_id, {cookie_id: secret}),
            KeyChain(jwt_key.kid, {jwt_key.kid: _private_bytes(jwt_key)}),
        )

    # --- rotation, one kind at a time ------------------------------------

    def add_cookie_key(self, secret: bytes | None = None) -> str:
        secret = _checked_secret(secret if secret is not None else secrets.token_bytes(SECRET_BYTES))
        return self.cookies.add(secret, cookie_key_id(secret))

    def add_jwt_key(self, private_key: bytes | None = None) -> str:
        key = key_from_private_bytes(private_key)
        return self.jwt.add(_private_bytes(key), key.kid)

    # --- what an app process takes from it --------------------------------

    def flask_config(self) -> dict:
        """``SECRET_KEY`` (signs) and ``SECRET_KEY_FALLBACKS`` (verify only), as Flask reads them."""
        fallbacks = [self.cookies.keys[key_id] for key_id in self.cookies.verifying]
        return {"SECRET_KEY": self.cookies.keys[self.cookies.signing], "SECRET_KEY_FALLBACKS": fallbacks}

    def key_ring(self) -> KeyRing:
        """The JWT key ring: the signing key, and every other key of the set to verify."""
        ring = KeyRing(key_from_private_bytes(self.jwt.keys[self.jwt.signing]))
        for kid in self.jwt.verifying:
            ring.trust(key_from_private_bytes(self.jwt.keys[kid]))
        return ring

    # --- the file ----------------------------------------------------------

    def to_json(self) -> dict:
        jwks = [_private_jwk(key_from_private_bytes(self.jwt.keys[kid])) for kid in self.jwt.keys]
        return {
            "cookies": {
                "signing": self.cookies.signing,
                "keys": {key_id: b64url_encode(secret) for key_id, secret in self.cookies.keys.items()},
            },
            "jwt": {"signing": self.jwt.signing, "jwks": {"keys": jwks}},
        }

    def save(self, path: str | os.PathLike) -> None:
        """Write the set atomically (a reader sees the old file or the new one), readable by its owner only."""
        path = Path(path)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".keyset-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(self.to_json(), out, indent=2)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike) -> KeySet:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise KeySetError(f"cannot read the key set {path}: {error.strerror}") from None
        except ValueError:
            raise KeySetError(f"the key set {path} is not JSON") from None
        return cls.from_json(data)

    @classmethod
    def from_json(cls, data: object) -> KeySet:
        try:
            cookie_part, jwt_part = data["cookies"], data["jwt"]
            cookies = KeyChain(cookie_part["signing"])
            for key_id, encoded in cookie_part["keys"].items():
                secret = _checked_secret(b64url_decode(encoded))
                if cookie_key_id(secret) != key_id:
                    raise KeySetError(f"cookie key {key_id!r} is not the id of its secret")
                cookies.add(secret, key_id)
            jwt = KeyChain(jwt_part["signing"])
            for jwk in jwt_part["jwks"]["keys"]:
                key = _key_from_private_jwk(jwk)
                jwt.add(_private_bytes(key), key.kid)
        except KeySetError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise KeySetError(f"not a key set ({type(error).__name__}: {error})") from None
        for chain, kind in ((cookies, "cookie"), (jwt, "JWT")):
            if chain.signing not in chain.keys:
                raise KeySetError(f"the signing {kind} key {chain.signing!r} is not in the set")
        return cls(cookies, jwt)

    def __repr__(self) -> str:
        def chain(keys: KeyChain) -> str:
            return ", ".join(f"{key_id}{' (signs)' if key_id == keys.signing else ''}" for key_id in keys.keys)

        return f"<KeySet cookies: {chain(self.cookies)}; jwt: {chain(self.jwt)}>"


def cookie_key_id(secret: bytes) -> str:
    """A short public name for a cookie key: a hash that tells nothing about the secret."""
    return b64url_encode(hashlib.sha256(b"sessions-live cookie key id\0" + secret).digest())[:8]


def _checked_secret(secret: bytes) -> bytes:
    if not isinstance(secret, bytes) or len(secret) < SECRET_BYTES:
        raise KeySetError(f"a cookie key is at least {SECRET_BYTES} random bytes")
    return secret


def _private_bytes(key: SigningKey) -> bytes:
    return key.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def _private_jwk(key: SigningKey) -> dict[str, str]:
    return {**key.public_jwk(), "d": b64url_encode(_private_bytes(key))}


def _key_from_private_jwk(jwk: dict) -> SigningKey:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or jwk.get("alg", ALGORITHM) != ALGORITHM:
        raise KeySetError(f"JWT key {jwk.get('kid')!r} is not an Ed25519 (EdDSA) key")
    key = key_from_private_bytes(b64url_decode(jwk["d"]))
    if jwk.get("kid") != key.kid or jwk.get("x") != key.public_jwk()["x"]:
        raise KeySetError(f"JWT key {jwk.get('kid')!r}: its kid or public half does not match its private key")
    return key


REPLACED_BY_KEY_SET = ("SECRET_KEY", "SECRET_KEY_FALLBACKS", "JWT_PRIVATE_KEY")


def init_app(app: Flask, given: Mapping[str, Any]) -> None:
    """Load ``KEY_SET`` (a path), if given: Flask's cookie keys and the JWT keys come from it.

    ``given`` is the config the app was created with, to refuse keys given twice.
    """
    path = app.config.get("KEY_SET")
    if not path:
        return
    clashing = [key for key in REPLACED_BY_KEY_SET if key in given]
    if clashing:
        raise KeySetError(f"KEY_SET replaces {', '.join(clashing)}: give one or the other")
    key_set = KeySet.load(path)
    app.config.update(key_set.flask_config())
    app.extensions[context.KEY_SET] = key_set
