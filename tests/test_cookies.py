"""The cookies blueprint (lesson 01): the fixed login, and setting any cookie to try its attributes."""

from __future__ import annotations

import pytest

from demo_server import DEMO_EPOCH, create_app, demo_key

from .auth import ADMIN


@pytest.fixture
def raw_client(app):
    return app.test_client(use_cookies=False)


def _login_cookie(client) -> str:
    set_cookie = client.post("/cookies/api/login", json=ADMIN).headers["Set-Cookie"]
    return set_cookie.partition(";")[0]


def test_login_sets_a_signed_cookie_with_server_side_expiry(raw_client):
    response = raw_client.post("/cookies/api/login", json=ADMIN)
    assert response.status_code == 200
    assert response.json == {"message": "Login successful"}
    header = response.headers["Set-Cookie"]
    assert header.startswith("user=admin.")
    assert "; Expires=Thu, 01 Jan 2026 10:00:00 GMT; Max-Age=3600; HttpOnly; Path=/; SameSite=Lax" in header


def test_login_cookie_is_the_same_for_the_same_key_and_clock():
    # What lets lesson 01 print it: a seeded key and the fixed clock give the same bytes every run.
    def login_header():
        app = create_app({"SECRET_KEY": demo_key("01-cookies")})
        return app.test_client().post("/cookies/api/login", json=ADMIN).headers["Set-Cookie"]

    assert login_header() == login_header()


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "admin", "password": "12345"},
        {"username": "root", "password": "1234"},
        {"username": "", "password": ""},
    ],
)
def test_login_refuses_wrong_credentials(raw_client, credentials):
    response = raw_client.post("/cookies/api/login", json=credentials)
    assert response.status_code == 401
    assert response.json == {"error": "invalid credentials"}
    assert "Set-Cookie" not in response.headers


def test_profile_needs_a_cookie(raw_client):
    response = raw_client.get("/cookies/api/profile")
    assert response.status_code == 401
    assert response.json == {"error": "not logged in: no 'user' cookie"}


def test_profile_accepts_the_issued_cookie_among_others(raw_client):
    cookie = _login_cookie(raw_client)
    response = raw_client.get("/cookies/api/profile", headers={"Cookie": f"theme=dark; {cookie}"})
    assert response.json == {"message": "Welcome Admin", "user": "admin"}


def test_profile_refuses_a_cookie_with_its_name_changed(raw_client):
    signed_value = _login_cookie(raw_client).partition("=")[2]
    response = raw_client.get("/cookies/api/profile", headers={"Cookie": f"x=not{signed_value}"})
    assert response.status_code == 401


def test_profile_refuses_a_tampered_user_name(raw_client):
    cookie = _login_cookie(raw_client)
    tampered = cookie.replace("user=admin.", "user=alice.", 1)
    response = raw_client.get("/cookies/api/profile", headers={"Cookie": tampered})
    assert response.status_code == 401
    assert response.json == {"error": "not logged in: the login cookie is not one this server issued"}


def test_profile_refuses_a_cookie_signed_with_another_key(raw_client):
    other_app = create_app({"SECRET_KEY": demo_key("someone else")})
    cookie = _login_cookie(other_app.test_client(use_cookies=False))
    assert raw_client.get("/cookies/api/profile", headers={"Cookie": cookie}).status_code == 401


def test_the_server_expires_the_login_by_its_own_clock(raw_client, clock):
    cookie = _login_cookie(raw_client)
    clock.advance(3600)
    assert raw_client.get("/cookies/api/profile", headers={"Cookie": cookie}).status_code == 200
    clock.advance(1)
    response = raw_client.get("/cookies/api/profile", headers={"Cookie": cookie})
    assert response.status_code == 401
    assert response.json == {"error": "not logged in: your login has expired: log in again"}


def test_set_sends_the_cookie_asked_for_with_expires_from_the_server_clock(raw_client):
    response = raw_client.post(
        "/cookies/set",
        json={
            "name": "__Host-sid",
            "value": "abc",
            "max_age": 3600,
            "path": "/",
            "secure": True,
            "httponly": True,
            "samesite": "lax",
        },
    )
    assert response.status_code == 200
    header = (
        "__Host-sid=abc; Max-Age=3600; Expires=Thu, 01 Jan 2026 10:00:00 GMT; Path=/; Secure; HttpOnly; SameSite=Lax"
    )
    assert response.headers.getlist("Set-Cookie") == [header]
    assert response.json == {"set_cookie": header, "stored_by_a_browser": True, "refused": [], "warnings": []}


