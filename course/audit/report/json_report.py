"""The report as JSON, for scripts: every finding with its evidence, fix and lesson."""

from __future__ import annotations

import json

from course.audit.report.summary import TOOL_NAME, counts, setup_lines, tool_version
from course.audit.runner import AuditReport


def as_dict(report: AuditReport) -> dict:
    return {
        "tool": {"name": TOOL_NAME, "version": tool_version()},
        "target": report.where.base,
        "setup": dict(setup_lines(report)),
        "requests_sent": report.requests_sent,
        "fail_on": report.options.fail_on.value,
        "exit_status": report.exit_status(),
        "counts": counts(report),
        "findings": [finding.as_dict() for finding in report.findings],
        "passed": report.passed,
        "not_tested": report.skipped,
        "never_seen_from_outside": list(report.not_seen),
    }


def as_json(report: AuditReport) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False) + "\n"
