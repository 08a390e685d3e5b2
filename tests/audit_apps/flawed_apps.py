"""Small JSON apps, each with the flaws one group of the audit's probes looks for.

- ``create_id_app(kind)``: server-side sessions whose IDs are "sequential", "time" (the issue
  time in hex plus a little noise), "uuid" (a UUID4: 122 random bits) or "strong"
  (secrets.token_urlsafe(32)); a logout that only clears the cookie; a login that accepts any
  body that parses as JSON (so a text/plain cross-site form works); a profile that shared caches
  may keep; and different answers for an unknown user and a wrong password.
- ``create_token_app(...)``: an HS256 JWT in the login's body, a Bearer profile, optionally no
  exp, a verifier that trusts a key in the token's own ``jwk`` header, or none that checks the
  signature at all.
- ``create_cookie_state_app()``: the session is base64 of JSON, password included.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
import json
import secrets
import time
import uuid

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import Flask, jsonify, request
from werkzeug.security import generate_password_hash

from course.lessons.by_hand.jwt_hs256 import b64url_decode, b64url_encode

ACCOUNTS = {"alice": "alice-password-1", "bob": "bob-password-2"}


def create_id_app(kind: str) -> Flask:
    app = Flask(__name__)
    sessions: dict[str, str] = {}
    counter = itertools.count(1001)

    def new_id() -> str:
        if kind == "sequential":
            return f"s{next(counter)}"
        if kind == "time":
            return f"{int(time.time()):x}{secrets.token_hex(1)}"
        if kind == "uuid":
            return str(uuid.uuid4())
        return secrets.token_urlsafe(32)

    @app.post("/login")
    def login():
        body = request.get_json(force=True, silent=True) or {}  # THE FLAW: any Content-Type will do
        username, password = body.get("username"), body.get("password")
        if username not in ACCOUNTS:
            return jsonify({"error": "no such user"}), 404
        if password != ACCOUNTS[username]:
            return jsonify({"error": "wrong password"}), 401
        session_id = new_id()
        sessions[session_id] = username
        response = jsonify({"message": "logged in"})
        response.set_cookie("sid", session_id, httponly=True)  # no SameSite
        return response

    @app.get("/me")
    def me():
        user = sessions.get(request.cookies.get("sid", ""))
        if user is None:
            return jsonify({"error": "log in first"}), 401
        response = jsonify({"user": user})
        response.headers["Cache-Control"] = "public, max-age=60"
        return response

    @app.post("/logout")
    def logout():
        response = jsonify({"message": "bye"})
        response.delete_cookie("sid")  # THE FLAW: the session stays alive on the server
        return response

    return app


def create_token_app(
    secret: str = "secret", *, with_exp: bool = True, trust_jwk: bool = False, check_signature: bool = True
) -> Flask:
    app = Flask(__name__)
    key = secret.encode()

    @app.post("/login")
    def login():
        body = request.get_json(silent=True) or {}
        if ACCOUNTS.get(body.get("username")) != body.get("password"):
            return jsonify({"error": "wrong username or password"}), 401
        claims = {"sub": body["username"], "iat": int(time.time())}
        if with_exp:
            claims["exp"] = claims["iat"] + 300
        return jsonify({"token": _hs256(claims, key)})

    @app.get("/me")
    def me():
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        claims = _verified(token, key, trust_jwk) if check_signature else _decoded_only(token)
        if claims is None:
            return jsonify({"error": "bad token"}), 401
        return jsonify({"user": claims.get("sub")})

    return app


def _decoded_only(token: str) -> dict | None:
    """THE FLAW: the claims are read, the signature never looked at."""
    try:
        return json.loads(b64url_decode(token.split(".")[1]))
    except (ValueError, IndexError, binascii.Error):
        return None


def _hs256(claims: dict, key: bytes) -> str:
    signing_input = f"{_part({'alg': 'HS256', 'typ': 'JWT'})}.{_part(claims)}"
    return f"{signing_input}.{b64url_encode(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())}"


def _part(value: dict) -> str:
    return b64url_encode(json.dumps(value, separators=(",", ":")).encode())


def _verified(token: str, key: bytes, trust_jwk: bool) -> dict | None:
    try:
        header_part, payload_part, signature_part = token.split(".")
        header, claims = json.loads(b64url_decode(header_part)), json.loads(b64url_decode(payload_part))
        signature, signing_input = b64url_decode(signature_part), f"{header_part}.{payload_part}".encode()
    except (ValueError, binascii.Error):
        return None
    if header.get("alg") == "HS256":
        ok = hmac.compare_digest(hmac.new(key, signing_input, hashlib.sha256).digest(), signature)
    elif header.get("alg") == "EdDSA" and trust_jwk and isinstance(header.get("jwk"), dict):
        try:  # THE FLAW: the token brings the key that verifies it
            Ed25519PublicKey.from_public_bytes(b64url_decode(header["jwk"]["x"])).verify(signature, signing_input)
            ok = True
        except (InvalidSignature, ValueError, KeyError, TypeError):
            ok = False
    else:
        ok = False
    if not ok or ("exp" in claims and claims["exp"] <= time.time()):
        return None
    return claims


def create_cookie_state_app(*, keep: str = "password") -> Flask:
    """keep="password": the password itself in the cookie; keep="password_hash": its werkzeug hash instead."""
    app = Flask(__name__)

    @app.post("/login")
    def login():
        body = request.get_json(silent=True) or {}
        if ACCOUNTS.get(body.get("username")) != body.get("password"):
            return jsonify({"error": "wrong username or password"}), 401
        secret = body["password"] if keep == "password" else generate_password_hash(body["password"])
        state = {"user": body["username"], keep: secret, "role": "user"}  # THE FLAW
        response = jsonify({"message": "logged in"})
        response.set_cookie(
            "state", base64.b64encode(json.dumps(state).encode()).decode(), httponly=True, samesite="Lax"
        )
        return response

    @app.get("/me")
    def me():
        try:
            state = json.loads(base64.b64decode(request.cookies.get("state", ""), validate=True))
        except (ValueError, binascii.Error):
            state = None
        if not isinstance(state, dict) or state.get("user") not in ACCOUNTS:
            return jsonify({"error": "log in first"}), 401
        response = jsonify({"user": state["user"], "role": state.get("role")})
        response.headers["Cache-Control"] = "no-store"
        return response

    return app
