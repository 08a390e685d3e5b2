"""The server's sessions as table rows (what lesson 03's session viewer shows).

Plain data, so it is tested without a notebook: each row has a hash prefix
(never the ID: the server does not have it), the user, and the times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from demo_server.sessions.stores import SessionStore

HASH_PREFIX_LENGTH = 12


@dataclass(frozen=True)
class SessionRow:
    hash_prefix: str
    id_hash: str
    user: str  # "(anonymous)" for a session that only holds a cart
    device: str
    created: str
    last_seen: str
    expires: str
    ends_by: str  # "idle" or "absolute": which timeout comes first


def session_rows(store: SessionStore) -> list[SessionRow]:
    """One row per live session, oldest first, times as HH:MM:SS UTC on the store's clock."""
    rows = []
    for record in store.list_all():
        absolute_end = record.created_at + store.policy.absolute_timeout
        rows.append(
            SessionRow(
                hash_prefix=record.id_hash[:HASH_PREFIX_LENGTH],
                id_hash=record.id_hash,
                user=record.user_id or "(anonymous)",
                device=record.device,
                created=_clock_time(record.created_at),
                last_seen=_clock_time(record.last_seen),
                expires=_clock_time(record.expires_at),
                ends_by="absolute" if record.expires_at >= absolute_end else "idle",
            )
        )
    return rows


def _clock_time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%H:%M:%S")
