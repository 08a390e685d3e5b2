"""`course audit` on the demo server: every login-style vulnerable twin in GET /insecure gets at
least one high finding with the CWE of its label, and its fixed twin no high or medium finding.

Driven by the server's own listing, so a new vulnerable route fails here until it is in
course/lessons/audit_demo.py: in LOGIN_TWINS (with the routes and account to audit it with)
or in NOT_LOGIN_STYLE (with the reason the audit does not walk through it).
"""

from __future__ import annotations

import pytest

from course.audit import Severity, run_audit
from course.lessons.audit_demo import LOGIN_TWINS, NOT_LOGIN_STYLE
from demo_server import ManualClock, create_app, serve_app

from .conftest import TEST_CONFIG


def _listing() -> dict[str, dict]:
    app = create_app({**TEST_CONFIG, "INSECURE_DEMOS": True})
    return {route["path"]: route for route in app.test_client().get("/insecure").json["routes"]}


LABELLED = _listing()


@pytest.fixture(scope="module")
def demo():
    server = serve_app(create_app({**TEST_CONFIG, "CLOCK": ManualClock(), "INSECURE_DEMOS": True}))
    yield server
    server.stop()


def test_every_vulnerable_route_is_classified():
    unclassified = sorted(set(LABELLED) - set(LOGIN_TWINS) - set(NOT_LOGIN_STYLE))
    assert not unclassified, (
        f"vulnerable routes that course/lessons/audit_demo.py does not know: {unclassified}. Add each one to "
        "LOGIN_TWINS (the login, profile and logout routes and the account to audit it and its fixed twin with) "
        "or to NOT_LOGIN_STYLE (why the audit does not walk through it)"
    )
    stale = sorted((set(LOGIN_TWINS) | set(NOT_LOGIN_STYLE)) - set(LABELLED))
    assert not stale, f"routes in course/lessons/audit_demo.py that GET /insecure does not list: {stale}"


@pytest.mark.parametrize("path", sorted(LOGIN_TWINS))
def test_the_twin_table_matches_the_labels(path):
    twin = LOGIN_TWINS[path]
    assert path in twin.vulnerable.routes, f"{path}: the vulnerable side of its twin does not use it"
    fixed_twin = LABELLED[path]["fixed_twin"]
    assert fixed_twin in twin.fixed.routes, f"{path}: its label's fixed twin {fixed_twin} is not on the fixed side"


@pytest.mark.parametrize("path", sorted(LOGIN_TWINS))
def test_the_vulnerable_twin_gets_a_high_finding_with_its_cwe(demo, path):
    twin = LOGIN_TWINS[path]  # HIGH, or MEDIUM for the few flaws the audit rates lower by design
    report = run_audit(twin.vulnerable.options(demo.url, fail_on=twin.severity))
    cwes = LABELLED[path]["cwe"]  # one or several, the most specific first
    expected = [(finding.id, finding.cwe) for finding in report.findings if finding.severity is twin.severity]
    assert any(found_cwe in cwes for _, found_cwe in expected), (
        f"{path} is labelled {cwes}; {twin.severity.value} findings: {expected}"
    )
    assert report.exit_status() == 1


def test_only_flaws_that_leak_information_are_expected_below_high():
    lower = {path: twin.severity for path, twin in LOGIN_TWINS.items() if twin.severity is not Severity.HIGH}
    assert {LABELLED[path]["cwe"][0] for path in lower} <= {"CWE-204", "CWE-524"}, lower
    assert set(lower.values()) == {Severity.MEDIUM}


@pytest.mark.parametrize("path", sorted(LOGIN_TWINS))
def test_the_fixed_twin_has_no_high_or_medium_finding(demo, path):
    report = run_audit(LOGIN_TWINS[path].fixed.options(demo.url, fail_on=Severity.MEDIUM))
    serious = [(f.id, f.severity.value, f.title) for f in report.at_or_above(Severity.MEDIUM)]
    assert not serious, f"the fixed twin of {path}: {serious}"
    assert report.exit_status() == 0
