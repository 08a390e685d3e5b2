"""Refresh tokens with rotation and reuse detection (OAuth 2.0 Security BCP, 4.14).

A login starts a *family*. Each refresh hands out a new refresh token and
marks the old one used. A used token coming back means two parties hold the
family (the user and a thief, and we cannot tell which is which), so the
whole family ends and everyone in it has to log in again.

Refresh tokens here are opaque random strings, not JWTs: the server must look
them up to rotate them anyway, so self-contained claims would buy nothing.
They are stored hashed, like the session IDs of lesson 03.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from demo_server.tokens.access import TokenRejected
from demo_server.tokens.ids import TokenIds

REFRESH_TOKEN_SECONDS = 24 * 3600  # idle limit: unused for a day, log in again
FAMILY_MAX_SECONDS = 7 * 24 * 3600  # absolute limit: a week after login, log in again
MAX_REFRESH_TOKEN_CHARS = 256


@dataclass
class Family:
    id: str
    subject: str
    started_at: float
    ended: str = ""  # why the family ended; empty while it is alive


@dataclass
class IssuedToken:
    family_id: str
    expires_at: float
    used: bool = False


class RefreshTokenFamilies:
    def __init__(self, ids: TokenIds) -> None:
        self._ids = ids
        self._families: dict[str, Family] = {}
        self._tokens: dict[str, IssuedToken] = {}  # sha256(token) -> record
        self._lock = threading.Lock()

    def start(self, subject: str, now: float) -> tuple[str, Family]:
        """A new family for a fresh login, and its first refresh token."""
        family = Family(id=self._ids.new(), subject=subject, started_at=now)
        with self._lock:
            self._families[family.id] = family
            token = self._issue(family, now)
        return token, family

    def rotate(self, token: str, now: float) -> tuple[str, Family]:
        """Trade a refresh token for the next one in its family (once only)."""
        if len(token) > MAX_REFRESH_TOKEN_CHARS:
            raise TokenRejected("unknown refresh token")
        with self._lock:
            issued = self._tokens.get(token_digest(token))
            if issued is None:
                raise TokenRejected("unknown refresh token")
            family = self._families[issued.family_id]
            refusal, end_reason = rotation_verdict(issued, family, now)
            if end_reason:
                family.ended = end_reason
            if refusal:
                raise TokenRejected(refusal)
            issued.used = True
            return self._issue(family, now), family

    def end(self, family_id: str, reason: str) -> None:
        """End a family (logout): none of its refresh tokens work any more."""
        with self._lock:
            family = self._families.get(family_id)
            if family is not None and not family.ended:
                family.ended = reason

    def family(self, family_id: str) -> Family | None:
        with self._lock:
            return self._families.get(family_id)

    def _issue(self, family: Family, now: float) -> str:
        token = self._ids.new(32)
        self._tokens[token_digest(token)] = IssuedToken(family_id=family.id, expires_at=now + REFRESH_TOKEN_SECONDS)
        return token


def rotation_verdict(issued: IssuedToken, family: Family, now: float) -> tuple[str | None, str | None]:
    """May ``issued`` be traded for the next token now? (why not, or None; why its family must end, or None).

    One place for the rules, so every store (this one, Redis in lesson 07) decides alike.
    """
    if family.ended:
        return f"this refresh token's family has ended ({family.ended}); log in again", None
    if issued.used:
        return (
            "refresh token reuse detected: this token was already used, so its whole family is ended; log in again",
            "a used refresh token came back",
        )
    if now >= issued.expires_at:
        return "refresh token expired; log in again", None
    if now >= family.started_at + FAMILY_MAX_SECONDS:
        return "this login is too old to refresh; log in again", "too long since login"
    return None, None


def token_digest(token: str) -> str:
    """What a store keeps instead of a refresh token."""
    # A leaked table of digests cannot be replayed as tokens.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
