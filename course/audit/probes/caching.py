"""Caching: may the authenticated profile be stored by the browser or a shared cache?

Without ``Cache-Control: no-store`` a browser may keep the page on disk (the back button on a
shared computer shows it after logout), and with ``public`` a proxy or CDN may serve one
user's page to another.
"""

from __future__ import annotations

from course.audit import lessons
from course.audit.context import AuditContext
from course.audit.findings import Finding, Fix, ProbeOutcome, Severity

NAME = "caching"


def run(ctx: AuditContext) -> ProbeOutcome:
    outcome = ProbeOutcome()
    response = ctx.setup.profile_with_session
    header = response.headers.get("Cache-Control", "")
    directives = {part.strip().split("=")[0].lower() for part in header.split(",") if part.strip()}
    if "no-store" in directives:
        outcome.passed.append("the authenticated profile says Cache-Control: no-store")
        return outcome
    evidence = tuple(ctx.evidence.of(response, "the profile, with the audit's session", body=False))
    fix = Fix("Send Cache-Control: no-store on every authenticated response.", lessons.SHARED_CACHE)
    said = f"Cache-Control: {header}" if header else "no Cache-Control"
    if directives & {"public", "s-maxage"}:
        outcome.add(
            Finding(
                id="cache/shared",
                severity=Severity.MEDIUM,
                title=f"The authenticated profile may be stored by shared caches ({said})",
                asvs="v5.0.0-14.2.2",
                cwe="CWE-524",  # a cache other users share; CWE-525 is the browser's own
                route=ctx.options.profile,
                detail="A proxy or CDN may keep this user's page and hand it to the next visitor.",
                evidence=evidence,
                fix=fix,
            )
        )
    else:
        outcome.add(
            Finding(
                id="cache/storable",
                severity=Severity.LOW,
                title=f"The authenticated profile may be stored by the browser ({said})",
                asvs="v5.0.0-14.3.2",
                cwe="CWE-525",
                route=ctx.options.profile,
                detail="Without no-store the browser may keep the page on disk, readable after logout on a shared "
                "computer.",
                evidence=evidence,
                fix=fix,
            )
        )
    return outcome
