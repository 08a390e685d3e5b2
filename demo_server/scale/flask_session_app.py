"""Lesson 07's side-by-side: the same login and cart on Flask-Session, the library you would use.

Flask-Session (0.8) replaces Flask's signed cookie with a random ID and keeps
``flask.session`` in Redis under ``session:<the ID itself>``. This app serves
lesson 03's routes with it, so the same client code runs against both:

    POST /sessions/login   {"username", "password"}: a new ID (``regenerate``), the cart kept
    GET  /sessions/me      who you are, or 401
    POST /sessions/logout  clears the session (Flask-Session deletes it from Redis)
    GET  /sessions/cart    the cart
    POST /sessions/cart    {"item"}: add one

What the lesson measures: every request loads the whole session, the view
changes the copy, and Flask-Session writes the whole copy back at the end
(``SET``). Two concurrent requests both load the same old cart, and the one
that finishes last overwrites the other's item: a lost update, as with lesson
03's cookie cart, now in Redis. The course's store (demo_server.sessions)
changes the stored record in one atomic step instead.

Config: ``STORE`` (a Redis store URL, or "redis"), ``CLOCK``, ``INSTANCE_NAME``,
``PASSWORD_HASH_METHOD``; Flask-Session's own ``SESSION_*`` keys may be given too.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any, Mapping

import redis
from flask import Flask, jsonify, session
from flask_session import Session
from werkzeug.exceptions import BadRequest, Conflict, Unauthorized

from demo_server import context, users
from demo_server.clock import ManualClock
from demo_server.scale.shared_store import open_store
from demo_server.scale.store_url import REDIS, StoreError, parse_store_url
from demo_server.sessions.views import ITEM_SHAPE, MAX_CART_ITEMS
from demo_server.web.cookie_limits import reject_oversized_cookies
from demo_server.web.errors import register_error_handlers
from demo_server.web.request_input import json_object, string_fields

KEY_PREFIX = "session:"  # Flask-Session's default: the key is this plus the raw session ID
IDLE_TIMEOUT = timedelta(minutes=15)  # the course store's idle timeout, for a fair comparison


def create_flask_session_app(config: Mapping[str, Any] | None = None) -> Flask:
    config = dict(config or {})
    location = parse_store_url(config.pop("STORE", None) or "redis")
    if location.kind != REDIS:
        raise StoreError(f"the Flask-Session app keeps sessions in Redis: give it a Redis store, not {location.kind}")
    app = Flask("flask_session_demo")
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        SESSION_TYPE="redis",
        SESSION_KEY_PREFIX=KEY_PREFIX,
        # A browser-session cookie (no Expires), renewed in Redis on every request: like the course's.
        SESSION_PERMANENT=False,
        PERMANENT_SESSION_LIFETIME=IDLE_TIMEOUT,
        SESSION_COOKIE_SAMESITE="Lax",
        INSTANCE_NAME=None,
    )
    app.config.update(config)
    app.extensions[context.CLOCK] = app.config.get("CLOCK") or ManualClock()  # Date headers (see runner)
    users.init_app(app)

    shared = open_store(location)
    app.extensions[context.SHARED_STORE] = shared
    # Flask-Session reads and writes bytes (msgpack), so it gets a client of its own on the same server.
    client = redis.Redis.from_url(shared.redis_url, socket_timeout=5)
    shared.also_close.append(client.close)
    app.config["SESSION_REDIS"] = client
    Session(app)

    register_error_handlers(app)
    app.before_request(reject_oversized_cookies)
    if app.config["INSTANCE_NAME"]:
        name = str(app.config["INSTANCE_NAME"])

        @app.after_request
        def served_by(response):
            response.headers["X-Served-By"] = name
            return response

    _add_routes(app)
    return app


def _add_routes(app: Flask) -> None:
    @app.get("/health")
    def health():
        return jsonify({"status": "ok"})

    @app.post("/sessions/login")
    def login():
        username, password = string_fields(json_object(), "username", "password")
        if not context.users().verify(username, password):
            raise Unauthorized("wrong username or password")
        cart = session.get("cart", []) if "user" not in session else []
        session.clear()
        session["user"] = username
        session["cart"] = list(cart)
        # Flask-Session's defence against fixation: drop the old ID from Redis, issue a new one.
        app.session_interface.regenerate(session)
        return jsonify({"message": f"logged in as {username}"})

    @app.get("/sessions/me")
    def me():
        return jsonify({"user": _logged_in_user()})

    @app.post("/sessions/logout")
    def logout():
        _logged_in_user()
        session.clear()  # an emptied session is deleted from Redis, and its cookie expired
        return jsonify({"message": "logged out: this session no longer exists in Redis"})

    @app.get("/sessions/cart")
    def cart():
        return jsonify({"cart": session.get("cart", [])})

    @app.post("/sessions/cart")
    def add_to_cart():
        (item,) = string_fields(json_object(), "item")
        if not ITEM_SHAPE.fullmatch(item):
            raise BadRequest("an item is 1 to 40 letters, digits, '-' or '_'")
        items = list(session.get("cart", []))  # this request's copy, loaded when the request began
        if len(items) >= MAX_CART_ITEMS:
            raise Conflict(f"the cart is full ({MAX_CART_ITEMS} items)")
        items.append(item)
        session["cart"] = items  # written back whole when the response goes out: the lost update
        response = jsonify({"cart": items})
        response.status_code = 201
        return response


def _logged_in_user() -> str:
    user = session.get("user")
    if not isinstance(user, str):
        raise Unauthorized("no logged-in session: log in first with POST /sessions/login")
    return user
