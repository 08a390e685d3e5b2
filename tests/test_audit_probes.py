"""Each probe family against an app built to have (or not have) its flaw."""

from __future__ import annotations

import math
import time

import pytest
from cryptography.fernet import Fernet

from course.audit import AuditOptions, Severity, lessons, run_audit
from course.audit.probes.fixation import invented_like
from course.audit.probes.session_ids import analyse
from course.audit.session_values import read_value
from course.lessons.audit_demo import FIXATION
from course.lessons.local_app import serve
from demo_server import ManualClock, create_app, serve_app

from .audit_apps.flawed_apps import ACCOUNTS, create_cookie_state_app, create_id_app, create_token_app
from .conftest import TEST_CONFIG


def audit(app, *, logout=None, **extra):
    server = serve(app)
    try:
        options = AuditOptions(
            server.url, login="/login", profile="/me", logout=logout, username="alice", password=ACCOUNTS["alice"]
        )
        return run_audit(AuditOptions(**{**options.__dict__, **extra}))
    finally:
        server.stop()


def ids(report) -> dict[str, Severity]:
    return {finding.id: finding.severity for finding in report.findings}


# --- session IDs ----------------------------------------------------------------


def test_sequential_ids_are_found():
    report = audit(create_id_app("sequential"))
    found = ids(report)
    assert found["ids/sequential"] is Severity.HIGH
    assert next(f for f in report.findings if f.id == "ids/sequential").cwe == "CWE-340", "predictable identifiers"
    assert found["ids/short"] is Severity.HIGH, "s1001, s1002, ...: a few digits vary"


def test_time_derived_ids_are_found():
    assert ids(audit(create_id_app("time")))["ids/time-derived"] is Severity.HIGH


def test_a_uuid4_falls_short_of_128_bits():
    report = audit(create_id_app("uuid"))
    short = next(f for f in report.findings if f.id == "ids/short")
    assert short.severity is Severity.MEDIUM and short.asvs == "v5.0.0-7.2.3"
    assert {"ids/sequential", "ids/time-derived", "ids/repeated"}.isdisjoint(ids(report))


def test_strong_ids_pass():
    report = audit(create_id_app("strong"))
    assert not [finding for finding in ids(report) if finding.startswith("ids/")]
    assert any(line.startswith("session IDs: 11 IDs, 43 characters of base64url") for line in report.passed)


@pytest.mark.parametrize(
    ("samples", "repeated", "sequence", "time_derived", "bits"),
    [
        (["a1b2", "a1b2", "c3d4"], 1, False, False, 4 * 4),
        (["user-7", "user-8", "user-9"], 0, True, False, math.log2(10)),
        ([f"{int(time.time()) + n}" for n in range(5)], 0, True, True, None),
        (["ZmFrZQ", "YmFrZQ", "cmFrZQ"], 0, False, False, math.log2(62)),
    ],
)
def test_the_id_analysis(samples, repeated, sequence, time_derived, bits):
    now = time.time()
    result = analyse(samples, [now] * len(samples))
    assert (result.duplicates, result.sequence, result.time_derived) == (repeated, sequence, time_derived)
    if bits is not None:
        assert result.estimated_bits == pytest.approx(bits)


# --- logout, caching, csrf, enumeration ------------------------------------------------


def test_a_logout_that_only_clears_the_cookie_of_a_server_session_is_high():
    report = audit(create_id_app("strong"), logout="/logout")
    logout = next(f for f in report.findings if f.id == "logout/replay-works")
    assert logout.severity is Severity.HIGH and logout.cwe == "CWE-613"
    assert "lesson 03, step 6" in str(logout.fix.lesson)


def test_a_page_public_caches_may_keep_is_medium():
    shared = next(f for f in audit(create_id_app("strong")).findings if f.id == "cache/shared")
    assert shared.severity is Severity.MEDIUM
    assert shared.cwe == "CWE-524", "a cache other users share, not the browser's own (CWE-525)"
    assert "lesson 05, step 10" in str(shared.fix.lesson)


def test_cross_site_logout_and_a_text_plain_login_are_csrf():
    report = audit(create_id_app("strong"), logout="/logout")
    csrf = next(f for f in report.findings if f.id == "csrf/cross-site-request")
    assert "log the user out and log them in to the attacker's account" in csrf.title
    assert "    Content-Type: text/plain" in csrf.evidence
    assert "    Origin: https://attacker.example" in csrf.evidence


def test_different_answers_for_unknown_user_and_wrong_password():
    report = audit(create_id_app("strong"))
    enumeration = next(f for f in report.findings if f.id == "login/enumeration")
    assert enumeration.title.endswith(": its status and body differ")
    assert "<<< 404 NOT FOUND" in enumeration.evidence and "<<< 401 UNAUTHORIZED" in enumeration.evidence
    assert "lesson 05, step 8" in str(enumeration.fix.lesson)


# --- tokens ----------------------------------------------------------------------


def test_a_weak_hs256_secret_and_no_exp():
    report = audit(create_token_app("secret", with_exp=False))
    found = ids(report)
    assert found["token/weak-secret"] is Severity.HIGH and found["token/no-exp"] is Severity.MEDIUM
    weak = next(f for f in report.findings if f.id == "token/weak-secret")
    assert "'secret'" in weak.title and "a token forged with it was accepted" in weak.title
    assert any('"user": "admin"' in line for line in weak.evidence), "forged for another user"
    assert report.setup.credential.bearer is not None


