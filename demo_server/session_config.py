"""Server-side sessions (lesson 03): configuration keys and per-app setup.

Pass any of these to ``create_app({...})`` or ``demo_server.start(...)``:

SERVER_SESSION_STORE             "sqlite" (default) or "memory"
SERVER_SESSION_SQLITE_PATH       ":memory:" (default: private to the app, never on disk),
                                 or a file path to share sessions between processes
SERVER_SESSION_IDLE_TIMEOUT      seconds without a request before a session ends (900)
SERVER_SESSION_ABSOLUTE_TIMEOUT  seconds after login when it ends anyway (28800 = 8 h)
SERVER_SESSION_SECURE_COOKIE     False (default): cookie "sid". True: cookie
                                 "__Host-sid" with Secure, for a server behind https
PASSWORD_HASH_METHOD             werkzeug method for DEMO_USERS' hashes ("scrypt:16384:8:1")

The names avoid Flask's own SESSION_* keys, which configure its signed
cookie session (lesson 02).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from .stores import SessionStore, build_store
from .users import DEFAULT_PASSWORD_HASH_METHOD, DEMO_USERS, UserDirectory

DEFAULTS: dict[str, Any] = {
    "SERVER_SESSION_STORE": "sqlite",
    "SERVER_SESSION_SQLITE_PATH": ":memory:",
    "SERVER_SESSION_IDLE_TIMEOUT": 15 * 60,
    "SERVER_SESSION_ABSOLUTE_TIMEOUT": 8 * 60 * 60,
    "SERVER_SESSION_SECURE_COOKIE": False,
    "PASSWORD_HASH_METHOD": DEFAULT_PASSWORD_HASH_METHOD,
}
STORE_EXTENSION = "server_sessions"
USERS_EXTENSION = "demo_users"


def init_app(app: Flask) -> None:
    """Give the app its store and users (once; both session blueprints call this)."""
    if STORE_EXTENSION in app.extensions:
        return
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.extensions[STORE_EXTENSION] = build_store(app.config, app.extensions["demo_clock"])
    app.extensions[USERS_EXTENSION] = UserDirectory(DEMO_USERS, app.config["PASSWORD_HASH_METHOD"])


def store_of(app: Flask) -> SessionStore:
    """The app's session store (a notebook reads it as ``store_of(server.app)``)."""
    return app.extensions[STORE_EXTENSION]


def users_of(app: Flask) -> UserDirectory:
    return app.extensions[USERS_EXTENSION]


def session_store() -> SessionStore:
    """The current app's store, inside a request."""
    return store_of(current_app)


def user_directory() -> UserDirectory:
    return users_of(current_app)
