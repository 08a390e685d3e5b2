"""``course audit``: a black-box audit of a web app's session management, on this machine.

It logs in like a user, then probes the session from outside (cookie attributes, forgeable
identity, signed sessions, session ID quality, fixation, logout, tokens, caching, CSRF, login
enumeration) and reports findings, each with its ASVS 5.0.0 and CWE ids, the exact request
and response lines that show it, and the lesson step that teaches the fix. Loopback only,
unless told otherwise; a bounded number of requests; nothing but the probes.
"""

from __future__ import annotations

import importlib
from typing import Any

# Imported when first asked for: the package's modules (the HTTP client, the probes) load only
# for an audit, so `course check`, which builds the `course audit` arguments, does not pay for them.
_EXPORTS = {
    "AuditError": "course.audit.errors",
    "Finding": "course.audit.findings",
    "Fix": "course.audit.findings",
    "ProbeOutcome": "course.audit.findings",
    "Severity": "course.audit.findings",
    "AuditOptions": "course.audit.options",
    "AuditReport": "course.audit.runner",
    "run_audit": "course.audit.runner",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'course.audit' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
