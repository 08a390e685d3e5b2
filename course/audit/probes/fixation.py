"""Session fixation: does an ID planted in the browser before login survive the login?

Lesson 03's attack from outside. The attacker plants an ID the server issued (from the login
page, or from a login of their own) or one they invented, the victim logs in, and the
attacker's copy of the ID is now the victim's session. A login must always issue a new ID.
Applies to sessions kept on the server (an opaque ID in a cookie).
"""

from __future__ import annotations

import hashlib

from course.audit import lessons
from course.audit.context import AuditContext
from course.audit.findings import Finding, Fix, ProbeOutcome, Severity
from course.audit.target import set_cookie_headers

NAME = "fixation"


def run(ctx: AuditContext) -> ProbeOutcome:
    outcome = ProbeOutcome()
    if ctx.credential.bearer is not None:
        outcome.skipped.append("fixation: the session travels in a header, which an attacker cannot plant in a browser")
        return outcome
    if ctx.session_value.kind != "reference":
        outcome.skipped.append(
            f"fixation: the session is not an ID but {ctx.session_value.label}; a login replaces it with new content"
        )
        return outcome
    name = ctx.credential.session_cookies[0]
    for how, planted in _plants(ctx, name):
        if planted is None:
            continue
        victim = ctx.fresh_session(planted={name: planted})[1]
        kept = victim.cookies.get(name) == planted
        attacker_works, attacker_view = ctx.works(ctx.credential.only_forged(planted))
        if kept and attacker_works:
            evidence = ctx.evidence.of(victim.response, f"the victim logs in with {how} planted in their browser")
            evidence += ctx.evidence.of(attacker_view, "the attacker, with their copy of that ID")
            outcome.add(
                Finding(
                    id="fixation/planted-id-survives",
                    severity=Severity.HIGH,
                    title="An ID planted before login is still the session after it",
                    asvs="v5.0.0-7.2.4",
                    cwe="CWE-384",
                    route=ctx.options.login,
                    detail=f"The login kept {how} instead of issuing a new ID, so whoever planted it "
                    "shares the victim's session.",
                    evidence=tuple(evidence),
                    fix=Fix(
                        "At login, issue a new session ID and delete the old session "
                        "(Flask-Session: app.session_interface.regenerate(session)).",
                        lessons.FIXATION,
                    ),
                )
            )
            return outcome
        outcome.passed.append(f"fixation: {how}, planted before login, was replaced by a new ID")
    return outcome


def _plants(ctx: AuditContext, name: str):
    """IDs an attacker could plant: one the server hands out before login, one from their own login, one invented."""
    if ctx.options.form:
        page = ctx.target.send("GET", ctx.options.login)
        pre_login = _cookie_set(page, name)
        if pre_login:
            yield "an ID the login page handed out", pre_login
    attacker = ctx.fresh_session()[0]
    yield "an ID from an earlier login (the attacker's own)", attacker.value if attacker else None
    yield "an ID the server never issued", invented_like(ctx.credential.value)


def _cookie_set(response, name: str) -> str | None:
    for header in set_cookie_headers(response):
        cookie_name, _, rest = header.partition("=")
        if cookie_name.strip() == name:
            return rest.partition(";")[0].strip() or None
    return None


def invented_like(real: str) -> str:
    """A value shaped like ``real`` (same length, same kinds of characters) that no server issued."""
    stream = hashlib.sha256(b"course audit: an invented session ID").hexdigest() * (len(real) // 64 + 1)
    digits, letters = "0123456789", "abcdefghijklmnopqrstuvwxyz"
    out = []
    for ch, noise in zip(real, stream, strict=False):
        index = int(noise, 16)
        if ch.isdigit():
            out.append(digits[index % 10])
        elif ch.isalpha():
            pick = letters[index % 26]
            out.append(pick.upper() if ch.isupper() else pick)
        else:
            out.append(ch)
    return "".join(out)
