"""Forgeable identity: can a client that never logged in write a session the server accepts?

The article's login in one probe. If the session value can be read (plain text, base64, JSON),
a fresh client writes one itself: the user name alone, or the readable content with a field
added that the server never issued. A decoy cookie that merely *contains* the session as text
(``decoy=user=admin``) tests a server that searches the Cookie header instead of parsing it.
Signed values (Flask's cookie, JWTs) are left to the signed_sessions and tokens probes.
"""

from __future__ import annotations

import re

from course.audit import lessons
from course.audit.context import AuditContext
from course.audit.findings import Finding, Fix, ProbeOutcome, Severity

NAME = "forgeable identity"
FORGED_FIELD = ("course_audit", "forged")  # a field no server ever issued
INVENTED_VALUE = "course-audit-invented-value"
# The stored-hash formats of werkzeug, passlib/bcrypt and argon2: what a user table holds.
PASSWORD_HASH = re.compile(r"(?:scrypt|pbkdf2):[a-z0-9:]+\$\S+\$[0-9a-f]{16,}|\$2[aby]\$\d\d\$|\$argon2(?:id|i|d)\$")
SIGNED_KINDS = ("flask", "signed", "jwt")
UNSIGNED_READABLE = ("identity", "json", "base64-json", "base64-text")


def run(ctx: AuditContext) -> ProbeOutcome:
    outcome = ProbeOutcome()
    value = ctx.session_value
    _password_inside(ctx, outcome)
    if value.kind == "reference":
        outcome.passed.append(f"the session value is {value.describe()}")
    elif value.kind in UNSIGNED_READABLE:
        _write_it_yourself(ctx, outcome)
    if ctx.credential.bearer is None:
        _decoy(ctx, outcome)
        _invented(ctx, outcome)
    return outcome


def _write_it_yourself(ctx: AuditContext, outcome: ProbeOutcome) -> None:
    value, credential = ctx.session_value, ctx.credential
    attempts = []
    if value.kind in ("identity", "base64-text") and value.content.lower() == ctx.options.username.lower():
        attempts.append(("the user name alone", value.rebuilt(ctx.options.username)))
    if isinstance(value.content, dict):
        key, text = FORGED_FIELD
        forged = value.rebuilt({**value.content, key: text})
        attempts.append((f"its readable content plus a field {key!r} the server never issued", forged))
    for how, forged in attempts:
        works, response = ctx.works(credential.only_forged(forged))
        if works:
            outcome.add(
                Finding(
                    id="identity/forgeable",
                    severity=Severity.HIGH,
                    title=f"Anyone can write the session: {credential.where} is {value.label}",
                    asvs="v5.0.0-7.2.1",
                    cwe="CWE-565",
                    route=ctx.options.profile,
                    detail=f"The session value is {value.describe()}. A fresh client that never logged in wrote "
                    f"{how} and got the profile: nothing in the value proves the server made it.",
                    evidence=tuple(ctx.evidence.of(response, f"a fresh client that never logged in wrote {how}")),
                    fix=Fix(
                        "Send an opaque random ID (secrets.token_urlsafe(32)) and keep the session on the server, "
                        "or at least sign the value.",
                        lessons.ARTICLE_FIX,
                    ),
                )
            )
            return
    outcome.add(
        Finding(
            id="identity/readable",
            severity=Severity.NOTE,
            title=f"Anyone can read the session: it is {value.label}",
            asvs="v5.0.0-14.3.3",
            cwe="CWE-315",
            route=ctx.options.profile,
            detail=f"It is {value.describe()}. The values the audit wrote itself were refused, but anything in it "
            "(roles, ids, personal data) is visible to whoever holds the cookie.",
            evidence=tuple(ctx.evidence.of(ctx.setup.profile_with_session, "the audit's own session", body=False)),
            fix=Fix("Keep session data on the server and send only an opaque ID.", lessons.OPAQUE_IDS),
        )
    )
    outcome.passed.append("values written by hand (without logging in) were refused")


