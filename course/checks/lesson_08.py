"""Checks for exercises/08-from-nextjs-to-flask.ipynb.

08.1 serves the learner's Flask port of the article on loopback, walks the legitimate flow
with random accounts, replays the article's two attacks, then runs `course audit` on it: no
finding may be at medium or above. 08.2 runs the learner's probe against the cookie cart twin
(it must report the lost update) and its fixed twin (it must report nothing).
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import wraps

import requests
from flask import Flask
from werkzeug import security

from course.audit import AuditError, AuditOptions, Finding, Fix, Severity, run_audit
from course.audit.lessons import LessonStep
from course.audit.target import Target, parse_target
from course.checks import exercise, needs
from course.checks._support import random_word, running_server
from course.checks._values import original, plain, unguarded
from course.lessons.local_app import serve

VULNERABLE_CART = "/vuln/sessions/cookie-cart"
FIXED_CART = "/sessions/cart"
PROBE_BUDGET = 20
# The audit logs in a few dozen times; at werkzeug's default scrypt cost that alone can pass the
# check's time limit on a busy machine. Hashes made while the app is built use this cost instead
# (check_password_hash reads the cost from each hash, so checking them is cheap too).
CHECK_HASH_METHOD = "scrypt:1024:8:1"


def _client() -> requests.Session:
    client = requests.Session()
    client.trust_env = False
    return client


def article_accounts() -> dict[str, str]:
    """Random accounts, so an answer that knows the examples' passwords fails."""
    return {random_word("ada"): random_word("pw-") + "-long-enough", "admin": random_word("admin-") + "-long-enough"}


@contextmanager
def cheap_password_hashing(ns):
    """While the learner's app is built, generate_password_hash uses CHECK_HASH_METHOD."""
    original = security.generate_password_hash

    @wraps(original)
    def cheaper(password, method=CHECK_HASH_METHOD, salt_length=16):
        return original(password, method=CHECK_HASH_METHOD, salt_length=salt_length)

    swapped_global = unguarded(ns).get("generate_password_hash") is original
    security.generate_password_hash = cheaper
    if swapped_global:
        ns["generate_password_hash"] = cheaper
    try:
        yield
    finally:
        security.generate_password_hash = original
        if swapped_global:
            ns["generate_password_hash"] = original


def serve_port(ns, users: dict[str, str]):
    (create_article_app,) = needs(ns, "create_article_app")
    with cheap_password_hashing(ns):
        # The app goes to the server as it is (a Flask app is callable: the guard would wrap it);
        # what it answers over HTTP is what is judged.
        app = original(create_article_app(dict(users)))
    assert isinstance(app, Flask), f"create_article_app() should return a Flask app, not {type(app).__name__}"
    return serve(app)


@exercise(
    "08.1",
    "The article's routes, in Flask, done right",
    hint="Flask-Session (SESSION_TYPE='cachelib', SESSION_CACHELIB=SimpleCache()) as in lesson 08 Step 2; at login "
    "app.session_interface.regenerate(session) then session.clear(); keep password hashes (generate_password_hash); "
    "one 401 answer for every failed login; Cache-Control: no-store; SESSION_COOKIE_SAMESITE='Lax'.",
)
def article_port(ns):
    users = article_accounts()
    name, password = next(iter(users.items()))
    server = serve_port(ns, users)
    try:
        base = server.url
        browser = _client()
        login = browser.post(f"{base}/api/login", json={"username": name, "password": password}, timeout=10)
        assert login.status_code == 200, f"POST /api/login with the right password answered {login.status_code}"
        assert login.json() == {"message": "Login successful"}, f"the login answered {login.json()}"
        profile = browser.get(f"{base}/api/profile", timeout=10)
        assert profile.status_code == 200, f"GET /api/profile after logging in answered {profile.status_code}"
        expected = {"message": f"Welcome {name.capitalize()}"}
        assert profile.json() == expected, f"the profile answered {profile.json()}, expected {expected}"
        for body in ({"username": name, "password": password + "x"}, {"username": name + "x", "password": password}):
            refused = _client().post(f"{base}/api/login", json=body, timeout=10)
            assert (refused.status_code, refused.json()) == (401, {"message": "Invalid credentials"}), (
                f"a failed login should answer 401 {{'message': 'Invalid credentials'}}, got {refused.status_code} "
                f"{refused.text[:80]}"
            )
        for cookie in (f"user={name}", f"x=notuser={name}"):
            forged = _client().get(f"{base}/api/profile", headers={"Cookie": cookie}, timeout=10)
            assert forged.status_code == 401, f"the article's attack, Cookie: {cookie}, got the profile"
        try:
            report = run_audit(
                AuditOptions(
                    base, login="/api/login", profile="/api/profile", logout="/api/logout", username=name,
                    password=password,
                )
            )  # fmt: skip
        except AuditError as error:
            raise AssertionError(f"course audit could not run: {error}") from None
        serious = report.at_or_above(Severity.MEDIUM)
        assert not serious, "course audit found: " + "; ".join(
            f"{f.severity.value} {f.id}: {f.title} (fix: {f.fix.text} {f.fix.lesson})" for f in serious
        )
    finally:
        server.stop()


def demo_target(server) -> Target:
    return Target(parse_target(server.url, allow_remote=False), max_requests=PROBE_BUDGET)


@exercise(
    "08.2",
    "A new audit probe: lost updates in a cart",
    hint="POST one item; keep the cookies its answer set (cookies_set_by); send two more POSTs with those SAME "
    "cookies (two requests in flight); merge the cookies both answers set, the later one last; GET the cart with "
    "them: if either item is missing, return a Finding (CWE-362, v5.0.0-15.4.1), else None.",
)
def lost_update_probe(ns):
    (probe,) = needs(ns, "probe_cart_lost_update")
    server = running_server(INSECURE_DEMOS=True)
    target = demo_target(server)
    finding = original(probe(target, VULNERABLE_CART))
    assert type(finding) is Finding, (
        f"on {VULNERABLE_CART} two adds in flight lose one item, so the probe should return a Finding, not {finding!r}"
    )
    for name in ("cwe", "asvs", "route", "evidence"):
        plain(getattr(finding, name), f"probe_cart_lost_update()'s Finding.{name}")
    assert type(finding.severity) is Severity, (
        f"the severity is a Severity (Severity.MEDIUM, for instance), not {type(finding.severity).__name__}"
    )
    assert finding.cwe == "CWE-362", f"a lost update is CWE-362 (a race condition), not {finding.cwe}"
    assert finding.asvs == "v5.0.0-15.4.1", f"the ASVS requirement is v5.0.0-15.4.1, not {finding.asvs}"
    assert finding.severity.at_least(Severity.MEDIUM), "losing what users put in their cart is at least medium"
    assert finding.route == VULNERABLE_CART, f"the finding is about {VULNERABLE_CART}, not {finding.route!r}"
    evidence = "\n".join(finding.evidence)
    assert f">>> POST {VULNERABLE_CART} HTTP/1.1" in evidence, "the evidence should show the requests that lost an item"
    assert type(finding.fix) is Fix, (
        f"the Finding's fix is a Fix(text, lessons.X) (from course.audit import Fix), not {type(finding.fix).__name__}"
    )
    assert isinstance(finding.fix.lesson, LessonStep), "the fix names the lesson step that teaches it (lessons.X)"
    assert 0 < target.sent <= PROBE_BUDGET, f"the probe sent {target.sent} requests; it may send {PROBE_BUDGET}"
    fixed = probe(demo_target(server), FIXED_CART)
    assert fixed is None, f"on the fixed twin {FIXED_CART} nothing is lost, so the probe should return None"
