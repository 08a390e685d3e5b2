"""Lesson 05's fixed twins do their job for legitimate users, and the limits, logs and checks hold.

(The attacks on each vulnerable route and its fixed twin are in tests/twin_attacks/.)
"""

from __future__ import annotations

import pytest

from demo_server import create_app
from demo_server.mistakes.access_log import access_log
from demo_server.mistakes.brute_force import forget_failures

from .auth import ADMIN as ARTICLE_ADMIN
from .auth import ALICE, BOB, credentials
from .conftest import TEST_CONFIG

HTTPS = "https://localhost"
assert ARTICLE_ADMIN["password"] == "1234"  # lesson 01's; lesson 05's admin is DEMO_USERS["admin"]
ADMIN = credentials("admin")


def _session_client(app, user=ALICE, **kwargs):
    client = app.test_client()
    assert client.post("/sessions/login", json=user, **kwargs).status_code == 200
    return client


# --- https only -------------------------------------------------------------


def test_https_login_sets_a_host_prefixed_secure_cookie_and_hsts(client):
    answer = client.post("/mistakes/https/login", json=ALICE, base_url=HTTPS)
    assert answer.status_code == 200
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("__Host-sid=")
    assert all(part in cookie for part in ("Secure", "HttpOnly", "Path=/", "SameSite=Lax")) and "Domain" not in cookie
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    me = client.get("/mistakes/https/me", base_url=HTTPS)
    assert me.status_code == 200 and me.json["user"] == "alice"


def test_plain_http_is_refused_before_anything_happens(client):
    answer = client.post("/mistakes/https/login", json=ALICE)
    assert answer.status_code == 403 and "https only" in answer.json["error"]
    assert "Set-Cookie" not in answer.headers and "Strict-Transport-Security" not in answer.headers


def test_https_login_replaces_the_session_it_arrived_with(app):
    client = app.test_client()
    client.post("/mistakes/https/login", json=ALICE, base_url=HTTPS)
    first = client.get_cookie("__Host-sid", domain="localhost").value
    client.post("/mistakes/https/login", json=ALICE, base_url=HTTPS)
    assert client.get_cookie("__Host-sid", domain="localhost").value != first
    stale = app.test_client(use_cookies=False)
    assert stale.get("/mistakes/https/me", base_url=HTTPS, headers={"Cookie": f"__Host-sid={first}"}).status_code == 401


# --- the session ID in the URL ----------------------------------------------


def test_the_account_page_works_with_the_cookie_and_leaks_nothing(app):
    alice = _session_client(app)
    answer = alice.get("/mistakes/url-session/account")
    assert answer.status_code == 200 and answer.json["user"] == "alice"
    assert answer.headers["Referrer-Policy"] == "no-referrer" and answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("query", ["sid=x", "SID=x", "jsessionid=x", "PHPSESSID=x", "session_id=x", "q=" + "A" * 43])
def test_any_session_id_in_the_url_is_refused(app, query):
    alice = _session_client(app)
    answer = alice.get(f"/mistakes/url-session/account?{query}")
    assert answer.status_code == 400 and "cookie only" in answer.json["error"]


def test_other_query_parameters_are_fine(app):
    assert _session_client(app).get("/mistakes/url-session/account?tab=profile").status_code == 200


# --- sudo mode ----------------------------------------------------------------


def test_sudo_mode_needs_the_password_and_gives_a_new_id(app, clock):
    alice = _session_client(app)
    before = alice.get_cookie("sid").value
    assert alice.get("/mistakes/sudo/settings").status_code == 403
    wrong = alice.post("/mistakes/sudo", json={"password": "wrong"})
    assert wrong.status_code == 403 and alice.get_cookie("sid").value == before
    assert alice.post("/mistakes/sudo", json={"password": ALICE["password"]}).status_code == 200
    assert alice.get_cookie("sid").value != before
    assert alice.get("/mistakes/sudo/settings").status_code == 200
    clock.advance(5 * 60)
    assert alice.get("/mistakes/sudo/settings").status_code == 403, "sudo mode lasts five minutes"
    assert alice.get("/sessions/me").status_code == 200, "the session itself goes on"


