"""CSRF exposure: a cookie session a cross-site page can ride, and a route that lets it.

When the session cookie has no SameSite (or None), a form on another site makes the browser
send it. The probe then sends what such a form can send (form-encoded or text/plain, with a
foreign Origin, no token from the app's pages) to the state-changing routes it knows: the
logout, and the login. A route that does what it was asked is exposed.
"""

from __future__ import annotations

from dataclasses import dataclass

from course.audit import lessons
from course.audit.context import AuditContext
from course.audit.findings import Finding, Fix, ProbeOutcome, Severity
from course.audit.login import CROSS_SITE_ORIGIN, log_in
from demo_server.cookies.rules import parse_set_cookie

NAME = "csrf"
CROSS_SITE = {"Origin": CROSS_SITE_ORIGIN, "Referer": CROSS_SITE_ORIGIN + "/", "Sec-Fetch-Site": "cross-site"}


@dataclass(frozen=True)
class Accepted:
    """A state-changing route that did what a cross-site request asked."""

    what: str  # "log the user out"
    route: str
    evidence: list[str]


def run(ctx: AuditContext) -> ProbeOutcome:
    outcome = ProbeOutcome()
    if ctx.credential.bearer is not None:
        outcome.skipped.append(
            "csrf: the session travels in an Authorization header, which browsers never add by themselves"
        )
        return outcome
    name = ctx.credential.session_cookies[0]
    header = ctx.setup.answer.set_cookies.get(name, "")
    samesite = parse_set_cookie(header).samesite if header else None
    if samesite in ("Lax", "Strict"):
        outcome.passed.append(f"csrf: {name} is SameSite={samesite}, so cross-site posts do not carry it")
        return outcome
    accepted = [found for found in (_logout(ctx), _login(ctx)) if found is not None]
    if not accepted:
        outcome.passed.append("csrf: no state-changing route accepted a cross-site request")
        return outcome
    said = "SameSite=None" if samesite == "None" else "no SameSite"
    outcome.add(
        Finding(
            id="csrf/cross-site-request",
            severity=Severity.MEDIUM,
            title=f"A page on another site can {' and '.join(a.what for a in accepted)}: the session cookie has {said}",
            asvs="v5.0.0-3.5.1",
            cwe="CWE-352",
            route=accepted[0].route,
            detail="The browser attaches the session cookie to requests another site starts, and these routes do "
            "not check where a request comes from (no SameSite, no anti-forgery token, no Origin check).",
            evidence=tuple(line for a in accepted for line in a.evidence),
            fix=Fix(
                "Set SameSite=Lax on the session cookie and require a CSRF token on state-changing forms (Flask-WTF).",
                lessons.COOKIE_SAMESITE,
            ),
        )
    )
    return outcome


def _logout(ctx: AuditContext) -> Accepted | None:
    path = ctx.options.logout
    credential = ctx.fresh_session()[0] if path else None
    if credential is None:
        return None
    answer = credential.send(ctx.target, "POST", path, headers=CROSS_SITE, data={})
    if answer.status_code == 405:
        answer = credential.send(ctx.target, "GET", path, headers={**CROSS_SITE, "Sec-Fetch-Mode": "navigate"})
    if answer.status_code >= 400:
        return None
    evidence = ctx.evidence.of(answer, "a cross-site request to the logout, carrying the session cookie")
    return Accepted("log the user out", path, evidence)


def _login(ctx: AuditContext) -> Accepted | None:
    """Login CSRF: a cross-site form logs the victim in to an account the attacker chose."""
    # A JSON login is tried with a text/plain body too: a form can send one that reads as JSON.
    for encoding in ("form",) if ctx.options.form else ("form", "text/plain"):
        answer = log_in(ctx.target, ctx.options, cross_site=encoding)
        credential = ctx.credential_from(answer)
        if credential is not None and ctx.works(credential)[0]:
            evidence = ctx.evidence.of(
                answer.response, "a cross-site form posting the login, with no token from the app"
            )
            return Accepted("log them in to the attacker's account", ctx.options.login, evidence)
    return None
