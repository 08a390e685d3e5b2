"""The report as SARIF 2.1.0 (OASIS), which CI systems and code-scanning dashboards read.

One rule per finding id, one result per finding. The location is the route's URL (a web
app has no source line to point at from outside); the evidence, fix and lesson travel in
each result's properties, and CWE and ASVS ids in the rule's tags.
"""

from __future__ import annotations

import json

from course.audit.findings import Finding, Severity
from course.audit.report.summary import TOOL_NAME, tool_version
from course.audit.runner import AuditReport

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note", Severity.NOTE: "none"}
# GitHub code scanning reads this number (0-10) to rank security results.
SECURITY_SEVERITY = {Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0", Severity.NOTE: "0.0"}


def as_dict(report: AuditReport) -> dict:
    rules: dict[str, dict] = {}
    for finding in report.findings:
        rules.setdefault(finding.id, _rule(finding))
    index = {rule_id: number for number, rule_id in enumerate(rules)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": TOOL_NAME, "version": tool_version(), "rules": list(rules.values())}},
                "invocations": [{"executionSuccessful": True, "exitCode": report.exit_status()}],
                "results": [_result(report, finding, index[finding.id]) for finding in report.findings],
                "properties": {"target": report.where.base, "requestsSent": report.requests_sent},
            }
        ],
    }


def as_sarif(report: AuditReport) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False) + "\n"


def _rule(finding: Finding) -> dict:
    tags = ["security", f"ASVS-{finding.asvs}"] + ([finding.cwe] if finding.cwe else [])
    return {
        "id": finding.id,
        "shortDescription": {"text": finding.title},
        "fullDescription": {"text": finding.detail},
        "help": {
            "text": f"{finding.fix.text} Taught in {finding.fix.lesson} ({finding.fix.lesson.notebook}).",
            "markdown": f"{finding.fix.text}\n\nTaught in **{finding.fix.lesson}** (`{finding.fix.lesson.notebook}`).",
        },
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
        "properties": {"tags": tags, "security-severity": SECURITY_SEVERITY[finding.severity], "precision": "high"},
    }


def _result(report: AuditReport, finding: Finding, rule_index: int) -> dict:
    result = {
        "ruleId": finding.id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.title}. {finding.detail}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": report.where.url(finding.route)}}}],
        "partialFingerprints": {"courseAuditFinding/v1": f"{finding.id}:{finding.route}"},
        "properties": {
            "severity": finding.severity.value,
            "asvs": finding.asvs,
            "cwe": finding.cwe,
            "evidence": list(finding.evidence),
            "fix": finding.fix.text,
            "lesson": finding.fix.lesson.as_dict(),
        },
    }
    if finding.severity is Severity.NOTE:
        result["kind"] = "informational"  # SARIF: a result that is not a failure has level "none"
    if finding.production:
        result["properties"]["production"] = finding.production
    return result
