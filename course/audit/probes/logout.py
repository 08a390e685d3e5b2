"""Logout: after --logout, does a copy of the old cookie (or token) still get in?

Lessons 02, 03 and 04 meet here. A logout that only asks the browser to forget the cookie
leaves every copy working (a stolen cookie, a shared computer's history). A server-side
session must be deleted; a self-contained one (signed cookie, JWT) cannot be, without a
deny-list, which is why its finding is one step milder.
"""

from __future__ import annotations

from course.audit import lessons
from course.audit.context import AuditContext
from course.audit.findings import Finding, Fix, ProbeOutcome, Severity

NAME = "logout"


def run(ctx: AuditContext) -> ProbeOutcome:
    outcome = ProbeOutcome()
    path = ctx.options.logout
    if path is None:
        outcome.skipped.append("logout: no --logout given")
        return outcome
    credential, _ = ctx.fresh_session()
    if credential is None or not ctx.works(credential)[0]:
        outcome.skipped.append("logout: a second login did not give a working session")
        return outcome
    answer = credential.send(ctx.target, "POST", path)
    if answer.status_code == 405:
        answer = credential.send(ctx.target, "GET", path)
    if answer.status_code >= 400:
        outcome.skipped.append(
            f"logout: {answer.request.method} {path} answered {answer.status_code}, so the audit could not log out "
            "(does the route need a CSRF token, or is it another path?)"
        )
        return outcome
    still_works, replay = ctx.works(credential)
    if not still_works:
        outcome.passed.append(f"logout: after {answer.request.method} {path}, the old {_what(ctx)} is refused")
        return outcome
    self_contained = ctx.session_value.self_contained
    lesson = lessons.SERVER_LOGOUT
    fix = "On logout, delete the session on the server so every copy of its ID stops working."
    if self_contained:
        lesson = lessons.JWT_LOGOUT if ctx.session_value.kind == "jwt" else lessons.CLIENT_SIDE_LOGOUT
        fix = (
            "Keep sessions on the server (Flask-Session) so logout can delete them, "
            "or keep a deny-list of ended tokens until they expire."
        )
    outcome.add(
        Finding(
            id="logout/replay-works",
            severity=Severity.MEDIUM if self_contained else Severity.HIGH,
            title=f"Logout does not end the session: a copy of the old {_what(ctx)} still gets in",
            asvs="v5.0.0-7.4.1",
            cwe="CWE-613",
            route=path,
            detail=f"After {answer.request.method} {path} answered {answer.status_code}, the same {_what(ctx)} "
            f"replayed on {ctx.options.profile} was accepted: whoever copied it before logout keeps the session."
            + _why(ctx),
            evidence=tuple(
                ctx.evidence.of(answer, "logging out") + ctx.evidence.of(replay, "the old value, replayed after logout")
            ),
            fix=Fix(fix, lesson),
        )
    )
    return outcome


def _what(ctx: AuditContext) -> str:
    return "token" if ctx.credential.bearer is not None else "cookie"


def _why(ctx: AuditContext) -> str:
    if ctx.session_value.kind == "jwt":
        return (
            " A JWT carries the whole session: ending one before it expires takes a deny-list that every "
            "request is checked against."
        )
    if ctx.session_value.self_contained:
        return " The session lives in the cookie itself, so the server has nothing to delete."
    return ""
