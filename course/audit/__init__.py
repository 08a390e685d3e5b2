"""``course audit``: a black-box audit of a web app's session management, on this machine.

It logs in like a user, then probes the session from outside (cookie attributes, forgeable
identity, signed sessions, session ID quality, fixation, logout, tokens, caching, CSRF, login
enumeration) and reports findings, each with its ASVS 5.0.0 and CWE ids, the exact request
and response lines that show it, and the lesson step that teaches the fix. Loopback only,
unless told otherwise; a bounded number of requests; nothing but the probes.
"""

from course.audit.errors import AuditError
from course.audit.findings import Finding, Fix, ProbeOutcome, Severity
from course.audit.options import AuditOptions
from course.audit.runner import AuditReport, run_audit

__all__ = ["AuditError", "AuditOptions", "AuditReport", "Finding", "Fix", "ProbeOutcome", "Severity", "run_audit"]
