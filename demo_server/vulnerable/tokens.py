"""Lesson 04 (and 05): a deliberately broken twin of GET /jwt/me.

It lets the token choose its own algorithm, the mistake behind the famous
2015 JWT library bugs: ``alg: none`` skips the signature entirely, and
``alg: HS256`` is checked with HMAC keyed by our *public* key, which anyone
can download from the JWKS. The fixed twin, /jwt/me, takes the algorithm from
its own allow-list. It checks nothing else either (no exp, no aud): this
route exists to show the algorithm mistake. Only registered with
INSECURE_DEMOS=True.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import jsonify, request
from werkzeug.exceptions import Unauthorized

from demo_server.context import token_service
from demo_server.vulnerable.labels import insecure, insecure_blueprint
from demo_server.web.base64url import b64url_decode, b64url_json

bp = insecure_blueprint("vuln_jwt", __name__, url_prefix="/vuln/jwt")


@bp.get("/me")
@insecure(
    flaw="lets the token pick its algorithm: accepts alg 'none' and HS256 keyed with the public key",
    cwe="CWE-347",
    asvs="v5.0.0-9.1.2",
    fixed_twin="/jwt/me",
)
def me():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        raise Unauthorized("send 'Authorization: Bearer <token>'")
    try:
        header_part, payload_part, signature_part = token.strip().split(".")
        header = b64url_json(header_part)
        claims = b64url_json(payload_part)
        signature = b64url_decode(signature_part)
    except (ValueError, binascii.Error):
        raise Unauthorized("malformed token") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise Unauthorized("malformed token")

    public_key = token_service().keys.current.public_key
    signing_input = f"{header_part}.{payload_part}".encode("ascii")
    algorithm = header.get("alg")
    if algorithm == "none":
        pass  # THE FLAW: "none" means nobody signed it, and we believe it anyway.
    elif algorithm == "HS256":
        # THE FLAW: the verification key is public, so anyone can make this HMAC.
        pem = public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        if not hmac.compare_digest(hmac.new(pem, signing_input, hashlib.sha256).digest(), signature):
            raise Unauthorized("bad signature")
    elif algorithm == "EdDSA":
        try:
            public_key.verify(signature, signing_input)
        except InvalidSignature:
            raise Unauthorized("bad signature") from None
    else:
        raise Unauthorized(f"unsupported algorithm {algorithm!r}")
    return jsonify({"user": claims.get("sub"), "claims": claims})
