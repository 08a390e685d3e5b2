"""Lesson 04's token service: the app's JWT signing keys and its token stores.

Config: ``JWT_PRIVATE_KEY`` (32 bytes: a seeded Ed25519 key for stable lesson
output; default a fresh random key per app) and ``JWT_ID_SEED`` (bytes: a
seeded jti sequence; default random). Lesson 07: with ``KEY_SET`` the keys come
from a key set file every process shares (demo_server.scale.keyset), and with a
Redis store the deny-list and refresh families live in Redis
(demo_server.tokens.shared), so every process sees the same revocations. ``server.tokens`` (or
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
from demo_server.tokens.shared import RedisDenyList, RedisRefreshFamilies


@dataclass
class TokenService:
    keys: KeyRing
    access: AccessTokens
    refresh: RefreshTokenFamilies | RedisRefreshFamilies


def init_app(app: Flask) -> None:
    """Give the app its token service (``context.token_service()``)."""
    key_set = context.key_set(app)
    if key_set is not None:
        keys = key_set.key_ring()
    else:
        keys = KeyRing(key_from_private_bytes(app.config.get("JWT_PRIVATE_KEY")))
    ids = TokenIds(app.config.get("JWT_ID_SEED"))
    shared_redis = context.shared_store(app).redis
    if shared_redis is not None:
        access = AccessTokens(keys, ids, denied=RedisDenyList(shared_redis))
        refresh = RedisRefreshFamilies(ids, shared_redis)
    else:
        access, refresh = AccessTokens(keys, ids), RefreshTokenFamilies(ids)
    app.extensions[context.TOKENS] = TokenService(keys, access, refresh)
