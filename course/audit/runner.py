"""Run an audit: check the target, log in, run every probe, collect one report.

    report = run_audit(AuditOptions("http://127.0.0.1:5000", login="/login", profile="/me", ...))
    report.findings, report.exit_status()

Raises AuditError (one line, exit status 2) when the audit cannot run at all.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from course.audit.context import AuditContext
from course.audit.errors import BudgetSpent
from course.audit.evidence import MASK, Evidence, Redactor
from course.audit.findings import Finding, Severity
from course.audit.login import Setup, establish
from course.audit.options import AuditOptions
from course.audit.probes import PROBES
from course.audit.target import Target, TargetURL, check_path, parse_target

# What no black-box audit of this kind can see, said in every report so nobody reads "clean" as "safe".
NOT_SEEN = (
    "idle and absolute timeouts on the server (they need waiting)",
    "limits on password guessing, and answer times",
    "what the app does with the session after login (roles, rotation on privilege change)",
)


@dataclass
class AuditReport:
    options: AuditOptions
    where: TargetURL
    setup: Setup
    findings: list[Finding]
    passed: list[str]
    skipped: list[str]
    requests_sent: int
    not_seen: tuple[str, ...] = NOT_SEEN
    session: str = ""  # how the session travels, in words

    def at_or_above(self, threshold: Severity) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity.at_least(threshold)]

    def exit_status(self, fail_on: Severity | None = None) -> int:
        """1 when a finding is at or above ``fail_on`` (notes never fail), else 0."""
        threshold = fail_on or self.options.fail_on
        return 1 if any(f.severity is not Severity.NOTE for f in self.at_or_above(threshold)) else 0


Progress = Callable[[str], None]


def run_audit(options: AuditOptions, progress: Progress | None = None) -> AuditReport:
    for option, path in (("--login", options.login), ("--profile", options.profile), ("--logout", options.logout)):
        check_path(option, path)
    where = parse_target(options.base_url, allow_remote=options.allow_remote)
    target = Target(where, max_requests=options.max_requests)
    say = progress or (lambda text: None)
    try:
        say(f"logging in at {options.login} ...")
        setup = establish(target, options)
        context = AuditContext(options, target, setup, Evidence(options.password))
        findings, passed, skipped = [], [], []
        for number, probe in enumerate(PROBES, start=1):
            say(f"probing {number}/{len(PROBES)}: {probe.NAME} ({target.sent} requests so far)")
            try:
                outcome = probe.run(context)
            except BudgetSpent as spent:
                skipped.append(f"{probe.NAME}: {spent}")
                continue
            findings += outcome.findings
            passed += outcome.passed
            skipped += outcome.skipped
    finally:
        target.close()
    findings = sorted(findings, key=lambda finding: -finding.severity.rank)  # stable: probe order within a severity
    findings = _redacted(findings, options, target)
    return AuditReport(
        options=replace(options, password=MASK if options.password else ""),
        where=where,
        setup=setup,
        findings=findings,
        passed=passed,
        skipped=skipped,
        requests_sent=target.sent,
        session=f"{context.credential.where}: {context.session_value.summary()}",
    )


def _redacted(findings: list[Finding], options: AuditOptions, target: Target) -> list[Finding]:
    if not options.redact:
        return findings
    redactor = Redactor()
    redactor.learn(target.exchanges)
    return [replace(f, evidence=tuple(redactor.apply(line) for line in f.evidence)) for f in findings]
