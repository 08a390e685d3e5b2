"""Mount a view function you wrote on a fresh demo server app, to try it (and to check it).

    app = app_with_view(account, "/exercise/account")
    client = app.test_client()
    client.post("/sessions/login", json={...})
    client.get("/exercise/account")

The app is a complete demo server (lesson 03's sessions, lesson 04's tokens,
lesson 05's fixed twins, no vulnerable twins) on its own manual clock, talked
to through Flask's test client: no port, no network. An error in your view
is raised where you make the request (a ``NotImplementedError`` included,
so an unfinished exercise says so), instead of becoming a 500 answer;
``abort``-style HTTP errors (``Unauthorized(...)``) are JSON answers as usual.
"""

from __future__ import annotations

from typing import Any, Callable

from flask import Flask

from demo_server.app import create_app
from demo_server.clock import ManualClock

# Checks use a cheap (still scrypt) password hash, like the tests; the notebook's server uses the real cost.
QUICK_PASSWORD_HASH = "scrypt:1024:8:1"


def app_with_view(view: Callable, rule: str, methods: tuple[str, ...] = ("GET",), **config: Any) -> Flask:
    """A fresh demo app with ``view`` answering ``methods`` at ``rule``; ``config`` goes to create_app."""
    if not callable(view):
        raise TypeError(f"give the view function itself (no parentheses), not {type(view).__name__}")
    settings = {"TESTING": True, "CLOCK": ManualClock(), "PASSWORD_HASH_METHOD": QUICK_PASSWORD_HASH, **config}
    app = create_app(settings)
    app.add_url_rule(rule, endpoint="exercise", view_func=view, methods=list(methods))
    app.register_error_handler(Exception, _raise_where_the_request_was_made)
    return app


def _raise_where_the_request_was_made(error: Exception):
    # HTTP errors have their own (JSON) handler, which Flask prefers; anything else is a bug in
    # the view, and TESTING=True makes Flask raise it out of the test client's request.
    raise error
