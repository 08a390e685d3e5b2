"""The report for people: the setup, then findings grouped by severity, each with its evidence
and fix, then what held up and what was not tested. Colour only on a terminal (NO_COLOR honoured)."""

from __future__ import annotations

import textwrap

from course.audit.findings import Finding, Severity
from course.audit.report.summary import TOOL_NAME, counts, setup_lines, verdict
from course.audit.runner import AuditReport
from course.terminal import Terminal

WIDTH = 100
HEADINGS = {
    Severity.HIGH: "HIGH",
    Severity.MEDIUM: "MEDIUM",
    Severity.LOW: "LOW",
    Severity.NOTE: "NOTES (not failures)",
}
COLOURS = {Severity.HIGH: "red", Severity.MEDIUM: "yellow", Severity.LOW: "bold", Severity.NOTE: "dim"}
MARKS = {Severity.HIGH: "✗", Severity.MEDIUM: "✗", Severity.LOW: "!", Severity.NOTE: "·"}


def as_text(report: AuditReport, terminal: Terminal | None = None) -> str:
    paint = terminal.paint if terminal is not None else (lambda text, colour: text)
    lines = [paint(f"{TOOL_NAME}: {report.where.base}", "bold")]
    lines += [f"  {label:<8} {text}" for label, text in setup_lines(report)]
    numbers = counts(report)
    lines += ["", " · ".join(f"{numbers[s.value]} {s.value if s is not Severity.NOTE else 'notes'}" for s in Severity)]
    for severity in Severity:
        found = [finding for finding in report.findings if finding.severity is severity]
        if found:
            lines += ["", paint(HEADINGS[severity], COLOURS[severity])]
            for finding in found:
                lines += finding_lines(finding, paint)
    if report.passed:
        lines += ["", paint(f"Held up ({len(report.passed)})", "green")]
        lines += [f"  ✓ {text}" for text in report.passed]
    if report.skipped:
        lines += ["", f"Not tested ({len(report.skipped)})"]
        lines += _wrapped(report.skipped, "  – ")
    lines += ["", "Never seen by an audit from outside:"] + _wrapped(report.not_seen, "  – ")
    lines += ["", paint(verdict(report), "bold")]
    return "\n".join(lines) + "\n"


def finding_text(finding: Finding) -> str:
    """One finding as the text report shows it (no colour)."""
    return "\n".join(finding_lines(finding)[1:])


def finding_lines(finding: Finding, paint=lambda text, colour: text) -> list[str]:
    mark = MARKS[finding.severity]
    head = paint(f"{mark} {finding.id}", COLOURS[finding.severity])
    ids = " · ".join(part for part in (finding.cwe, f"ASVS {finding.asvs}: {finding.asvs_title}") if part)
    lines = ["", f"{head}  {finding.title}", f"  on {finding.route} · {ids}"]
    lines += textwrap.wrap(finding.detail, WIDTH, initial_indent="  ", subsequent_indent="  ")
    if finding.production:
        lines += textwrap.wrap(
            "In production: " + finding.production, WIDTH, initial_indent="  ", subsequent_indent="  "
        )
    lines.append("  evidence:")
    lines += [f"    {line}" for line in finding.evidence]
    lines += textwrap.wrap(f"fix: {finding.fix.text}", WIDTH, initial_indent="  ", subsequent_indent="       ")
    lines.append(f"       → {finding.fix.lesson}")
    return lines


def _wrapped(items, prefix: str) -> list[str]:
    lines = []
    for item in items:
        lines += textwrap.wrap(item, WIDTH, initial_indent=prefix, subsequent_indent=" " * len(prefix))
    return lines
