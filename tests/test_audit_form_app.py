"""`course audit --form` on a server-rendered Flask app with the default client-side session
signed with a word-list key: it finds the key, forges a session for another user, and reports
that logout does not end a replayed cookie."""

from __future__ import annotations

import pytest

from course.audit import AuditOptions, Severity, run_audit
from course.lessons.local_app import serve

from .audit_apps.form_app import PASSWORDS, WEAK_SECRET_KEY, create_form_app


@pytest.fixture(scope="module")
def report():
    server = serve(create_form_app())
    try:
        yield run_audit(
            AuditOptions(
                server.url,
                login="/auth/login",
                profile="/profile",
                logout="/auth/logout",
                username="alice",
                password=PASSWORDS["alice"],
                form=True,
            )
        )
    finally:
        server.stop()


def _finding(report, finding_id):
    found = [finding for finding in report.findings if finding.id == finding_id]
    assert found, f"no {finding_id} finding; found {[f.id for f in report.findings]}"
    return found[0]


def test_it_logs_in_through_the_form_with_its_csrf_token(report):
    assert report.setup.answer.page is not None, "the login page was fetched first"
    sent = report.setup.answer.response.request.body
    assert "csrf_token=" in sent and "username=alice" in sent
    assert report.setup.answer.response.status_code == 302
    assert report.setup.credential.session_cookies == ("session",)


def test_it_finds_the_key_and_forges_a_session_for_another_user(report):
    weak_key = _finding(report, "signed/weak-key")
    assert weak_key.severity is Severity.HIGH and weak_key.cwe == "CWE-1391"
    assert repr(WEAK_SECRET_KEY) in weak_key.title
    assert "user_id=2" in weak_key.title, "alice is user 1; the forged session claims user 2"
    evidence = "\n".join(weak_key.evidence)
    assert "<h1>Hello, admin</h1>" in evidence, "the forged session got admin's profile"
    assert "# a fresh client that never logged in" in evidence


def test_it_reports_that_logout_does_not_end_a_replayed_cookie(report):
    logout = _finding(report, "logout/replay-works")
    assert logout.cwe == "CWE-613" and logout.asvs == "v5.0.0-7.4.1"
    assert logout.severity is Severity.MEDIUM, "a client-side session: the server has nothing to delete"
    evidence = "\n".join(logout.evidence)
    assert ">>> GET /auth/logout HTTP/1.1" in evidence
    assert "<h1>Hello, alice</h1>" in evidence, "the old cookie, replayed after logout, still gets the profile"


def test_it_reports_the_tutorials_two_login_messages(report):
    enumeration = _finding(report, "login/enumeration")
    assert enumeration.severity is Severity.MEDIUM and enumeration.cwe == "CWE-204"
    evidence = "\n".join(enumeration.evidence)
    assert "Incorrect username." in evidence and "Incorrect password." in evidence


def test_a_get_logout_is_a_csrf_target_without_samesite(report):
    csrf = _finding(report, "csrf/cross-site-request")
    assert "log the user out" in csrf.title
    assert "attacker's account" not in csrf.title, "Flask-WTF's token stops the cross-site login"


def test_the_password_never_appears_in_the_report(report):
    for finding in report.findings:
        for line in finding.evidence:
            assert PASSWORDS["alice"] not in line


def test_with_a_random_key_the_cookie_cannot_be_forged():
    server = serve(create_form_app(secret_key="a9f3c1e2d4b5a6978877665544332211"))
    try:
        report = run_audit(
            AuditOptions(
                server.url, login="/auth/login", profile="/profile", username="alice", password=PASSWORDS["alice"],
                form=True,
            )
        )  # fmt: skip
    finally:
        server.stop()
    assert "signed/weak-key" not in [finding.id for finding in report.findings]
    assert any("SECRET_KEY is none of the" in passed for passed in report.passed)
