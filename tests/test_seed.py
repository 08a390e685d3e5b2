"""The article's login (seed blueprint) answers exactly as its Next.js code did,
flaws included; its fixed twin (cookies blueprint) refuses the same forgeries."""

from __future__ import annotations

import pytest

from .auth import ADMIN

FORGED = "user=admin"  # typed by hand, no login at all
SUBSTRING = "x=notuser=admin"  # a different cookie that merely contains the text


@pytest.fixture
def raw_client(insecure_app):
    # use_cookies=False: the test client would otherwise replace our hand-made Cookie headers.
    return insecure_app.test_client(use_cookies=False)


@pytest.mark.parametrize(
    ("method", "path", "body", "cookie", "status", "answer"),
    [
        ("POST", "/seed/api/login", ADMIN, None, 200, {"message": "Login successful"}),
        (
            "POST",
            "/seed/api/login",
            {"username": "admin", "password": "12345"},
            None,
            401,
            {"message": "Invalid credentials"},
        ),
        (
            "POST",
            "/seed/api/login",
            {"username": "Admin", "password": "1234"},
            None,
            401,
            {"message": "Invalid credentials"},
        ),
        ("POST", "/seed/api/login", {}, None, 401, {"message": "Invalid credentials"}),
        (
            "POST",
            "/seed/api/login",
            {"username": "admin", "password": 1234},
            None,
            401,
            {"message": "Invalid credentials"},
        ),
        ("GET", "/seed/api/profile", None, "user=admin", 200, {"message": "Welcome Admin"}),  # the cookie the login set
        ("GET", "/seed/api/profile", None, FORGED, 200, {"message": "Welcome Admin"}),
        ("GET", "/seed/api/profile", None, SUBSTRING, 200, {"message": "Welcome Admin"}),
        ("GET", "/seed/api/profile", None, "theme=dark; user=admin", 200, {"message": "Welcome Admin"}),
        ("GET", "/seed/api/profile", None, None, 401, {"message": "Not logged in"}),
        ("GET", "/seed/api/profile", None, "user=guest", 401, {"message": "Not logged in"}),
    ],
    ids=[
        "login ok",
        "wrong password",
        "wrong case",
        "no fields",
        "number, not string",
        "real cookie",
        "forged",
        "substring",
        "among others",
        "no cookie",
        "other user",
    ],
)
def test_seed_answers_as_the_article_did(raw_client, method, path, body, cookie, status, answer):
    headers = {"Cookie": cookie} if cookie else {}
    response = raw_client.open(path, method=method, json=body, headers=headers)
    assert response.status_code == status
    assert response.json == answer


def test_seed_login_sets_the_articles_cookie_header_word_for_word(raw_client):
    response = raw_client.post("/seed/api/login", json=ADMIN)
    assert response.headers.getlist("Set-Cookie") == ["user=admin; HttpOnly; Path=/; Max-Age=3600"]


def test_seed_login_sets_no_cookie_on_failure(raw_client):
    response = raw_client.post("/seed/api/login", json={"username": "admin", "password": "wrong"})
    assert "Set-Cookie" not in response.headers


def test_seed_cookie_works_in_a_cookie_jar(insecure_client):
    assert insecure_client.get("/seed/api/profile").status_code == 401
    insecure_client.post("/seed/api/login", json=ADMIN)
    assert insecure_client.get("/seed/api/profile").json == {"message": "Welcome Admin"}


def test_seed_server_never_expires_the_login(raw_client, clock):
    # Max-Age=3600 is only a request to the client; the server checks nothing.
    clock.advance(365 * 24 * 3600)
    assert raw_client.get("/seed/api/profile", headers={"Cookie": FORGED}).status_code == 200


def test_seed_routes_are_labelled_with_their_flaw_and_fixed_twin(raw_client):
    response = raw_client.get("/seed/api/profile")
    assert response.headers["X-Insecure-Demo"].startswith("CWE-565, CWE-697: trusts any Cookie header")
    listed = {route["path"]: route for route in raw_client.get("/insecure").json["routes"]}
    assert listed["/seed/api/login"]["fixed_twin"] == "/cookies/api/login"
    assert listed["/seed/api/profile"]["fixed_twin"] == "/cookies/api/profile"


def test_seed_exists_only_with_insecure_demos(client):
    assert client.get("/seed/api/profile").status_code == 404


def test_seed_login_bad_input_is_a_4xx_json_error(raw_client):
    response = raw_client.post("/seed/api/login", data=b'{"username": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json == {"error": "the request body is not valid JSON"}


@pytest.mark.parametrize(
    "cookie",
    [FORGED, SUBSTRING, "user=admin.", "user=admin.aVY3kA.forgedsignature"],
    ids=["forged", "substring", "empty signature", "made-up signature"],
)
def test_attacks_work_on_the_seed_and_fail_on_the_fixed_twin(raw_client, cookie):
    assert raw_client.get("/seed/api/profile", headers={"Cookie": cookie}).status_code == 200
    fixed = raw_client.get("/cookies/api/profile", headers={"Cookie": cookie})
    assert fixed.status_code == 401
    assert fixed.json["error"].startswith("not logged in")


def test_fixed_twin_legitimate_flow_still_works(insecure_client):
    login = insecure_client.post("/cookies/api/login", json=ADMIN)
    assert login.status_code == 200
    assert insecure_client.get("/cookies/api/profile").json == {"message": "Welcome Admin", "user": "admin"}
