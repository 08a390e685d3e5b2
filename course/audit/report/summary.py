"""Facts every report form shares: counts per severity, the setup in words, the tool's version."""

from __future__ import annotations

from importlib import metadata

from course.audit.findings import Severity
from course.audit.runner import AuditReport

TOOL_NAME = "course audit"


def tool_version() -> str:
    try:
        return metadata.version("sessions-live")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def counts(report: AuditReport) -> dict[str, int]:
    return {severity.value: sum(f.severity is severity for f in report.findings) for severity in Severity}


def setup_lines(report: AuditReport) -> list[tuple[str, str]]:
    """(label, text) rows describing what the audit logged in to and how the session travels."""
    options, setup = report.options, report.setup
    how = "an HTML form" if options.form else "JSON"
    rows = [
        (
            "login",
            f"POST {options.login} as {options.username}, {how}: {setup.answer.response.status_code}",
        ),
        ("session", report.session),
        (
            "profile",
            f"GET {options.profile}: {setup.profile_without_session.status_code} without the session, "
            f"{setup.profile_with_session.status_code} with it",
        ),
        ("logout", options.logout or "not given (--logout), so not tested"),
        ("sent", f"{report.requests_sent} requests, to {report.where.host} only"),
    ]
    return rows


def verdict(report: AuditReport) -> str:
    threshold = report.options.fail_on
    failing = [f for f in report.at_or_above(threshold) if f.severity is not Severity.NOTE]
    if failing:
        return f"exit status 1: {len(failing)} finding(s) at or above --fail-on {threshold.value}"
    return f"exit status 0: nothing at or above --fail-on {threshold.value}"
