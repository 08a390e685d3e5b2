"""Signed client-side sessions (Flask's cookie): readable by anyone, and forgeable with a guessed key.

Lesson 02 in one probe: decode the cookie (no key needed), try every word of the course's
list as the SECRET_KEY offline (no requests), and with a key found sign a session for another
user (or, if none is known, one the server never issued) and see whether it gets in.
Uses the by-hand Flask cookie functions of lesson 02.
"""

from __future__ import annotations

from course.audit import lessons
from course.audit.context import AuditContext
from course.audit.findings import Finding, Fix, ProbeOutcome, Severity
from course.audit.identities import identity_key, other_identities
from course.audit.wordlist import weak_secrets
from course.lessons.by_hand.flask_session_cookie import guess_secret_key, read_timestamp, sign_session

NAME = "signed sessions"


def run(ctx: AuditContext) -> ProbeOutcome:
    outcome = ProbeOutcome()
    value = ctx.session_value
    if value.kind == "signed":
        outcome.skipped.append(
            "signed sessions: the value is signed in a format other than Flask's; only Flask's is tried against "
            "the word list"
        )
        return outcome
    if value.kind != "flask":
        return outcome
    cookie = value.raw
    outcome.findings.append(
        Finding(
            id="signed/readable",
            severity=Severity.NOTE,
            title="Flask's session cookie is signed, not encrypted: anyone can read it",
            asvs="v5.0.0-14.3.3",
            cwe=None,
            route=ctx.options.profile,
            detail=f"The session data is {value.describe()}. Signing stops changes, not reading.",
            evidence=tuple(ctx.evidence.of(ctx.setup.profile_with_session, "the audit's own session", body=False)),
            fix=Fix(
                "Keep nothing secret in it, or keep the session on the server (Flask-Session).",
                lessons.FLASK_COOKIE_DECODED,
            ),
        )
    )
    words = weak_secrets()
    key = guess_secret_key(cookie, words)
    if key is None:
        outcome.passed.append(f"the SECRET_KEY is none of the {len(words):,} words of the course's list")
        return outcome
    attempts = _forgeries(ctx, value.content, key, read_timestamp(cookie))
    evidence = [f"# the SECRET_KEY {key!r} signed this cookie: found offline among {len(words):,} words, no requests"]
    accepted = None
    for how, forged, other_user in attempts:
        works, response = ctx.works(ctx.credential.only_forged(forged))
        # Another user's session shows another profile; the never-issued one only has to get in.
        if works and (not other_user or response.text != ctx.setup.profile_with_session.text):
            accepted = how
            evidence += ctx.evidence.of(
                response, f"a fresh client that never logged in, with a cookie signed for {how}"
            )
            break
    result = f": a session forged with it ({accepted}) got in" if accepted else ""
    outcome.add(
        Finding(
            id="signed/weak-key",
            severity=Severity.HIGH,
            title=f"The SECRET_KEY is a word from a list, {key!r}{result}",
            asvs="v5.0.0-11.5.1",
            cwe="CWE-1391",
            route=ctx.options.profile,
            detail="Anyone with one cookie finds the key offline, then signs sessions for any user.",
            evidence=tuple(evidence),
            fix=Fix(
                "Use a random key (secrets.token_bytes(32)) kept out of the code; rotate with SECRET_KEY_FALLBACKS.",
                lessons.WEAK_SECRET_KEY,
            ),
        )
    )
    return outcome


def _forgeries(ctx: AuditContext, data, key: str, timestamp: int) -> list[tuple[str, str, bool]]:
    """(what it claims, signed cookie, another user?): other users first, then content never issued.

    The original timestamp is kept: a cookie signed "in the future" of the server's clock is refused.
    """
    if not isinstance(data, dict):
        return []
    attempts = []
    field = identity_key(data)
    if field is not None:
        for other in other_identities(data[field], ctx.options.username):
            attempts.append((f"{field}={other!r}", sign_session({**data, field: other}, key, timestamp), True))
    never_issued = sign_session({**data, "course_audit": "forged"}, key, timestamp)
    attempts.append(("a field the server never issued", never_issued, False))
    return attempts
