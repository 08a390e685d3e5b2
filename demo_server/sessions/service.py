"""Server-side sessions (lesson 03): configuration keys and the app's store.

Pass any of these to ``create_app({...})`` or ``demo_server.start(...)``:

SERVER_SESSION_STORE             "sqlite" (default) or "memory"
SERVER_SESSION_SQLITE_PATH       ":memory:" (default: private to the app, never on disk),
                                 or a file path to share sessions between processes
                                 (lesson 07's STORE URL says the same and more, Redis
                                 included: see demo_server.scale.shared_store)
SERVER_SESSION_IDLE_TIMEOUT      seconds without a request before a session ends (900)
SERVER_SESSION_ABSOLUTE_TIMEOUT  seconds after login when it ends anyway (28800 = 8 h)
SERVER_SESSION_SECURE_COOKIE     False (default): cookie "sid". True: cookie
                                 "__Host-sid" with Secure, for a server behind https

The names avoid Flask's own SESSION_* keys, which configure its signed
cookie session (lesson 02).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from demo_server import context
from demo_server.sessions.stores import ExpiryPolicy, build_store

DEFAULTS: dict[str, Any] = {
    "SERVER_SESSION_IDLE_TIMEOUT": 15 * 60,
    "SERVER_SESSION_ABSOLUTE_TIMEOUT": 8 * 60 * 60,
    "SERVER_SESSION_SECURE_COOKIE": False,
}


def init_app(app: Flask) -> None:
    """Give the app its session store (``context.session_store()``), on the app's clock,
    in the shared store the config names (``context.shared_store()``, opened first)."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    policy = ExpiryPolicy(
        idle_timeout=app.config["SERVER_SESSION_IDLE_TIMEOUT"],
        absolute_timeout=app.config["SERVER_SESSION_ABSOLUTE_TIMEOUT"],
    )
    shared = context.shared_store(app)
    app.extensions[context.SESSION_STORE] = build_store(shared.location, policy, context.clock(app), shared.redis)
