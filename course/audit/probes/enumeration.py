"""Login enumeration: does a wrong password get a different answer from an unknown user?

If it does, anyone can test which user names have accounts (then try passwords on those).
Answers are compared after taking out what is *meant* to differ: the user name typed in,
hidden form tokens. Response times are not compared (too noisy to judge in a few requests).
"""

from __future__ import annotations

import re

from course.audit import lessons
from course.audit.context import AuditContext
from course.audit.findings import Finding, Fix, ProbeOutcome, Severity
from course.audit.login import log_in

NAME = "enumeration"
UNKNOWN_USER = "course-audit-no-such-user"
WRONG_PASSWORD = "course-audit-wrong-password"
HIDDEN_VALUE = re.compile(r'(<input[^>]*type=["\']?hidden["\']?[^>]*value=)(["\'])[^"\']*\2', re.IGNORECASE)


def run(ctx: AuditContext) -> ProbeOutcome:
    outcome = ProbeOutcome()
    unknown = log_in(ctx.target, ctx.options, username=UNKNOWN_USER)
    wrong = log_in(ctx.target, ctx.options, password=WRONG_PASSWORD)
    seen_unknown, seen_wrong = (_comparable(ctx, answer.response) for answer in (unknown, wrong))
    if seen_unknown == seen_wrong:
        outcome.passed.append(
            f"enumeration: an unknown user and a wrong password get the same answer ({wrong.response.status_code})"
        )
        return outcome
    differs = [
        part for part, a, b in zip(("status", "redirect", "body"), seen_unknown, seen_wrong, strict=True) if a != b
    ]
    outcome.add(
        Finding(
            id="login/enumeration",
            severity=Severity.MEDIUM,
            title=f"The login tells an unknown user from a wrong password: its {' and '.join(differs)} "
            + ("differ" if len(differs) > 1 else "differs"),
            asvs="v5.0.0-6.3.8",
            cwe="CWE-204",
            route=ctx.options.login,
            detail="Anyone can find out which user names have an account, then spend their guesses only on those.",
            evidence=tuple(
                ctx.evidence.of(unknown.response, "a user name that has no account")
                + ctx.evidence.of(wrong.response, "the audit's user name with a wrong password")
            ),
            fix=Fix(
                "Answer every failed login the same way (status, body, redirect), e.g. 'wrong username or password'.",
                lessons.USER_ENUMERATION,
            ),
        )
    )
    return outcome


def _comparable(ctx: AuditContext, response) -> tuple[int, str, str]:
    body = response.text
    for name in (ctx.options.username, UNKNOWN_USER):
        if name:
            body = body.replace(name, "<user>")
    body = HIDDEN_VALUE.sub(r"\1\2<token>\2", body)
    return response.status_code, response.headers.get("Location", ""), " ".join(body.split())