def test_sudo_mode_keeps_the_session_data(app):
    alice = app.test_client()
    alice.post("/sessions/cart", json={"item": "tea"})
    alice.post("/sessions/login", json=ALICE)
    alice.post("/sessions/cart", json={"item": "jam"})
    alice.post("/mistakes/sudo", json={"password": ALICE["password"]})
    assert alice.get("/sessions/cart").json["cart"] == ["tea", "jam"]


# --- brute force ------------------------------------------------------------


def _fail(client, user="alice", **kwargs):
    return client.post("/mistakes/brute-force/login", json={"username": user, "password": "wrong"}, **kwargs)


def test_five_failures_per_account_and_address_then_429_even_for_the_right_password(app):
    client = app.test_client()
    assert [_fail(client).status_code for _ in range(5)] == [401] * 5
    blocked = client.post("/mistakes/brute-force/login", json=ALICE)
    assert blocked.status_code == 429 and "15 minutes" in blocked.json["error"]


def test_successes_do_not_count_and_other_accounts_and_addresses_are_not_locked_out(app):
    client = app.test_client()
    for _ in range(10):
        assert client.post("/mistakes/brute-force/login", json=BOB).status_code == 200
    for _ in range(5):
        _fail(client)
    assert client.post("/mistakes/brute-force/login", json=BOB).status_code == 200, "Bob is not Alice"
    elsewhere = {"environ_base": {"REMOTE_ADDR": "192.0.2.10"}}
    assert client.post("/mistakes/brute-force/login", json=ALICE, **elsewhere).status_code == 200, (
        "Alice from another address is not locked out"
    )


def test_the_user_name_is_case_folded(app):
    client = app.test_client()
    for name in ("alice", "Alice", "ALICE", "aLiCe", "alicE"):
        _fail(client, name)
    assert client.post("/mistakes/brute-force/login", json=ALICE).status_code == 429


def test_twenty_failures_from_one_address_stop_password_spraying(app):
    client = app.test_client()
    for number in range(20):
        assert _fail(client, f"user{number}").status_code == 401
    assert _fail(client, "somebody-new").status_code == 429
    assert client.post("/mistakes/brute-force/login", json=BOB).status_code == 429


def test_x_forwarded_for_is_ignored_and_forgetting_resets(app):
    client = app.test_client()
    for number in range(5):
        _fail(client, headers={"X-Forwarded-For": f"203.0.113.{number}"})
    assert client.post("/mistakes/brute-force/login", json=ALICE).status_code == 429
    forget_failures(app)
    assert client.post("/mistakes/brute-force/login", json=ALICE).status_code == 200


def test_bad_input_is_not_counted_as_a_failed_login(app):
    client = app.test_client()
    for _ in range(30):
        assert client.post("/mistakes/brute-force/login", data="x", content_type="text/plain").status_code == 415
    assert client.post("/mistakes/brute-force/login", json=ALICE).status_code == 200


def test_each_app_has_its_own_counts():
    first, second = create_app(TEST_CONFIG), create_app(TEST_CONFIG)
    for _ in range(5):
        _fail(first.test_client())
    assert second.test_client().post("/mistakes/brute-force/login", json=ALICE).status_code == 200


def test_the_vulnerable_behind_proxy_limit_does_work_for_an_honest_header(insecure_client):
    def fail():
        return insecure_client.post(
            "/vuln/brute-force/login-behind-proxy",
            json={"username": "alice", "password": "wrong"},
            headers={"X-Forwarded-For": "198.51.100.7"},
        ).status_code

    assert [fail() for _ in range(6)] == [401] * 5 + [429]
    assert insecure_client.post("/vuln/brute-force/login", json=ALICE).status_code == 200, "the other twin: no limit"


# --- cache, roles, CSRF -----------------------------------------------------------


def test_the_account_page_says_no_store(app):
    answer = _session_client(app).get("/mistakes/cache/account")
    assert answer.json == {"user": "alice", "email": "alice@example.com", "page": "alice's account"}
    assert answer.headers["Cache-Control"] == "no-store"


