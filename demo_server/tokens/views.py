"""Lesson 04: JWT access tokens with refresh-token rotation, logout and a JWKS.

    POST /jwt/login                   {"username", "password"} -> access + refresh token
    GET  /jwt/me                      Authorization: Bearer <access token>
    POST /jwt/refresh                 {"refresh_token"} -> a new pair (the old one is used up)
    POST /jwt/logout                  Authorization: Bearer ...: deny that token, end its family
    GET  /jwt/.well-known/jwks.json   the public keys, so anyone can verify our tokens

The keys and token stores are the app's token service (demo_server.tokens.service).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import Unauthorized

from demo_server.context import clock, token_service, users
from demo_server.tokens.access import ACCESS_TOKEN_SECONDS, TokenRejected
from demo_server.tokens.service import TokenService
from demo_server.web.request_input import json_object, string_fields

bp = Blueprint("jwt", __name__, url_prefix="/jwt")


def password_is_right(username: str, password: str) -> bool:
    """The one place this blueprint checks a password: lesson 03's demo users (DEMO_USERS)."""
    return users().verify(username, password)


@bp.post("/login")
def login():
    username, password = string_fields(json_object(), "username", "password")
    if not password_is_right(username, password):
        raise _unauthorized("wrong username or password", error_code="")
    service = token_service()
    now = clock().now()
    refresh_token, family = service.refresh.start(username, now)
    return jsonify(_token_pair(service, username, family.id, refresh_token, now))


@bp.get("/me")
def me():
    claims = _verified_bearer_claims()
    return jsonify({"user": claims["sub"], "claims": claims})


@bp.post("/refresh")
def refresh():
    (refresh_token,) = string_fields(json_object(), "refresh_token")
    service = token_service()
    now = clock().now()
    try:
        new_refresh_token, family = service.refresh.rotate(refresh_token, now)
    except TokenRejected as error:
        raise _unauthorized(str(error)) from None
    return jsonify(_token_pair(service, family.subject, family.id, new_refresh_token, now))


@bp.post("/logout")
def logout():
    claims = _verified_bearer_claims()
    service = token_service()
    service.access.revoke(claims, clock().now())
    service.refresh.end(claims["sid"], "logged out")
    return jsonify({"message": "logged out: this access token is denied and its refresh tokens are ended"})


@bp.get("/.well-known/jwks.json")
def jwks():
    return jsonify(token_service().keys.jwks())


def _token_pair(service: TokenService, subject: str, family_id: str, refresh_token: str, now: float) -> dict:
    return {
        "access_token": service.access.issue(subject, family_id, now),
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "refresh_token": refresh_token,
    }


def _verified_bearer_claims() -> dict:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise _unauthorized("send 'Authorization: Bearer <access token>'", error_code="")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("the Authorization header must be 'Bearer <access token>'", error_code="invalid_request")
    try:
        return token_service().access.verify(token.strip(), clock().now())
    except TokenRejected as error:
        raise _unauthorized(str(error)) from None


def _unauthorized(message: str, error_code: str = "invalid_token") -> Unauthorized:
    # RFC 6750, section 3: a 401 names the scheme (and the error, when a token was sent).
    challenge = 'Bearer realm="sessions-live"' + (f', error="{error_code}"' if error_code else "")
    error = Unauthorized(message)
    error.www_authenticate = [challenge]
    return error
