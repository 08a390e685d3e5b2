"""The passive observer of lesson 05: it relays bytes and keeps a copy, in order, both ways."""

from __future__ import annotations

import pytest
import requests

import demo_server
from course import new_client
from course.lessons.recording_proxy import RecordingProxy, readable_lines
from course.lessons.tls import local_tls

from .auth import ALICE


@pytest.fixture
def observer(live_server):
    proxy = RecordingProxy(live_server.port)
    yield proxy
    proxy.stop()


def test_plain_http_goes_through_and_is_recorded(observer):
    client = new_client()
    answer = client.post(observer.url() + "/sessions/login", json=ALICE)
    assert answer.status_code == 200
    client.get(observer.url() + "/sessions/me")
    wire = observer.captured()
    assert ALICE["password"].encode() in observer.requests_seen()
    assert b"Set-Cookie: sid=" in observer.captured("server → client")
    assert wire.index(b"POST /sessions/login") < wire.index(b"Set-Cookie") < wire.index(b"GET /sessions/me")


def test_the_transcript_marks_directions_and_masks_session_ids(observer):
    client = new_client()
    client.post(observer.url() + "/sessions/login", json=ALICE)
    client.get(observer.url() + "/sessions/me")
    lines = observer.transcript("HTTP/1.1", "Cookie")
    assert lines[0] == ">>> POST /sessions/login HTTP/1.1"
    assert lines[1] == "<<< HTTP/1.1 200 OK"
    assert any(line.startswith("<<< Set-Cookie: sid=<session ID>;") for line in lines)
    assert ">>> Cookie: sid=<session ID>" in lines
    assert not any(client.cookies["sid"] in line for line in lines)


def test_readable_lines_filters_and_masks():
    data = b"GET / HTTP/1.1\r\nCookie: sid=" + b"A" * 43 + b"\r\nAccept: */*\r\n\r\n"
    assert readable_lines(data, "Cookie") == ["Cookie: sid=<session ID>"]
    assert len(readable_lines(data)) == 3


def test_over_tls_the_observer_sees_no_plain_text(live_server):
    tls = local_tls()
    https = demo_server.serve_app(live_server.app, tls=tls.server_context())
    proxy = RecordingProxy(https.port)
    try:
        answer = requests.post(proxy.url("https") + "/sessions/login", json=ALICE, verify=tls.ca_file, timeout=5)
        assert answer.status_code == 200
        wire = proxy.captured()
        assert wire[0] == 0x16  # a TLS handshake record
        assert ALICE["password"].encode() not in wire and b"sid=" not in wire and b"HTTP/1.1" not in wire
    finally:
        proxy.stop()
        https.stop()
        tls.close()


def test_clear_and_stop(observer):
    new_client().get(observer.url() + "/health")
    assert observer.captured()
    observer.clear()
    assert observer.captured() == b""
    observer.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        new_client().get(observer.url() + "/health", timeout=2)
    observer.stop()  # twice is fine