def test_set_reports_what_a_browser_would_refuse(raw_client):
    response = raw_client.post("/cookies/set", json={"name": "__Host-sid", "value": "abc", "samesite": "None"})
    assert response.status_code == 200  # still sent: the lesson shows what a browser does with it
    assert response.json["stored_by_a_browser"] is False
    refused = " ".join(response.json["refused"])
    assert "SameSite=None without Secure" in refused and "__Host-" in refused


def test_set_reports_the_400_day_cap(raw_client):
    response = raw_client.post(
        "/cookies/set", json={"name": "remember", "value": "1", "max_age": 500 * 86400, "path": "/"}
    )
    assert "a lifetime of 500 days is cut to 400 days by browsers" in response.json["warnings"]
    assert "Expires=Sun, 16 May 2027 09:00:00 GMT" in response.headers["Set-Cookie"]


def test_set_can_send_a_cookie_too_big_for_browsers(raw_client):
    response = raw_client.post("/cookies/set", json={"name": "big", "value": "A" * 5000})
    assert response.status_code == 200
    assert response.json["refused"] == ["name and value are 5003 bytes; browsers drop cookies over 4096 bytes"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"value": "x"}, "missing field(s): name"),
        ({"name": "x"}, "field 'value' must be a string"),
        ({"name": "a b", "value": "x"}, "a cookie name may not contain ' '"),
        ({"name": "x", "value": "a;Domain=evil.example"}, "a cookie value may not contain ';'"),
        ({"name": "x", "value": "a\r\nSet-Cookie: y=1"}, "a cookie value may not contain"),
        ({"name": "x", "value": "1", "samesite": "sometimes"}, "SameSite is 'Strict', 'Lax' or 'None'"),
        ({"name": "x", "value": "1", "max_age": "3600"}, "field 'max_age' must be a whole number"),
        ({"name": "x", "value": "1", "max_age": True}, "field 'max_age' must be a whole number"),
        ({"name": "x", "value": "1", "max_age": 10**12}, "more than a century"),
        ({"name": "x", "value": "1", "secure": "yes"}, "field 'secure' must be true or false"),
        ({"name": "x", "value": "1", "domain": "evil.example; Secure"}, "a domain is letters, digits"),
        ({"name": "x", "value": "1", "path": "/a;b"}, "a path is printable ASCII without ';'"),
        ({"name": "x", "value": "1", "colour": "red"}, "unknown field(s): colour"),
        ({"name": "x", "value": "A" * 7000}, "longer than this demo allows"),
    ],
)
def test_set_refuses_nonsense_with_a_reason(raw_client, body, message):
    response = raw_client.post("/cookies/set", json=body)
    assert response.status_code == 400
    assert message in response.json["error"]
    assert "Set-Cookie" not in response.headers


def test_seen_reports_parsed_cookies_and_the_raw_header(raw_client):
    response = raw_client.get("/cookies/seen", headers={"Cookie": "a=1; x=notuser=admin"})
    assert response.json == {"cookies": {"a": "1", "x": "notuser=admin"}, "cookie_header": "a=1; x=notuser=admin"}


def test_path_decides_where_a_cookie_is_sent(client):
    client.post("/cookies/set", json={"name": "area", "value": "cookies-only", "path": "/cookies"})
    assert client.get("/cookies/seen").json["cookies"] == {"area": "cookies-only"}
    assert client.get("/echo").json["cookies"] == {}


def test_the_clock_starts_at_the_demo_epoch(clock):
    assert clock.now() == DEMO_EPOCH  # the Expires dates above assume it


def test_set_reports_a_domain_the_host_may_not_set(raw_client):
    response = raw_client.post("/cookies/set", json={"name": "a", "value": "1", "domain": "example.com"})
    assert response.json["stored_by_a_browser"] is False
    assert response.json["refused"] == [
        "Domain=example.com does not cover localhost, the host that set it: "
        "a site may set cookies only for itself and its parent domains"
    ]