def _password_inside(ctx: AuditContext, outcome: ProbeOutcome) -> None:
    password, value = ctx.options.password, ctx.session_value
    readable = str(value.content) if value.content is not None else ""
    # A shorter password turns up by chance; a hash is found by its scheme's prefix.
    if len(password) >= 4 and (password in ctx.credential.value or password in readable):
        what = "password"
    elif PASSWORD_HASH.search(readable):
        what = "password hash"
    else:
        return
    outcome.add(
        Finding(
            id="identity/password-in-session" if what == "password" else "identity/password-hash-in-session",
            severity=Severity.HIGH,
            title=f"The {what} travels in the session ({ctx.credential.where})",
            asvs="v5.0.0-14.3.3",
            # A token is read by whoever holds it (CWE-312); a cookie also sits in the browser's jar (CWE-315).
            cwe="CWE-312" if ctx.credential.bearer is not None else "CWE-315",
            route=ctx.options.login,
            detail=f"Whoever sees the {'token' if ctx.credential.bearer is not None else 'cookie'} (a log, a proxy, a "
            f"browser extension, an XSS) learns the {what}, which outlives every session"
            + (" and can be cracked offline." if what == "password hash" else "."),
            evidence=tuple(ctx.evidence.of(ctx.setup.answer.response, "the login's answer", body=False)),
            fix=Fix(
                "Never put a password (or its hash) in a cookie or token: a session needs only an opaque ID.",
                lessons.PAYLOAD_SECRETS if what == "password hash" else lessons.PASSWORD_IN_COOKIE,
            ),
        )
    )
    if what == "password":
        _password_is_the_proof(ctx, outcome)


def _password_is_the_proof(ctx: AuditContext, outcome: ProbeOutcome) -> None:
    """Does the profile check the password in the session on every request? A wrong one in its place tells."""
    value, password = ctx.session_value, ctx.options.password
    content = value.content
    if isinstance(content, str) and password in content:
        wrong = value.rebuilt(content.replace(password, password[::-1] + "-wrong"))
    elif isinstance(content, dict) and password in content.values():
        wrong = value.rebuilt({k: password[::-1] + "-wrong" if v == password else v for k, v in content.items()})
    else:
        return
    if wrong is None:
        return
    works, response = ctx.works(ctx.credential.replaced(wrong))
    if works:
        return  # the password only rides along; the finding above says enough
    outcome.add(
        Finding(
            id="identity/password-is-the-session",
            severity=Severity.HIGH,
            title="The profile takes the password in the session as the proof of login, on every request",
            asvs="v5.0.0-14.3.3",
            cwe="CWE-522",
            route=ctx.options.profile,
            detail="The same session with a wrong password in it is refused: the credential itself is the session "
            "token, so every copy of the session is the password.",
            evidence=tuple(ctx.evidence.of(response, "the same session, a wrong password in place of the right one")),
            fix=Fix(
                "Check the password once, at login, and send only an opaque session ID.", lessons.PASSWORD_IN_COOKIE
            ),
        )
    )


def _decoy(ctx: AuditContext, outcome: ProbeOutcome) -> None:
    name = ctx.credential.session_cookies[0]
    decoy = {"decoy": f"{name}={ctx.credential.cookies[name]}"}
    response = ctx.target.send("GET", ctx.options.profile, cookies=decoy)
    if not 200 <= response.status_code < 300:
        outcome.passed.append(f"a decoy cookie that contains '{name}=…' as text was refused")
        return
    outcome.add(
        Finding(
            id="identity/substring",
            severity=Severity.HIGH,
            title="The server finds the session by searching the Cookie header's text",
            asvs="v5.0.0-7.2.1",
            cwe="CWE-565",
            route=ctx.options.profile,
            detail=f"A cookie named 'decoy' whose value merely contains '{name}=…' got the profile: the server does "
            "not parse the header, so any cookie carrying that text (set by a sibling site, a search box, a script) "
            "gets in.",
            evidence=tuple(ctx.evidence.of(response, "a fresh client with only a decoy cookie")),
            fix=Fix(
                "Parse the Cookie header and read the session cookie by name (Flask: request.cookies.get(name)).",
                lessons.ARTICLE_FORGED,
            ),
        )
    )


def _invented(ctx: AuditContext, outcome: ProbeOutcome) -> None:
    name = ctx.credential.session_cookies[0]
    response = ctx.target.send("GET", ctx.options.profile, cookies={name: INVENTED_VALUE})
    if not 200 <= response.status_code < 300:
        outcome.passed.append(f"an invented value in {name!r} was refused")
        return
    outcome.add(
        Finding(
            id="identity/any-value",
            severity=Severity.HIGH,
            title=f"Any value in the cookie {name!r} gets the profile",
            asvs="v5.0.0-7.2.1",
            cwe="CWE-565",
            route=ctx.options.profile,
            detail="A value the server never issued was accepted: the cookie's presence is all it checks.",
            evidence=tuple(ctx.evidence.of(response, "a fresh client with an invented value")),
            fix=Fix("Look the session ID up on the server and refuse unknown values.", lessons.OPAQUE_IDS),
        )
    )
