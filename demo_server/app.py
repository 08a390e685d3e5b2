"""The application factory (in the style of Flask's tutorial: importing does nothing)."""

from __future__ import annotations

import secrets
from typing import Any, Mapping

from flask import Flask, jsonify

from .blueprints import insecure_blueprints, secure_blueprints
from .clock import ManualClock
from .cookie_limits import reject_oversized_cookies
from .errors import register_error_handlers
from .insecure import label_of
from .clocked_session import ClockedSessionInterface

DEFAULT_CONFIG: dict[str, Any] = {
    # Deliberately vulnerable endpoints exist only when this is True.
    "INSECURE_DEMOS": False,
    # The clock every expiry uses; None means a fresh ManualClock at DEMO_EPOCH.
    "CLOCK": None,
    # Refuse request bodies above 64 KiB with a 413 instead of reading them.
    "MAX_CONTENT_LENGTH": 64 * 1024,
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build a demo server app; ``config`` overrides DEFAULT_CONFIG and Flask's own keys."""
    app = Flask("demo_server")
    app.config.update(DEFAULT_CONFIG)
    # A fresh random key per app unless a lesson passes a seeded demo key
    # (see demo_server.keys) to get the same signed cookies on every run.
    app.config["SECRET_KEY"] = secrets.token_bytes(32)
    if config:
        unknown_type = [key for key in config if not isinstance(key, str)]
        if unknown_type:
            raise TypeError(f"config keys must be strings, got {unknown_type!r}")
        app.config.update(config)

    app.extensions["demo_clock"] = app.config["CLOCK"] or ManualClock()
    # Flask's signed session cookie, timestamped by that clock (lesson 02 prints them).
    app.session_interface = ClockedSessionInterface()
    register_error_handlers(app)
    app.before_request(reject_oversized_cookies)

    for blueprint in secure_blueprints():
        app.register_blueprint(blueprint)
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
        return jsonify({"enabled": bool(app.config["INSECURE_DEMOS"]), "routes": sorted(listed, key=lambda r: r["path"])})

    return app
