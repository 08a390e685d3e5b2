"""Lesson 04's token service: the app's JWT signing keys and its token stores.

Config: ``JWT_PRIVATE_KEY`` (32 bytes: a seeded Ed25519 key for stable lesson
output; default a fresh random key per app) and ``JWT_ID_SEED`` (bytes: a
seeded jti sequence; default random). ``server.tokens`` (or
``context.token_service(app)``) gives lessons and tests the key ring for
rotation (``.keys.rotate()``) and the stores.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from demo_server import context
from demo_server.tokens.access import AccessTokens
from demo_server.tokens.ids import TokenIds
from demo_server.tokens.keys import KeyRing, key_from_private_bytes
from demo_server.tokens.refresh import RefreshTokenFamilies


@dataclass
class TokenService:
    keys: KeyRing
    access: AccessTokens
    refresh: RefreshTokenFamilies


def init_app(app: Flask) -> None:
    """Give the app its token service (``context.token_service()``)."""
    keys = KeyRing(key_from_private_bytes(app.config.get("JWT_PRIVATE_KEY")))
    ids = TokenIds(app.config.get("JWT_ID_SEED"))
    app.extensions[context.TOKENS] = TokenService(keys, AccessTokens(keys, ids), RefreshTokenFamilies(ids))
