"""The probe families, in the order they run. Each module has ``NAME`` and ``run(ctx) -> ProbeOutcome``.

Probes that read the audit's own session come first; those that log in again, log out or
fail logins on purpose come after, so they cannot disturb it.
"""

from __future__ import annotations

from course.audit.probes import (
    caching,
    cookie_attributes,
    csrf,
    enumeration,
    fixation,
    forgeable_identity,
    logout,
    session_ids,
    signed_sessions,
    tokens,
)

PROBES = [
    cookie_attributes,
    forgeable_identity,
    signed_sessions,
    tokens,
    caching,
    session_ids,
    fixation,
    logout,
    csrf,
    enumeration,
]
