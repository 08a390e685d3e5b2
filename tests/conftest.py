"""Shared fixtures: a fresh app (and clock) per test, as in Flask's tutorial."""

from __future__ import annotations

import pytest

from demo_server import ManualClock, create_app


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def app(clock):
    return create_app({"TESTING": True, "CLOCK": clock})


@pytest.fixture
def insecure_app(clock):
    return create_app({"TESTING": True, "CLOCK": clock, "INSECURE_DEMOS": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def insecure_client(insecure_app):
    return insecure_app.test_client()


@pytest.fixture
def live_server():
    """A real background server (stopped after the test)."""
    import demo_server

    demo_server.stop()
    server = demo_server.start()
    yield server
    server.stop()
