"""The application factory (in the style of Flask's tutorial: importing does nothing)."""

from __future__ import annotations

import secrets
from functools import cache
from typing import Any, Mapping

from flask import Flask, jsonify

from demo_server import context, mistakes, users
from demo_server.basics import views as basics
from demo_server.browser import bank_views
from demo_server.browser import service as browser_service
from demo_server.browser import views as browser
from demo_server.clock import ManualClock
from demo_server.cookies import views as cookies
from demo_server.scale import keyset, shared_store
from demo_server.sessions import service as sessions_service
from demo_server.sessions import views as sessions
from demo_server.signed import views as signed
from demo_server.signed.clocked_session import ClockedSessionInterface
from demo_server.tokens import service as tokens_service
from demo_server.tokens import views as tokens
from demo_server.vulnerable import insecure_blueprints
from demo_server.vulnerable.labels import ASVS_VERSION, label_of
from demo_server.web import input_layer
from demo_server.web.errors import register_error_handlers
from demo_server.web.url_rules import LazilyBuiltRule

DEFAULT_CONFIG: dict[str, Any] = {
    # Deliberately vulnerable endpoints exist only when this is True.
    "INSECURE_DEMOS": False,
    # The clock every expiry uses; None means a fresh ManualClock at DEMO_EPOCH.
    "CLOCK": None,
    # Refuse request bodies above 64 KiB with a 413 instead of reading them.
    "MAX_CONTENT_LENGTH": 64 * 1024,
    # Where sessions (and, on Redis, the JWT deny-list and refresh families) live: memory,
    # sqlite:///PATH, redis, redis://HOST:PORT/DB (demo_server.scale.store_url). None: lesson
    # 03's SERVER_SESSION_STORE / SERVER_SESSION_SQLITE_PATH, by default SQLite in memory.
    "STORE": None,
    # A name for this process (lesson 07 runs several): every answer says it in X-Served-By.
    "INSTANCE_NAME": None,
    # A key set file every process loads (demo_server.scale.keyset): SECRET_KEY,
    # SECRET_KEY_FALLBACKS and the JWT keys come from it. None: keys of this app alone.
    "KEY_SET": None,
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build a demo server app; ``config`` overrides DEFAULT_CONFIG and Flask's own keys."""
    # It serves no files (no /static route); its folders are looked up once per process.
    app = Flask("demo_server", static_folder=None, **_flask_folders())
    app.url_rule_class = LazilyBuiltRule  # URL builders written on first use: a quicker start()
    app.config.update(DEFAULT_CONFIG)
    # A fresh random key per app unless a lesson passes a seeded demo key
    # (see demo_server.keys) to get the same signed cookies on every run.
    app.config["SECRET_KEY"] = secrets.token_bytes(32)
    if config:
        unknown_type = [key for key in config if not isinstance(key, str)]
        if unknown_type:
            raise TypeError(f"config keys must be strings, got {unknown_type!r}")
        app.config.update(config)

    # The services every blueprint may use, each set up here and read through demo_server.context.
    app.extensions[context.CLOCK] = app.config["CLOCK"] or ManualClock()
    keyset.init_app(app, config or {})  # keys shared by several processes: KEY_SET (lesson 07)
    users.init_app(app)  # DEMO_USERS, hashed (lessons 03 and 04)
    shared_store.init_app(app)  # where shared state lives: STORE (lesson 07)
    sessions_service.init_app(app)  # the server-side session store (lesson 03)
    tokens_service.init_app(app)  # JWT keys, deny-list and refresh families (lesson 04)
    browser_service.init_app(app)  # request recorder, bank, Flask-WTF's CSRFProtect (lesson 06)
    # Flask's signed session cookie, timestamped by that clock (lesson 02 prints them).
    app.session_interface = ClockedSessionInterface()
    register_error_handlers(app)
    input_layer.init_app(app)  # what no view could represent is refused before any view runs
    if app.config["INSTANCE_NAME"]:
        name = str(app.config["INSTANCE_NAME"])
        app.after_request(lambda response: _served_by(response, name))

    for blueprint in (basics.bp, cookies.bp, signed.bp, tokens.bp, sessions.bp, browser.bp, bank_views.bp):
        app.register_blueprint(blueprint)
    mistakes.init_app(app)  # lesson 05's fixed twins, and the access log
    if app.config["INSECURE_DEMOS"]:
        for blueprint in insecure_blueprints():
            app.register_blueprint(blueprint)

    @app.get("/")
    def index():
        """Every route this server answers, so a learner can look around."""
        routes = sorted(
            {
                rule.rule: sorted(rule.methods - {"HEAD", "OPTIONS"})
                for rule in app.url_map.iter_rules()
                if rule.endpoint != "static"
            }.items()
        )
        return jsonify({"routes": [{"path": path, "methods": methods} for path, methods in routes]})

    @app.get("/insecure")
    def insecure_index():
        """The deliberately vulnerable routes, what is wrong with each, and its fix."""
        listed = []
        for rule in app.url_map.iter_rules():
            label = label_of(app.view_functions[rule.endpoint])
            if label is not None:
                listed.append({"path": rule.rule, **label.as_dict()})
        return jsonify(
            {
                "enabled": bool(app.config["INSECURE_DEMOS"]),
                "asvs_version": ASVS_VERSION,
                "routes": sorted(listed, key=lambda r: r["path"]),
            }
        )

    return app


@cache
def _flask_folders() -> dict[str, str]:
    """Flask's own root and instance folders for this package (finding them costs more than the
    rest of Flask(), on every app)."""
    probe = Flask("demo_server", static_folder=None)
    return {"root_path": probe.root_path, "instance_path": probe.instance_path}


def stop_services(app: Flask) -> None:
    """Release what the app holds outside itself (Redis connections, an embedded Redis server).

    ``serve_app`` also serves apps that ``create_app`` did not build (lesson 08 serves the
    learner's own Flask app): those hold no shared store, so there is nothing to release."""
    store = app.extensions.get(context.SHARED_STORE)
    if store is not None:
        store.close()


def _served_by(response, name: str):
    response.headers["X-Served-By"] = name
    return response
