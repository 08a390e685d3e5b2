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
class _Issued:
    family_id: str
    expires_at: float
    used: bool = False


class RefreshTokenFamilies:
    def __init__(self, ids: TokenIds) -> None:
        self._ids = ids
        self._families: dict[str, Family] = {}
        self._tokens: dict[str, _Issued] = {}  # sha256(token) -> record
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
            issued = self._tokens.get(_digest(token))
            if issued is None:
                raise TokenRejected("unknown refresh token")
            family = self._families[issued.family_id]
            if family.ended:
                raise TokenRejected(f"this refresh token's family has ended ({family.ended}); log in again")
            if issued.used:
                family.ended = "a used refresh token came back"
                raise TokenRejected(
                    "refresh token reuse detected: this token was already used, so its whole "
                    "family is ended; log in again"
                )
            if now >= issued.expires_at:
                raise TokenRejected("refresh token expired; log in again")
            if now >= family.started_at + FAMILY_MAX_SECONDS:
                family.ended = "too long since login"
                raise TokenRejected("this login is too old to refresh; log in again")
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
        self._tokens[_digest(token)] = _Issued(family_id=family.id, expires_at=now + REFRESH_TOKEN_SECONDS)
        return token


def _digest(token: str) -> str:
    # A leaked table of digests cannot be replayed as tokens.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
