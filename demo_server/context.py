"""The app's services, one accessor each: the clock, the users, the session store, the tokens,
the shared store they may keep state in, and lesson 06's request recorder and bank.

``create_app`` installs every one of them (see ``demo_server.app``), the way
Flask's tutorial calls ``db.init_app(app)``. Inside a request, views call
``clock()``, ``users()``, ``session_store()`` or ``token_service()``; outside
one, pass the app (``session_store(app)``), or use ``server.store``,
``server.users`` and ``server.tokens`` on a running ``DemoServer``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:
    from demo_server.browser.bank import Bank
    from demo_server.browser.recorder import Recorder
    from demo_server.clock import Clock
    from demo_server.scale.keyset import KeySet
    from demo_server.scale.shared_store import SharedStore
    from demo_server.sessions.stores import SessionStore
    from demo_server.tokens.service import TokenService
    from demo_server.users import UserDirectory

# Keys in app.extensions, one per service.
CLOCK = "demo_server.clock"
USERS = "demo_server.users"
SESSION_STORE = "demo_server.session_store"
TOKENS = "demo_server.tokens"
SHARED_STORE = "demo_server.shared_store"
KEY_SET = "demo_server.key_set"
RECORDER = "demo_server.browser_recorder"
BANK = "demo_server.bank"


def clock(app: Flask | None = None) -> Clock:
    """The app's injected clock (see demo_server.clock)."""
    return _service(CLOCK, app)


def users(app: Flask | None = None) -> UserDirectory:
    """The app's user directory: DEMO_USERS with hashed passwords (see demo_server.users)."""
    return _service(USERS, app)


def session_store(app: Flask | None = None) -> SessionStore:
    """The app's server-side session store (lesson 03, see demo_server.sessions)."""
    return _service(SESSION_STORE, app)


def token_service(app: Flask | None = None) -> TokenService:
    """The app's JWT keys and token stores (lesson 04, see demo_server.tokens)."""
    return _service(TOKENS, app)


def shared_store(app: Flask | None = None) -> SharedStore:
    """Where shared state lives (STORE), and the Redis connection if it is Redis (lesson 07)."""
    return _service(SHARED_STORE, app)


def key_set(app: Flask | None = None) -> KeySet | None:
    """The shared key set the app loaded (KEY_SET, lesson 07), or None."""
    return (app or current_app).extensions.get(KEY_SET)


def recorder(app: Flask | None = None) -> Recorder:
    """What reached the server's recording routes (lesson 06, see demo_server.browser.recorder)."""
    return _service(RECORDER, app)


def bank(app: Flask | None = None) -> Bank:
    """The accounts lesson 06 attacks (see demo_server.browser.bank)."""
    return _service(BANK, app)


def _service(key: str, app: Flask | None):
    return (app or current_app).extensions[key]
