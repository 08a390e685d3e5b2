"""start()/stop(): a background server on loopback that is safe to start twice."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys

import pytest
import requests

import demo_server
from demo_server import context


def test_start_answers_on_loopback(live_server):
    assert live_server.url.startswith("http://127.0.0.1:")
    assert requests.get(live_server.url + "/health").json() == {"status": "ok"}


def test_start_again_returns_the_same_server(live_server):
    assert demo_server.start() is live_server
    assert demo_server.start().url == live_server.url
    assert demo_server.current() is live_server


def test_start_with_other_settings_restarts(live_server, capsys):
    other = demo_server.start(INSECURE_DEMOS=True)
    try:
        assert other is not live_server
        assert not live_server.running
        assert "Restarting the demo server" in capsys.readouterr().out
    finally:
        other.stop()


def test_stop_frees_the_port(live_server):
    port = live_server.port
    live_server.stop()
    assert not live_server.running
    assert demo_server.current() is None
    with socket.socket() as probe:
        # SO_REUSEADDR, as every server sets it: closed connections may linger in
        # TIME_WAIT, but nothing may be listening any more.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))  # raises if still in use
    live_server.stop()  # a second stop is harmless


def test_binds_loopback_only(live_server):
    bound_host, _ = live_server._server.socket.getsockname()
    assert bound_host == "127.0.0.1"
    other_addresses = _non_loopback_addresses()
    for address in other_addresses:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            assert probe.connect_ex((address, live_server.port)) != 0, f"reachable on {address}"


def test_clock_is_the_apps_clock(live_server):
    assert live_server.clock is live_server.app.extensions[context.CLOCK]
    before = live_server.clock.now()
    live_server.clock.advance(90)
    assert live_server.clock.now() == before + 90


def test_request_log_is_quiet(live_server, capfd):
    requests.get(live_server.url + "/health")
    requests.get(live_server.url + "/no-such-page")
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_runs_as_its_own_process():
    # With faulthandler on, a SIGABRT makes a process that will not end print where every thread is.
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "demo_server", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("Serving on http://127.0.0.1:")
        url = line.removeprefix("Serving on ")
        assert requests.get(url + "/health", timeout=5).json() == {"status": "ok"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            # As it did once, in a clean clone, when a SIGTERM landed in another thread (fixed): say where.
            process.send_signal(signal.SIGABRT)
            stacks = process.communicate(timeout=10)[1]
            pytest.fail(f"python -m demo_server did not end within 10 s of SIGTERM; its threads:\n{stacks[-6000:]}")
        finally:
            process.kill()
            process.communicate()
    assert process.returncode == 0, f"SIGTERM should end it cleanly, not with {process.returncode}"


# Blocked in the main thread, so the operating system hands SIGTERM to the other thread: Python
# still runs its handler in the main thread, but only once that thread wakes from its select().
SIGTERM_TO_ANOTHER_THREAD = """
import runpy, signal, sys, threading
threading.Thread(target=threading.Event().wait, daemon=True).start()
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
sys.argv = ["demo_server", "--port", "0"]
runpy.run_module("demo_server", run_name="__main__")
"""


def test_a_sigterm_that_another_thread_receives_still_stops_the_process():
    process = subprocess.Popen([sys.executable, "-c", SIGTERM_TO_ANOTHER_THREAD], stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip().removeprefix("Serving on ")
        assert requests.get(url + "/health", timeout=5).status_code == 200  # its loop is waiting now
        process.terminate()
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.communicate()


@pytest.mark.parametrize("port", ["-1", "70000"])
def test_process_mode_rejects_bad_ports(port):
    result = subprocess.run([sys.executable, "-m", "demo_server", "--port", port], capture_output=True, text=True)
    assert result.returncode == 2
    assert "--port must be between 0 and 65535" in result.stderr


def _non_loopback_addresses() -> list[str]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return sorted({info[4][0] for info in infos if not info[4][0].startswith("127.")})


@pytest.mark.parametrize(
    ("raw_request", "expected_status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/9.9\r\n\r\n", 505),  # HTTP Version Not Supported is the one right answer
        (b"GET /health HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n", 431),
    ],
    ids=["no-http-version", "unknown-version", "header-too-long"],
)
def test_malformed_http_gets_a_json_error(live_server, raw_request, expected_status):
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=5) as connection:
        connection.sendall(raw_request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert int(head.split()[1]) == expected_status, head
    assert b"Content-Type: application/json" in head
    assert json.loads(body)["error"]
