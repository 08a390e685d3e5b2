"""What the user asked the audit to do (the command line, as a value)."""

from __future__ import annotations

from dataclasses import dataclass

from course.audit.findings import Severity
from course.audit.limits import DEFAULT_MAX_REQUESTS

DEFAULT_ID_SAMPLES = 10  # extra logins whose session IDs are compared


@dataclass(frozen=True)
class AuditOptions:
    base_url: str
    login: str
    profile: str
    logout: str | None = None
    username: str = ""
    password: str = ""
    form: bool = False  # log in with an HTML form post instead of JSON
    fail_on: Severity = Severity.HIGH
    allow_remote: bool = False
    max_requests: int = DEFAULT_MAX_REQUESTS
    redact: bool = False  # numbered placeholders instead of the session IDs and tokens in evidence
    id_samples: int = DEFAULT_ID_SAMPLES
