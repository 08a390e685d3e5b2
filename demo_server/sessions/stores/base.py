"""The session store interface, and the rules every store shares.

``SessionStore`` holds the security logic once: new IDs from ``secrets``,
only SHA-256 hashes at rest, constant-time comparison, idle and absolute
expiry on an injected clock, sliding renewal, and purging of expired
sessions. A backend (memory, SQLite, Redis in lesson 07) only stores records
keyed by hash: it implements the handful of ``_primitives`` at the bottom, and
keeps every field of ``Session`` (``rotated`` included: see ``rotate``).
"""

from __future__ import annotations

import copy
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

from demo_server.clock import Clock
from demo_server.sessions.ids import hash_session_id, looks_like_session_id, new_session_id, same_hash

# How often (in seconds of the store's clock) create() sweeps out expired sessions.
PURGE_INTERVAL_SECONDS = 60.0


@dataclass(frozen=True)
class ExpiryPolicy:
    """A session ends after ``idle_timeout`` seconds without a request, or
    ``absolute_timeout`` seconds after login, whichever comes first."""

    idle_timeout: float = 15 * 60
    absolute_timeout: float = 8 * 60 * 60

    def __post_init__(self) -> None:
        if not 0 < self.idle_timeout <= self.absolute_timeout:
            raise ValueError("timeouts must satisfy 0 < idle_timeout <= absolute_timeout")

    def expires_at(self, created_at: float, last_seen: float) -> float:
        return min(last_seen + self.idle_timeout, created_at + self.absolute_timeout)


@dataclass(frozen=True)
class Session:
    """One stored session. There is no ID here, only its hash."""

    id_hash: str
    user_id: str | None  # None: an anonymous session (a cart before login)
    created_at: float
    last_seen: float
    expires_at: float
    device: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    # True for the marker an ID leaves behind when rotate() moves its session to a new ID: no
    # session at all (it holds no data and lets nobody in), kept until it expires so that a
    # request that raced the move is refused instead of quietly starting a fresh session.
    rotated: bool = False

    def expired(self, now: float) -> bool:
        return now >= self.expires_at

    @property
    def device_id(self) -> str:
        """A short public handle for device lists: a hash prefix, useless for logging in."""
        return self.id_hash[:16]