def test_roles_come_from_the_server_by_session_or_token(app):
    admin = _session_client(app, ADMIN)
    assert admin.get("/mistakes/roles/admin").json["role"] == "admin"
    bob = _session_client(app, BOB)
    bob.set_cookie("role", "admin")
    assert bob.get("/mistakes/roles/admin").status_code == 403
    token = app.test_client().post("/jwt/login", json=ADMIN).json["access_token"]
    bearer = app.test_client(use_cookies=False).get(
        "/mistakes/roles/admin", headers={"Authorization": f"Bearer {token}"}
    )
    assert bearer.status_code == 200 and bearer.json["user"] == "admin"
    assert app.test_client().get("/mistakes/roles/admin").status_code == 401


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "http://localhost"}, 200),  # the test client's own origin
        ({}, 200),  # a non-browser client: no victim's browser to ride
        ({"Sec-Fetch-Site": "same-origin"}, 200),
        ({"Origin": "http://evil.example"}, 403),
        ({"Origin": "null"}, 403),
        ({"Origin": "http://localhost.evil.example"}, 403),
        ({"Origin": "http://localhost:80"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Sec-Fetch-Site": "same-site"}, 403),
    ],
)
def test_email_changes_only_from_the_site_itself(app, headers, status):
    bob = _session_client(app, BOB)
    answer = bob.post("/mistakes/csrf/email", json={"email": "new@example.com"}, headers=headers)
    assert answer.status_code == status, answer.json
    assert bob.get("/mistakes/csrf/email").json["email"] == ("new@example.com" if status == 200 else "bob@example.com")


def test_email_changes_take_json_only_and_a_real_address(app):
    bob = _session_client(app, BOB)
    assert bob.post("/mistakes/csrf/email", data={"email": "new@example.com"}).status_code == 415
    assert bob.post("/mistakes/csrf/email", json={"email": "not an address"}).status_code == 400


# --- the access log -----------------------------------------------------------------


def test_the_access_log_writes_combined_log_format_on_the_apps_clock(app):
    client = app.test_client()
    client.get("/health?x=1", headers={"Referer": "http://example.com/", "User-Agent": "tester"})
    (line,) = access_log(app).lines()
    assert line == (
        '127.0.0.1 - - [01/Jan/2026:09:00:00 +0000] "GET /health?x=1 HTTP/1.1" 200 16 "http://example.com/" "tester"'
    )
    access_log(app).clear()
    assert access_log(app).lines() == []


def test_a_request_cannot_forge_a_log_line(app):
    from demo_server.mistakes.access_log import _printable

    app.test_client().get("/health", headers={"User-Agent": 'x" 200 1 "-" "forged'})
    (line,) = access_log(app).lines()
    assert line.count('"') == 6 and line.endswith('"x? 200 1 ?-? ?forged"')
    assert _printable("a\r\nb\x00c") == "a??b?c"


# --- the vulnerable twins still serve their legitimate users --------------------------


def test_real_tokens_still_work_on_the_key_injection_twins(insecure_app):
    token = insecure_app.test_client().post("/jwt/login", json=ALICE).json["access_token"]
    for trick in ("jwk", "jku", "kid"):
        answer = insecure_app.test_client().get(
            f"/vuln/jwt-header-keys/{trick}", headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 200 and answer.json["user"] == "alice", trick


def test_jku_is_fetched_from_loopback_only(insecure_app):
    import jwt
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    token = jwt.encode(
        {"sub": "admin"}, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"jku": "http://example.com/keys"}
    )
    answer = insecure_app.test_client().get("/vuln/jwt-header-keys/jku", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401 and "127.0.0.1 or localhost only" in answer.json["error"]


def test_the_password_cookie_twin_works_for_its_user(insecure_app):
    client = insecure_app.test_client()
    client.post("/vuln/password-cookie/login", json=ALICE)
    assert client.get("/vuln/password-cookie/me").json == {"user": "alice"}


def test_the_enumeration_twin_still_logs_in(insecure_app):
    client = insecure_app.test_client()
    assert client.post("/vuln/enumeration/login", json=ALICE).status_code == 200
    assert client.get("/sessions/me").json["user"] == "alice"


def test_the_course_labels_at_least_twenty_routes_each_with_a_twin_and_an_asvs_id(insecure_client):
    listing = insecure_client.get("/insecure").json
    assert listing["enabled"] and len(listing["routes"]) >= 20
    assert all(route["fixed_twin"] and route["asvs"].startswith("v5.0.0-") for route in listing["routes"])
