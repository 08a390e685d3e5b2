"""The article's own Next.js routes, run unchanged under the Node adapter, and audited live.

Needs Node.js (`node` on PATH): under CI (CI=true) a missing node fails, elsewhere it skips.
"""

from __future__ import annotations

import os

import pytest
import requests

from course.audit import AuditOptions, Severity, run_audit
from course.lessons.nextjs_article import ROUTES, NodeMissing, node_available, start_article_app

if not node_available():
    if os.environ.get("CI") == "true":
        pytest.fail("these tests need Node.js: apt-get install nodejs", pytrace=False)
    pytest.skip("needs Node.js (node on PATH) to run the article's code", allow_module_level=True)


@pytest.fixture(scope="module")
def article():
    app = start_article_app()
    yield app
    app.stop()


def test_the_routes_are_the_articles_code():
    login, profile = ROUTES["login"].read_text(), ROUTES["profile"].read_text()
    assert "const { username, password } = req.body;" in login
    assert 'res.setHeader("Set-Cookie", "user=admin; HttpOnly; Path=/; Max-Age=3600");' in login
    assert 'if (cookies.includes("user=admin")) {' in profile


def test_the_adapter_gives_nextjs_req_body_and_res_status_json(article):
    login = requests.post(f"{article.url}/api/login", json={"username": "admin", "password": "1234"}, timeout=5)
    assert login.status_code == 200 and login.json() == {"message": "Login successful"}
    assert login.headers["Set-Cookie"] == "user=admin; HttpOnly; Path=/; Max-Age=3600"
    assert login.headers["Content-Type"] == "application/json; charset=utf-8"
    wrong = requests.post(f"{article.url}/api/login", data={"username": "admin", "password": "x"}, timeout=5)
    assert wrong.status_code == 401 and wrong.json() == {"message": "Invalid credentials"}
    assert requests.get(f"{article.url}/api/profile", timeout=5).json() == {"message": "Not logged in"}
    assert (
        requests.post(f"{article.url}/api/login", data="{", headers={"Content-Type": "application/json"}).status_code
        == 400
    )
    assert requests.get(f"{article.url}/api/nope", timeout=5).status_code == 404


def test_course_audit_flags_the_articles_code_live(article):
    report = run_audit(
        AuditOptions(article.url, login="/api/login", profile="/api/profile", username="admin", password="1234")
    )
    found = {finding.id: finding for finding in report.findings}
    assert found["identity/forgeable"].severity is Severity.HIGH and found["identity/forgeable"].cwe == "CWE-565"
    assert found["identity/substring"].severity is Severity.HIGH
    # Next.js parses form posts, and the cookie has no SameSite: a cross-site form logs a victim in.
    assert "the attacker's account" in found["csrf/cross-site-request"].title
    assert report.exit_status() == 1


def test_stop_ends_the_node_process(article):
    app = start_article_app()
    app.stop()
    assert not app.running
    app.stop()  # twice is fine


def test_without_node_it_says_so(monkeypatch):
    monkeypatch.setattr("course.lessons.nextjs_article.node_path", lambda: None)
    with pytest.raises(NodeMissing, match="node is not on PATH"):
        start_article_app()
