"""Who a session says it is, and whom a forged one could claim to be instead."""

from __future__ import annotations

from typing import Any

# Where sessions and tokens usually name their user (Flask-Login keeps "_user_id").
IDENTITY_KEYS = ("sub", "user", "user_id", "_user_id", "username", "uid", "id", "email")
OTHER_NAMES = ("admin", "administrator", "root")


def identity_key(data: Any) -> str | None:
    """The key that names the user in a session's data, if there is one."""
    if isinstance(data, dict):
        return next((key for key in IDENTITY_KEYS if key in data), None)
    return None


def other_identities(current: Any, username: str, limit: int = 2) -> list[Any]:
    """Other users to claim: the neighbouring ids for a number, well-known admin names for a name."""
    if isinstance(current, bool):
        return []
    if isinstance(current, int):
        return [other for other in (current + 1, current - 1, 1) if other > 0 and other != current][:limit]
    if isinstance(current, str) and current.isdigit():
        number = int(current)
        return [str(other) for other in (number + 1, number - 1, 1) if other > 0 and other != number][:limit]
    return [name for name in OTHER_NAMES if name not in (current, username)][:limit]
