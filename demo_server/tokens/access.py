"""Short-lived access tokens: issued as EdDSA JWTs, verified on the app's clock.

Verification follows RFC 8725 (JWT Best Current Practices): the algorithm
comes from an allow-list configured here, never from the token; the key is
chosen by ``kid`` among our own keys; the token type, issuer and audience
are checked; and times are judged on the injected clock with a small leeway.
PyJWT checks the signature, issuer and audience; it judges exp/nbf/iat by
the real time only, so those three are checked here instead.
"""

from __future__ import annotations

import threading
from typing import Any

import jwt

from demo_server.tokens.ids import TokenIds
from demo_server.tokens.keys import KeyRing

ISSUER = "sessions-live-demo"
AUDIENCE = "sessions-live-api"
ACCESS_TOKEN_TYPE = "at+jwt"  # RFC 9068: says "access token" so no other JWT passes for one
ACCESS_TOKEN_SECONDS = 5 * 60
# Tolerated clock difference between the machine that issued and the one that checks.
LEEWAY_SECONDS = 30
# The allow-list. Never computed from the token's own header.
ALLOWED_ALGORITHMS = ["EdDSA"]
REQUIRED_CLAIMS = ["iss", "aud", "sub", "jti", "iat", "nbf", "exp", "sid"]
MAX_TOKEN_CHARS = 4096


class TokenRejected(Exception):
    """A token was refused; ``str(error)`` says why, in words for the client."""


class DenyList:
    """jti values revoked before their expiry (logout). Each entry is kept only
    until its token would have expired anyway, so the list stays small."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def add(self, jti: str, until: float) -> None:
        with self._lock:
            self._until[jti] = until

    def __contains__(self, jti: str) -> bool:
        with self._lock:
            return jti in self._until

    def forget_expired(self, now: float) -> None:
        with self._lock:
            for jti in [jti for jti, until in self._until.items() if until + LEEWAY_SECONDS < now]:
                del self._until[jti]

    def __len__(self) -> int:
        with self._lock:
            return len(self._until)


class AccessTokens:
    def __init__(self, keys: KeyRing, ids: TokenIds, denied: DenyList | None = None) -> None:
        """``denied``: where revoked jti values live (default: this process; lesson 07 shares one in Redis)."""
        self.keys = keys
        self.ids = ids
        self.denied = denied if denied is not None else DenyList()

    def issue(self, subject: str, session_id: str, now: float) -> str:
        """A signed access token for ``subject``; ``sid`` names its refresh-token family."""
        issued_at = int(now)
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": subject,
            "sid": session_id,
            "jti": self.ids.new(),
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + ACCESS_TOKEN_SECONDS,
        }
        key = self.keys.current
        return jwt.encode(
            claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid, "typ": ACCESS_TOKEN_TYPE}
        )

    def verify(self, token: str, now: float) -> dict[str, Any]:
        """The claims of a valid access token; raises TokenRejected saying why not."""
        if len(token) > MAX_TOKEN_CHARS:
            raise TokenRejected(f"token is longer than {MAX_TOKEN_CHARS} characters")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise TokenRejected("malformed token: expected header.payload.signature in base64url") from None

        algorithm = header.get("alg")
        if algorithm not in ALLOWED_ALGORITHMS:
            allowed = ", ".join(ALLOWED_ALGORITHMS)
            raise TokenRejected(f"algorithm {algorithm!r} is not allowed: this server accepts only {allowed}")
        kid = header.get("kid")
        key = self.keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise TokenRejected(f"unknown signing key (kid {kid!r}): not one of ours, or retired")

        claims = self._checked_signature_and_audience(token, key.public_key)
        if header.get("typ") != ACCESS_TOKEN_TYPE:
            raise TokenRejected(f"not an access token: typ must be {ACCESS_TOKEN_TYPE!r}")
        _check_times(claims, now)
        if claims["jti"] in self.denied:
            raise TokenRejected("token was revoked (logged out)")
        return claims

    def revoke(self, claims: dict[str, Any], now: float) -> None:
        """Deny this token until it expires: the lookup a stateless token was meant to avoid."""
        self.denied.forget_expired(now)
        self.denied.add(claims["jti"], until=float(claims["exp"]))

    def _checked_signature_and_audience(self, token: str, public_key) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                public_key,
                algorithms=ALLOWED_ALGORITHMS,
                audience=AUDIENCE,
                issuer=ISSUER,
                # PyJWT would judge these by the real time; _check_times uses the app's clock.
                options={
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "require": REQUIRED_CLAIMS,
                },
            )
        except jwt.InvalidSignatureError:
            raise TokenRejected("bad signature: the token was changed or not signed by us") from None
        except jwt.InvalidAudienceError:
            raise TokenRejected(f"wrong audience: this API only accepts tokens for {AUDIENCE!r}") from None
        except jwt.InvalidIssuerError:
            raise TokenRejected(f"wrong issuer: this API only accepts tokens from {ISSUER!r}") from None
        except jwt.MissingRequiredClaimError as error:
            raise TokenRejected(f"token lacks the {error.claim!r} claim") from None
        except jwt.InvalidTokenError as error:
            raise TokenRejected(f"malformed token: {error}") from None


def _check_times(claims: dict[str, Any], now: float) -> None:
    for name in ("iat", "nbf", "exp"):
        value = claims[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TokenRejected(f"claim {name!r} must be a number of seconds since the epoch")
    if claims["exp"] <= now - LEEWAY_SECONDS:
        raise TokenRejected(f"token expired {_ago(now - claims['exp'])} ago (leeway {LEEWAY_SECONDS} s)")
    if claims["nbf"] > now + LEEWAY_SECONDS:
        raise TokenRejected(f"token not valid yet: nbf is {_ago(claims['nbf'] - now)} in the future")
    if claims["iat"] > now + LEEWAY_SECONDS:
        raise TokenRejected(f"token issued in the future: iat is {_ago(claims['iat'] - now)} ahead")


def _ago(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