class SessionStore(ABC):
    """Server-side sessions. Methods that take ``session_id`` take the raw ID
    from the cookie; the store hashes it and never keeps it."""

    def __init__(self, clock: Clock, policy: ExpiryPolicy | None = None) -> None:
        self.clock = clock
        self.policy = policy or ExpiryPolicy()
        self._last_purge = clock.now()
        self._purge_lock = threading.Lock()

    # --- the interface ---------------------------------------------------

    def create(
        self, user_id: str | None, *, data: Mapping[str, Any] | None = None, device: str = ""
    ) -> tuple[str, Session]:
        """Start a session; returns (the new raw ID, the stored record).

        The raw ID exists only in this return value: the caller puts it in the cookie.
        """
        self._purge_now_and_then()
        now = self.clock.now()
        session_id = new_session_id()
        record = Session(
            id_hash=hash_session_id(session_id),
            user_id=user_id,
            created_at=now,
            last_seen=now,
            expires_at=self.policy.expires_at(now, now),
            device=device,
            data=copy.deepcopy(dict(data or {})),
        )
        self._add(record)
        return session_id, record

    def get(self, session_id: str) -> Session | None:
        """The live session, or None if unknown, malformed or expired (an expired one is deleted)."""
        id_hash = self._hash_of(session_id)
        if id_hash is None:
            return None
        record = self._find(id_hash)
        if record is None or record.rotated or not same_hash(record.id_hash, id_hash):
            return None
        if record.expired(self.clock.now()):
            self._remove(id_hash)
            return None
        return record

    def touch(self, session_id: str) -> Session | None:
        """Like get(), and records activity now: sliding renewal of the idle timeout."""
        now = self.clock.now()

        def renew(record: Session) -> Session | None:
            return replace(record, last_seen=now, expires_at=self.policy.expires_at(record.created_at, now))

        return self._change_live(session_id, renew)

    def update(self, session_id: str, change: Callable[[dict[str, Any]], None]) -> Session | None:
        """Change the session's data atomically: ``change`` gets a copy of the data and edits it.

        Two concurrent updates never lose each other's changes (the backend runs
        read-modify-write as one step). An exception from ``change`` aborts it.
        """

        def apply(record: Session) -> Session | None:
            data = copy.deepcopy(record.data)
            change(data)
            return replace(record, data=data)

        return self._change_live(session_id, apply)

    def rotate(
        self,
        session_id: str,
        *,
        user_id: str | None,
        device: str = "",
        keep: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> tuple[str, Session] | None:
        """Move a live session to a new ID (at login and at a password change); returns
        (the new raw ID, the new record), or None if the session was not live.

        The new session starts now for ``user_id`` with the old one's data (or ``keep(data)``).
        One atomic step of the backend takes the old data and leaves a marker in its place, so an
        update() to the old ID either lands before it, and moves with the data, or finds the marker
        and changes nothing (``was_rotated`` then says why): no acknowledged change is lost. The new
        record is added after that step; nobody can reach it in between, as only this call knows its ID.
        """
        taken: dict[str, dict[str, Any]] = {}

        def leave_a_marker(record: Session) -> Session:
            taken["data"] = record.data  # the last call wins, should a backend retry its step
            return replace(record, device="", data={}, rotated=True)

        if self._change_live(session_id, leave_a_marker) is None:
            return None
        data = taken["data"]
        return self.create(user_id, data=keep(data) if keep else data, device=device)

    def was_rotated(self, session_id: str) -> bool:
        """True if rotate() moved this ID's session to a new ID (until the old one would have expired)."""
        id_hash = self._hash_of(session_id)
        record = self._find(id_hash) if id_hash is not None else None
        return record is not None and record.rotated and not record.expired(self.clock.now())

    def delete(self, session_id: str) -> bool:
        """End one session (logout). True if it existed."""
        id_hash = self._hash_of(session_id)
        return id_hash is not None and self._remove(id_hash)

    def revoke(self, id_hash: str) -> bool:
        """End the session with this hash (device lists and the session viewer know only hashes)."""
        return self._remove(id_hash)

    def list_for_user(self, user_id: str) -> list[Session]:
        """This user's live sessions, oldest first."""
        now = self.clock.now()
        return sorted((r for r in self._for_user(user_id) if _live(r, now)), key=_age_order)

    def list_all(self) -> list[Session]:
        """Every live session, oldest first (for the session viewer)."""
        now = self.clock.now()
        return sorted((r for r in self._all() if _live(r, now)), key=_age_order)

    def stored_count(self) -> int:
        """How many records the backend holds, expired ones not yet swept and rotate() markers included."""
        return len(self._all())

    def revoke_all(self, user_id: str, except_id: str | None = None) -> int:
        """End every session of ``user_id`` but ``except_id``'s; returns how many ended."""
        keep = self._hash_of(except_id) if except_id is not None else None
        ended = 0
        for record in self._for_user(user_id):
            # A rotate() marker is no session: it stays, to refuse late requests to its old ID.
            if record.id_hash != keep and not record.rotated and self._remove(record.id_hash):
                ended += 1
        return ended

    def purge_expired(self) -> int:
        """Delete every expired session; returns how many went."""
        with self._purge_lock:
            self._last_purge = self.clock.now()
        return self._remove_expired(self.clock.now())

    def close(self) -> None:  # noqa: B027 (optional: only backends holding connections override it)
        """Release what the backend holds (connections); the store is unusable afterwards."""

    # --- shared helpers ---------------------------------------------------

    def _hash_of(self, session_id: object) -> str | None:
        return hash_session_id(session_id) if looks_like_session_id(session_id) else None

    def _change_live(self, session_id: str, change: Callable[[Session], Session | None]) -> Session | None:
        id_hash = self._hash_of(session_id)
        if id_hash is None:
            return None
        now = self.clock.now()

        def unless_ended(record: Session) -> Session | None:
            if record.rotated:
                raise _NotLive  # the backend's atomic step aborts: the marker stays as it is
            return None if record.expired(now) else change(record)

        try:
            return self._change(id_hash, unless_ended)
        except _NotLive:
            return None

    def _purge_now_and_then(self) -> None:
        # Expired sessions also vanish when looked up; this sweep catches the ones nobody asks for again.
        with self._purge_lock:
            due = self.clock.now() - self._last_purge >= PURGE_INTERVAL_SECONDS
        if due:
            self.purge_expired()

    # --- what a backend implements ----------------------------------------
    # Records go in and come out with every field of Session, ``rotated`` included (a backend
    # that stores fields one by one needs a place for it; rotate() itself needs nothing more
    # than _change and _add below).

    @abstractmethod
    def _add(self, record: Session) -> None:
        """Store a new record."""

    @abstractmethod
    def _find(self, id_hash: str) -> Session | None:
        """The record with this hash, expired or not."""

    @abstractmethod
    def _change(self, id_hash: str, change: Callable[[Session], Session | None]) -> Session | None:
        """Atomically replace the record with ``change(record)``; None from ``change`` deletes it.
        Returns the new record (None if missing or deleted). "Atomically": no other change to
        this record may land in between (memory: a lock; SQLite: a write transaction; Redis:
        WATCH/MULTI with a retry, or a Lua script). An exception from ``change`` changes nothing."""

    @abstractmethod
    def _remove(self, id_hash: str) -> bool:
        """Delete one record; True if it existed."""

    @abstractmethod
    def _for_user(self, user_id: str) -> list[Session]:
        """Every record of one user, expired or not, in the order they were added."""

    @abstractmethod
    def _all(self) -> list[Session]:
        """Every record, in the order they were added."""

    @abstractmethod
    def _remove_expired(self, now: float) -> int:
        """Delete records with ``expires_at <= now``; returns how many."""


class _NotLive(Exception):
    """Raised inside a backend's atomic step to leave a record unchanged."""


def _live(record: Session, now: float) -> bool:
    return not record.rotated and not record.expired(now)


def _age_order(record: Session) -> float:
    # Stable sort: sessions created in the same instant keep the backend's insertion order.
    return record.created_at