def test_a_random_hs256_secret_with_exp_passes():
    report = audit(create_token_app("k" + "9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c"))
    assert [f.id for f in report.findings if f.id.startswith("token/")] == []
    assert "a token with alg 'none' was refused" in report.passed
    assert "a token whose 'kid' names /dev/null, signed with an empty key, was refused" in report.passed


def test_a_server_that_only_decodes_tokens():
    found = ids(audit(create_token_app("k" * 40, check_signature=False)))
    assert found["token/signature-ignored"] is Severity.HIGH
    assert found["token/alg-none"] is Severity.HIGH


def test_a_verifier_that_trusts_the_tokens_own_key():
    assert ids(audit(create_token_app("k" * 40, trust_jwk=True)))["token/embedded-jwk"] is Severity.HIGH


# --- what a cookie carries ----------------------------------------------------------


def test_a_password_in_a_base64_json_cookie():
    report = audit(create_cookie_state_app())
    found = ids(report)
    assert found["identity/password-in-session"] is Severity.HIGH
    assert found["identity/forgeable"] is Severity.HIGH
    assert ACCOUNTS["alice"] not in "\n".join(line for f in report.findings for line in f.evidence)
    assert "lesson 05, step 1 " in str(next(f for f in report.findings if f.id.endswith("in-session")).fix.lesson)


def test_a_password_that_only_rides_along_is_not_the_proof_of_login():
    assert "identity/password-is-the-session" not in ids(audit(create_cookie_state_app()))


def test_a_password_hash_in_a_base64_json_cookie():
    report = audit(create_cookie_state_app(keep="password_hash"))
    found = {f.id: f for f in report.findings}
    assert "identity/password-in-session" not in found
    hashed = found["identity/password-hash-in-session"]
    assert hashed.severity is Severity.HIGH and hashed.cwe == "CWE-315"


def test_a_cookie_without_a_password_or_its_hash_has_no_such_finding():
    found = ids(audit(create_id_app("strong")))
    assert not {"identity/password-in-session", "identity/password-hash-in-session"} & set(found)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("admin", "identity"),
        ("user%3Aadmin", "identity"),
        ("eyJ1c2VyIjoiYWRtaW4ifQ==", "base64-json"),
        ("YWRtaW4", "base64-text"),
        ('{"user":"admin"}', "json"),
        ("eyJ1c2VyIjoiYWRtaW4ifQ.aVa9EA.XcbVuWb2D9u-fGWsJtNSxlK0fTI", "flask"),
        ("admin.azdrEA.E8LsDUKzhDyJpBGnpVClTTdImDf3dWE-oxCnmDXx-SE", "signed"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl", "jwt"),
        ("xK3b9_QpZ2mW8vLr5tYhN1cF0dJ7gA4eS6uI-oP", "reference"),
        ("dGFsa2F0aXZlIGFscGFjYQ", "reference"),
        (Fernet(Fernet.generate_key()).encrypt(b'{"user": "admin"}').decode(), "encrypted"),
        (
            "Fe26.2**0cdd607945dd1dffb7da0b0bf5f1a7daa6218cbae14cac51dcbd91fb077aeb5b*aOZLCKLhCt0D5IU1qLTtYw*g0ilNDlQ3TsdFUqJCqAm9g**ed9ce25c69e5ed9bd5da5b6c83f96cd6fe6aa6e6d4c6437d7ec1fe5e5bf8bc48*Y5Xb3mx7BawuTVGPfwEqb0hnZVd4GcBa0ldNw5yxAaI",
            "encrypted",
        ),
        ("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..bWlu.Y2lwaGVy.dGFn", "encrypted"),
    ],
)
def test_what_a_session_value_is(value, kind):
    assert read_value(value, "admin").kind == kind


def test_an_invented_id_looks_like_a_real_one():
    real = "xK3b9_QpZ2mW8vLr5tYhN1cF0dJ7gA4eS6uI-oP"
    invented = invented_like(real)
    assert invented != real and len(invented) == len(real)
    assert [ch.isdigit() for ch in invented] == [ch.isdigit() for ch in real]


def test_an_encrypted_cookie_outlives_its_logout_as_lesson_02_says():
    server = serve_app(create_app({**TEST_CONFIG, "CLOCK": ManualClock()}))
    try:
        report = run_audit(
            AuditOptions(
                server.url, login="/signed/encrypted/login", profile="/signed/encrypted/profile",
                logout="/signed/encrypted/logout", username="mallory", password="let-me-in",
            )
        )  # fmt: skip
    finally:
        server.stop()
    assert report.session == "cookie 'encrypted_session': an encrypted value: a Fernet token"
    logout = next(f for f in report.findings if f.id == "logout/replay-works")
    assert logout.severity is Severity.MEDIUM and logout.fix.lesson == lessons.CLIENT_SIDE_LOGOUT
    assert any("not an ID but an encrypted value" in skip for skip in report.skipped)


# --- the request budget -----------------------------------------------------------


def test_the_request_budget_is_never_exceeded():
    server = serve_app(create_app({**TEST_CONFIG, "CLOCK": ManualClock(), "INSECURE_DEMOS": True}))
    try:
        report = run_audit(FIXATION.fixed.options(server.url, max_requests=15))
    finally:
        server.stop()
    assert report.requests_sent == 15
    assert any("the request budget is spent (15 requests, --max-requests)" in skip for skip in report.skipped)
