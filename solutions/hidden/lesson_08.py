"""Hidden tests for 08-from-nextjs-to-flask: run by `course grade` only.

08.1: bodies that are not a JSON object of strings get a 4xx (never a 500), two users logged
in at once each see their own profile, and one user's logout leaves the other's session alone.
08.2: the probe works on another app and another path (a cart in a signed cookie loses items
too; a cart on the server with a lock does not), so it cannot hard-code the demo server.
"""

import threading

import requests
from flask import Flask, jsonify, request, session

from course.audit import Finding
from course.audit.target import Target, parse_target
from course.checks import hidden_test
from course.checks._support import random_word
from course.checks._values import original, plain
from course.checks.lesson_08 import article_accounts, serve_port
from course.lessons.local_app import serve


def _client() -> requests.Session:
    client = requests.Session()
    client.trust_env = False
    return client


@hidden_test("08.1")
def bad_login_bodies_get_a_4xx_not_a_500(ns):
    server = serve_port(ns, article_accounts())
    try:
        for body in ("null", "[1, 2]", '"admin"', '{"username": 5, "password": []}', "{}", "not json"):
            answer = _client().post(
                f"{server.url}/api/login", data=body, headers={"Content-Type": "application/json"}, timeout=10
            )
            assert 400 <= answer.status_code < 500, f"a login body of {body} answered {answer.status_code}"
    finally:
        server.stop()


@hidden_test("08.1")
def two_users_keep_their_own_sessions(ns):
    users = article_accounts()
    (first, first_password), (second, second_password) = users.items()
    server = serve_port(ns, users)
    try:
        one, two = _client(), _client()
        assert one.post(f"{server.url}/api/login", json={"username": first, "password": first_password}).ok
        assert two.post(f"{server.url}/api/login", json={"username": second, "password": second_password}).ok
        assert one.get(f"{server.url}/api/profile").json() == {"message": f"Welcome {first.capitalize()}"}
        assert two.get(f"{server.url}/api/profile").json() == {"message": f"Welcome {second.capitalize()}"}
        assert one.post(f"{server.url}/api/logout").ok
        assert one.get(f"{server.url}/api/profile").status_code == 401, "logged out"
        assert two.get(f"{server.url}/api/profile").status_code == 200, "one user's logout ended another's session"
    finally:
        server.stop()


def _signed_cookie_cart_app() -> Flask:
    """A cart kept in Flask's signed session cookie: signed, and still lost under concurrency."""
    app = Flask("signed_cart")
    app.secret_key = random_word("key-") * 4

    @app.route("/shop/basket", methods=["GET", "POST"])
    def basket():
        if request.method == "POST":
            session["items"] = session.get("items", []) + [request.get_json()["item"]]
        return jsonify({"cart": session.get("items", [])}), 201 if request.method == "POST" else 200

    return app


def _server_cart_app() -> Flask:
    """A cart on the server, changed under a lock: nothing is lost."""
    app = Flask("server_cart")
    carts: dict[str, list[str]] = {}
    lock = threading.Lock()

    @app.route("/shop/basket", methods=["GET", "POST"])
    def basket():
        cart_id = request.cookies.get("cart_id") or random_word("cart")
        with lock:
            if request.method == "POST":
                carts.setdefault(cart_id, []).append(request.get_json()["item"])
            items = list(carts.get(cart_id, []))
        response = jsonify({"cart": items})
        response.set_cookie("cart_id", cart_id, httponly=True, samesite="Lax")
        return response, 201 if request.method == "POST" else 200

    return app


@hidden_test("08.2")
def the_probe_works_on_another_app_and_path(ns):
    probe = ns["probe_cart_lost_update"]
    for make, lossy in ((_signed_cookie_cart_app, True), (_server_cart_app, False)):
        server = serve(make())
        try:
            result = original(
                probe(Target(parse_target(server.url, allow_remote=False), max_requests=20), "/shop/basket")
            )
        finally:
            server.stop()
        if lossy:
            assert type(result) is Finding, "a cart in a signed cookie loses items too: signing is not locking"
            assert plain(result.route, "the Finding's route") == "/shop/basket"
        else:
            assert result is None, "a cart on the server, changed under a lock, loses nothing"
