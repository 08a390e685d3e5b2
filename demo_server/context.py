"""Things a view needs from the running app, in one place."""

from __future__ import annotations

from flask import current_app


def clock():
    """The app's injected clock (see demo_server.clock)."""
    return current_app.extensions["demo_clock"]
