"""Lesson 07's load balancer: round robin, sticky cookies, dead backends skipped, 502 when none answers."""

from __future__ import annotations

import socket
import threading

import pytest
import requests

import demo_server
from course.lessons.balancer import start_balancer

from .auth import credentials

FAST = {"PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}


@pytest.fixture
def backends():
    """Three in-process demo servers named a, b, c (each with its own store: nothing is shared)."""
    servers = [demo_server.serve_app(demo_server.create_app({**FAST, "INSTANCE_NAME": name})) for name in "abc"]
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def balancer_of():
    made = []

    def start(backends, **options):
        balancer = start_balancer([server.url for server in backends], **options)
        made.append(balancer)
        return balancer

    yield start
    for balancer in made:
        balancer.stop()


def test_round_robin_takes_turns_and_passes_answers_through(backends, balancer_of):
    balancer = balancer_of(backends)
    client = requests.Session()
    answers = [client.get(f"{balancer.url}/health") for _ in range(4)]
    assert [a.headers["X-Served-By"] for a in answers] == ["a", "b", "c", "a"]
    assert balancer.served_by() == ["backend-1", "backend-2", "backend-3", "backend-1"]
    login = client.post(f"{balancer.url}/sessions/login", json=credentials("alice"))
    assert login.status_code == 200 and "sid" in client.cookies, "the backend's Set-Cookie reaches the client"
    assert client.get(f"{balancer.url}/sessions/me").status_code == 401, "the next backend never heard of it"


def test_sticky_pins_a_client_with_a_cookie_of_its_own(backends, balancer_of):
    balancer = balancer_of(backends, sticky=True)
    client = requests.Session()
    assert client.post(f"{balancer.url}/sessions/login", json=credentials("alice")).status_code == 200
    assert client.cookies["lb"] == "backend-1"
    assert [client.get(f"{balancer.url}/sessions/me").status_code for _ in range(3)] == [200] * 3
    assert balancer.served_by() == ["backend-1"] * 4
    other = requests.Session()
    other.get(f"{balancer.url}/health")
    assert other.cookies["lb"] == "backend-2", "a new client is pinned by round robin"


def test_a_dead_backend_is_skipped_and_a_pinned_client_moves(backends, balancer_of):
    balancer = balancer_of(backends, sticky=True)
    client = requests.Session()
    client.post(f"{balancer.url}/sessions/login", json=credentials("alice"))
    backends[0].stop()
    moved = client.get(f"{balancer.url}/sessions/me")
    assert moved.status_code == 401 and moved.headers["X-Served-By"] == "b", "its process is gone, and its session"
    assert client.cookies["lb"] == "backend-2"
    plain = balancer_of(backends)
    assert [requests.get(f"{plain.url}/health").headers["X-Served-By"] for _ in range(4)] == ["b", "c", "b", "c"]


def test_no_backend_is_a_json_502(backends, balancer_of):
    balancer = balancer_of(backends)
    for server in backends:
        server.stop()
    answer = requests.get(f"{balancer.url}/sessions/me")
    assert answer.status_code == 502 and "no backend answered" in answer.json()["error"]


def test_a_backend_that_hangs_up_is_a_502_and_not_retried(balancer_of):
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def hang_up():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(1)
            connection.recv(65536)
            connection.close()

    threading.Thread(target=hang_up, daemon=True).start()
    port = listener.getsockname()[1]
    balancer = start_balancer([f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}"])
    try:
        answer = requests.post(f"{balancer.url}/sessions/cart", json={"item": "tea"})
        assert answer.status_code == 502 and "did not answer" in answer.json()["error"]
        assert accepted == [1], "a request that reached a backend is not sent again"
    finally:
        balancer.stop()
        listener.close()


def test_query_strings_and_bodies_arrive_intact(backends, balancer_of):
    balancer = balancer_of(backends)
    answer = requests.post(f"{balancer.url}/sessions/cart?x=%20y", json={"item": "tea-1"})
    assert answer.status_code == 201 and answer.json() == {"cart": ["tea-1"]}


def test_only_loopback_backends(balancer_of):
    with pytest.raises(ValueError, match="127.0.0.1"):
        start_balancer(["http://example.com:80"])
    with pytest.raises(ValueError, match="at least one"):
        start_balancer([])


def test_garbled_http_gets_json(backends, balancer_of):
    balancer = balancer_of(backends)
    port = int(balancer.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(b"GARBAGE\r\n\r\n")
        answer = connection.recv(65536)
    assert answer.startswith(b"HTTP/1.1 400") and b"application/json" in answer


def test_starting_a_balancer_again_by_name_replaces_it(backends):
    first = start_balancer([backends[0].url], name="again")
    second = start_balancer([backends[0].url], name="again")
    try:
        assert not first.running and second.running
        assert requests.get(f"{second.url}/health").status_code == 200
    finally:
        second.stop()
