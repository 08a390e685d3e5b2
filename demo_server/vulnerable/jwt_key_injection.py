"""Lesson 05, station 11: the token says which key verifies it.

JWS headers may name or carry a key (RFC 7515, section 4.1): ``jwk`` embeds
a public key, ``jku`` points at a key set to download, ``kid`` names a key.
What developers write, and why it looks fine: "the header tells us the key,
so key rotation and new partners just work". Each of these three verifiers
trusts one of those headers, so the attacker picks the key:

- ``/jwk``: verifies with the public key embedded in the token's own header;
- ``/jku``: downloads the key set from the URL in the header;
- ``/kid``: reads an HMAC key from the file the ``kid`` names, so
  ``../../..`` reaches any file whose content the attacker knows (``/dev/null``
  is empty: a token signed with an empty key verifies).

Real tokens from ``POST /jwt/login`` still work on all three (EdDSA, our key
by ``kid``); the fixed twin, lesson 04's ``/jwt/me``, takes keys only from
its own key ring. Like ``/vuln/jwt/me``, these check nothing but the
signature. Safety rails that a real app would not have: ``jku`` is fetched
only from 127.0.0.1 or localhost, and a ``kid`` file is read without
blocking, 1 KiB at most.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import os
from pathlib import Path
from urllib.parse import urlsplit

import jwt
import requests
from flask import jsonify, request
from werkzeug.exceptions import Unauthorized

from demo_server.context import token_service
from demo_server.vulnerable.labels import insecure, insecure_blueprint
from demo_server.web import strict_json
from demo_server.web.base64url import b64url_decode

bp = insecure_blueprint("vuln_jwt_key_injection", __name__, "/vuln/jwt-header-keys")

KEY_DIRECTORY = Path(__file__).resolve().parent / "data"  # holds legacy-hs256.key, an internal HMAC key
MAX_KEY_FILE_BYTES = 1024
MAX_KEY_SET_BYTES = 64 * 1024
FETCH_TIMEOUT_SECONDS = 2
LOOPBACK_HOSTS = {"127.0.0.1", "localhost"}
ASVS = "v5.0.0-9.1.3"


@bp.get("/jwk")
@insecure(
    flaw="verifies the token with the public key embedded in its own 'jwk' header, so anyone signs with their "
    "own key and embeds it",
    cwe="CWE-347",
    asvs=ASVS,
    fixed_twin="/jwt/me",
)
def embedded_key():
    token, header = _bearer_token_and_header()
    if "jwk" in header:
        try:
            key = jwt.PyJWK(header["jwk"]).key  # THE FLAW: the key comes with the token
        except (jwt.PyJWKError, jwt.InvalidKeyError, TypeError, ValueError):
            raise Unauthorized("the 'jwk' header is not a key") from None
        return _answer(token, key, ["EdDSA", "ES256", "RS256"])
    return _answer_with_our_keys(token, header)


@bp.get("/jku")
@insecure(
    flaw="downloads the verification key from the URL in the token's 'jku' header, so the attacker points it at "
    "their own key set",
    cwe="CWE-347",
    asvs=ASVS,
    fixed_twin="/jwt/me",
)
def key_set_url():
    token, header = _bearer_token_and_header()
    if "jku" in header:
        keys = _fetch_key_set(header["jku"])  # THE FLAW: whose key set? The token says.
        match = [key for key in keys if key.key_id == header.get("kid")] or keys[:1]
        if not match:
            raise Unauthorized("the key set at 'jku' has no key")
        return _answer(token, match[0].key, ["EdDSA", "ES256", "RS256"])
    return _answer_with_our_keys(token, header)


@bp.get("/kid")
@insecure(
    flaw="reads the HMAC key from the file the 'kid' header names, so '../' reaches any file the attacker "
    "knows the content of (an empty /dev/null)",
    cwe="CWE-22",
    asvs=ASVS,
    fixed_twin="/jwt/me",
)
def key_file():
    token, header = _bearer_token_and_header()
    if header.get("alg") == "HS256":
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise Unauthorized("an HS256 token names its key file in 'kid'")
        key = _read_key_file(KEY_DIRECTORY / kid)  # THE FLAW: a path from the token
        header_part, payload_part, signature_part = token.split(".")
        expected = hmac.new(key, f"{header_part}.{payload_part}".encode("ascii"), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _b64(signature_part)):
            raise Unauthorized("bad signature")
        try:
            claims = strict_json.loads(_b64(payload_part))
        except (UnicodeDecodeError, ValueError):
            raise Unauthorized("malformed token") from None
        return _claims_answer(claims)
    return _answer_with_our_keys(token, header)


def _bearer_token_and_header() -> tuple[str, dict]:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("send 'Authorization: Bearer <token>'")
    try:
        header = jwt.get_unverified_header(token)
        if token.count(".") != 2:
            raise jwt.DecodeError("not three parts")
    except jwt.InvalidTokenError:
        raise Unauthorized("malformed token") from None
    return token, header


def _answer_with_our_keys(token: str, header: dict) -> object:
    kid = header.get("kid")
    key = token_service().keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise Unauthorized(f"unknown signing key (kid {kid!r})")
    return _answer(token, key.public_key, ["EdDSA"])


def _answer(token: str, key: object, algorithms: list[str]) -> object:
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            options={
                "verify_aud": False,
                "verify_iss": False,
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            },
        )
    except (jwt.InvalidTokenError, TypeError, ValueError) as error:
        raise Unauthorized(f"bad token: {error}") from None
    return _claims_answer(claims)


def _claims_answer(claims: object) -> object:
    if not isinstance(claims, dict):
        raise Unauthorized("the payload is not a JSON object")
    return jsonify({"user": claims.get("sub"), "claims": claims})


def _fetch_key_set(url: object) -> list[jwt.PyJWK]:
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        raise Unauthorized("'jku' must be an http(s) URL")
    if urlsplit(url).hostname not in LOOPBACK_HOSTS:
        raise Unauthorized("this demo fetches 'jku' key sets from 127.0.0.1 or localhost only")
    fetcher = requests.Session()
    fetcher.trust_env = False  # no proxies from the environment: loopback means loopback
    try:
        answer = fetcher.get(url, timeout=FETCH_TIMEOUT_SECONDS, allow_redirects=False, stream=True)
        body = answer.raw.read(MAX_KEY_SET_BYTES + 1, decode_content=True)
        answer.close()
        if answer.status_code != 200 or len(body) > MAX_KEY_SET_BYTES:
            raise Unauthorized(f"could not use the key set at 'jku' (HTTP {answer.status_code})")
        return list(jwt.PyJWKSet.from_dict(strict_json.loads(body)).keys)
    except (requests.RequestException, ValueError, jwt.PyJWKSetError, jwt.PyJWKError, TypeError):
        raise Unauthorized("could not fetch a key set from 'jku'") from None
    finally:
        fetcher.close()


def _read_key_file(path: Path) -> bytes:
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            return os.read(descriptor, MAX_KEY_FILE_BYTES)
        finally:
            os.close(descriptor)
    except (OSError, ValueError):
        raise Unauthorized("no key file for that 'kid'") from None


def _b64(text: str) -> bytes:
    try:
        return b64url_decode(text)
    except (binascii.Error, ValueError):
        raise Unauthorized("malformed token") from None
