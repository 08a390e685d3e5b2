"""The HTTP server under the demo app: idle connections end, threads are bounded, stop() is quick.

Timeouts and limits are made small here so the tests take a second, not the defaults' minutes.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from demo_server import create_app, serve_app
from demo_server.wsgi_server import DemoWSGIServer, PortInUse

SHORT_TIMEOUT = 1.0  # long enough to open 30 connections on a loaded machine, short enough to wait for


def _half_open(server, count: int) -> list[socket.socket]:
    """Connections that send half a request line and then nothing, as a slow or vanished client does."""
    connections = []
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        connection.sendall(b"GET /health HTTP/1.1\r\nHo")
        connections.append(connection)
    return connections


def _wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def _handler_threads() -> int:
    # Werkzeug's handler threads are plain threads named Thread-N (process_request_thread).
    return sum(1 for thread in threading.enumerate() if "process_request_thread" in thread.name)


@pytest.fixture
def short_timeout_server():
    server = serve_app(create_app(), idle_timeout=SHORT_TIMEOUT, max_connections=1000)
    yield server
    server.stop()


def test_half_open_connections_let_go_of_their_threads_after_the_idle_timeout(short_timeout_server):
    server = short_timeout_server
    connections = _half_open(server, 30)
    try:
        assert _wait_for(lambda: server._server.open_connections == 30), "each connection is served by a thread"
        assert _handler_threads() >= 30
        assert _wait_for(lambda: server._server.open_connections == 0), "the idle timeout ended none of them"
        assert _wait_for(lambda: _handler_threads() == 0)
        # The server cut them off: each reads the end of the connection.
        assert all(connection.recv(100) == b"" for connection in connections)
    finally:
        for connection in connections:
            connection.close()
    assert requests.get(server.url + "/health", timeout=5).status_code == 200


def test_a_flood_of_silent_connections_holds_no_more_threads_than_the_limit_and_blocks_no_one():
    # A long idle timeout: what ends the silent connections here is the limit, not the timeout.
    server = serve_app(create_app(), max_connections=5)
    connections = _half_open(server, 25)
    try:
        # Each arrival ended the connection open the longest: the first 20 see the end at once.
        assert all(connection.recv(100) == b"" for connection in connections[:20])
        # The ended ones' threads are on their way out; then 5 threads serve the last 5, and stay 5.
        assert _wait_for(lambda: _handler_threads() == 5)
        for _ in range(30):
            assert server._server.open_connections == 5 and _handler_threads() == 5
            time.sleep(0.01)
        # And an ordinary request is answered now, not after the 10 s idle timeout (requests gives up at 5 s).
        assert requests.get(server.url + "/health", timeout=5).status_code == 200
    finally:
        for connection in connections:
            connection.close()
        server.stop()


def test_an_ordinary_request_is_not_cut_off(short_timeout_server):
    # A request that arrives in pieces, each within the timeout, is answered.
    with socket.create_connection(("127.0.0.1", short_timeout_server.port), timeout=5) as connection:
        for piece in (b"GET /health HTTP/1.1\r\n", b"Host: demo\r\n", b"\r\n"):
            connection.sendall(piece)
            time.sleep(SHORT_TIMEOUT / 3)
        assert connection.recv(100).startswith(b"HTTP/1.1 200")


def test_stop_ends_the_connections_still_open():
    server = serve_app(create_app())  # default idle timeout: the stop, not the timeout, must end them
    connections = _half_open(server, 5)
    try:
        assert _wait_for(lambda: server._server.open_connections == 5)
        server.stop()  # how fast: bench/run.py measures it
        # Ended by the stop: waiting for the 10 s idle timeout would outlast the 5 s socket timeout here.
        assert all(connection.recv(100) == b"" for connection in connections)
        assert _wait_for(lambda: _handler_threads() == 0)
    finally:
        for connection in connections:
            connection.close()


def test_limits_must_make_sense():
    app = create_app()
    for bad in ({"idle_timeout": 0}, {"max_connections": 0}):
        with pytest.raises(ValueError, match="idle_timeout must be positive"):
            DemoWSGIServer("127.0.0.1", 0, app, **bad)


def test_with_tls_a_silent_client_does_not_stop_the_others():
    # werkzeug's TLS socket would run each handshake inside accept(), in the accept loop itself.
    import ssl

    app = create_app()
    server = DemoWSGIServer("127.0.0.1", 0, app, idle_timeout=SHORT_TIMEOUT, ssl_context="adhoc")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client_side = ssl.create_default_context()
    client_side.check_hostname, client_side.verify_mode = False, ssl.CERT_NONE  # werkzeug's throwaway certificate
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=5) as silent:
            with socket.create_connection(("127.0.0.1", server.server_port), timeout=5) as raw:
                with client_side.wrap_socket(raw) as tls:
                    tls.sendall(b"GET /health HTTP/1.1\r\nHost: demo\r\n\r\n")
                    assert tls.recv(100).startswith(b"HTTP/1.1 200")
            assert silent.recv(100) == b"", "the silent connection outlived the idle timeout"
    finally:
        server.shutdown()
        thread.join()


def test_a_port_in_use_is_one_clear_error_not_a_system_exit():
    import subprocess
    import sys

    import demo_server

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        with pytest.raises(PortInUse, match=rf"port {port} on 127.0.0.1 is in use by another program") as caught:
            demo_server.start(port=port)
        assert caught.value._render_traceback_() == [f"\x1b[0;31mPortInUse\x1b[0m: {caught.value}"]
        process = subprocess.run(
            [sys.executable, "-m", "demo_server", "--port", str(port)], capture_output=True, text=True, timeout=60
        )
        assert process.returncode == 1 and process.stdout == ""
        assert process.stderr.strip().splitlines() == [f"python -m demo_server: {caught.value}"]
    finally:
        taken.close()
    server = demo_server.start(port=port)  # free again: the failed start left nothing behind
    try:
        assert requests.get(f"{server.url}/", timeout=5).status_code == 200
    finally:
        server.stop()
