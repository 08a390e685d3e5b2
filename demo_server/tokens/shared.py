"""The JWT deny-list and refresh-token families in Redis, shared by every app process (lesson 07).

Same behaviour as the in-process ones (demo_server.tokens.access.DenyList,
demo_server.tokens.refresh.RefreshTokenFamilies), so a logout on one process
is a logout on all, and a refresh token used on one process counts as used
on every other:

    {prefix}denied                    sorted set: jti -> the time its token expires anyway
    {prefix}refresh:family:{id}       hash: subject, started_at, ended (absent while alive)
    {prefix}refresh:token:{sha256}    hash: family, expires_at, used (0 or 1)

A rotation is check-then-act (is it used? then mark it used), the classic
race: two requests with the same token could both see "unused". So it runs
as a Redis transaction: WATCH the token and its family, read, decide (the
same rules as in-process: ``rotation_verdict``), then MULTI/EXEC the writes;
if either key changed in between, EXEC does nothing and we decide again, and
the second request is then the reuse it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from demo_server.tokens.access import LEEWAY_SECONDS, TokenRejected
from demo_server.tokens.ids import TokenIds
from demo_server.tokens.refresh import (
    MAX_REFRESH_TOKEN_CHARS,
    REFRESH_TOKEN_SECONDS,
    Family,
    IssuedToken,
    rotation_verdict,
    token_digest,
)

if TYPE_CHECKING:
    import redis

DEFAULT_PREFIX = "sessions-live:jwt:"


class RedisDenyList:
    """jti values revoked before their expiry, in Redis. Each is kept until its token expires anyway."""

    def __init__(self, client: redis.Redis, prefix: str = DEFAULT_PREFIX) -> None:
        self.client = client
        self._key = prefix + "denied"

    def add(self, jti: str, until: float) -> None:
        self.client.zadd(self._key, {jti: until})

    def __contains__(self, jti: str) -> bool:
        # The one lookup per request that a stateless token was meant to avoid.
        return self.client.zscore(self._key, jti) is not None

    def forget_expired(self, now: float) -> None:
        self.client.zremrangebyscore(self._key, "-inf", f"({now - LEEWAY_SECONDS!r}")

    def __len__(self) -> int:
        return self.client.zcard(self._key)


class RedisRefreshFamilies:
    """Refresh-token families with rotation and reuse detection, in Redis."""

    def __init__(self, ids: TokenIds, client: redis.Redis, prefix: str = DEFAULT_PREFIX) -> None:
        self._ids = ids
        self.client = client
        self._prefix = prefix + "refresh:"

    def start(self, subject: str, now: float) -> tuple[str, Family]:
        """A new family for a fresh login, and its first refresh token."""
        family = Family(id=self._ids.new(), subject=subject, started_at=now)
        token = self._ids.new(32)
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(self._family_key(family.id), mapping={"subject": subject, "started_at": repr(now)})
            self._issue(pipe, token, family.id, now)
            pipe.execute()
        return token, family

    def rotate(self, token: str, now: float) -> tuple[str, Family]:
        """Trade a refresh token for the next one in its family (once only, across every process)."""
        if len(token) > MAX_REFRESH_TOKEN_CHARS:
            raise TokenRejected("unknown refresh token")
        from redis import WatchError

        token_key = self._token_key(token_digest(token))
        with self.client.pipeline(transaction=True) as pipe:
            while True:
                try:
                    return self._rotate_once(pipe, token_key, now)
                except WatchError:
                    continue  # the token or its family changed while we decided: decide again

    def end(self, family_id: str, reason: str) -> None:
        """End a family (logout): none of its refresh tokens work any more."""
        key = self._family_key(family_id)
        if self.client.exists(key):
            self.client.hsetnx(key, "ended", reason)  # the first reason stays, as in-process

    def family(self, family_id: str) -> Family | None:
        return _family(family_id, self.client.hgetall(self._family_key(family_id)))

    def _rotate_once(self, pipe, token_key: str, now: float) -> tuple[str, Family]:
        pipe.watch(token_key)
        fields = pipe.hgetall(token_key)
        if not fields:
            pipe.reset()
            raise TokenRejected("unknown refresh token")
        family_key = self._family_key(fields["family"])
        pipe.watch(family_key)
        family = _family(fields["family"], pipe.hgetall(family_key))
        if family is None:
            pipe.reset()
            raise TokenRejected("unknown refresh token")
        issued = IssuedToken(family.id, float(fields["expires_at"]), used=fields["used"] == "1")
        refusal, end_reason = rotation_verdict(issued, family, now)
        pipe.multi()
        if end_reason:
            pipe.hsetnx(family_key, "ended", end_reason)
            family.ended = family.ended or end_reason
        new_token = None
        if refusal is None:
            new_token = self._ids.new(32)
            pipe.hset(token_key, "used", "1")
            self._issue(pipe, new_token, family.id, now)
        pipe.execute()  # raises WatchError if the token or the family changed since we read them
        if refusal is not None:
            raise TokenRejected(refusal)
        return new_token, family

    def _issue(self, pipe, token: str, family_id: str, now: float) -> None:
        pipe.hset(
            self._token_key(token_digest(token)),
            mapping={"family": family_id, "expires_at": repr(now + REFRESH_TOKEN_SECONDS), "used": "0"},
        )

    def _family_key(self, family_id: str) -> str:
        return f"{self._prefix}family:{family_id}"

    def _token_key(self, digest: str) -> str:
        return f"{self._prefix}token:{digest}"


def _family(family_id: str, fields: dict[str, str]) -> Family | None:
    if not fields or "subject" not in fields:
        return None
    return Family(family_id, fields["subject"], float(fields["started_at"]), fields.get("ended", ""))
