"""show(): an HTTP exchange as a transcript (text/plain) and highlighted HTML."""

from __future__ import annotations

import pytest
import requests

from course import new_client, show


@pytest.fixture
def exchange(live_server):
    client = new_client()
    client.get(live_server.url + "/remember?name=Ada")
    return show(client.post(live_server.url + "/echo", json={"a": 1}))


def test_transcript_shows_request_and_response(exchange, live_server):
    text = repr(exchange)
    lines = text.splitlines()
    assert lines[0] == ">>> POST /echo HTTP/1.1"
    assert f"    Host: {live_server.url.removeprefix('http://')}" in lines
    assert "    Cookie: name=Ada" in lines
    assert "<<< 200 OK" in lines
    assert "    Date: Thu, 01 Jan 2026 09:00:00 GMT" in lines
    assert '      "a": 1' in lines  # JSON bodies pretty-printed


def test_transport_headers_hidden_unless_asked(live_server):
    response = new_client().get(live_server.url + "/health")
    assert "Connection:" not in repr(show(response))
    assert "Connection: close" in repr(show(response, transport_headers=True))


def test_html_highlights_cookie_headers(exchange):
    html = exchange._repr_html_()
    assert '<mark style="background:#fff3b0;color:#000">    Cookie: name=Ada</mark>' in html
    assert "<pre" in html


def test_repeated_set_cookie_headers_stay_apart():
    from flask import Response

    from demo_server import create_app, serve_app

    app = create_app()

    @app.get("/two-cookies")
    def two_cookies():
        response = Response("ok")
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response

    server = serve_app(app)
    try:
        lines = repr(show(new_client().get(server.url + "/two-cookies"))).splitlines()
    finally:
        server.stop()
    assert "    Set-Cookie: a=1; Path=/" in lines
    assert "    Set-Cookie: b=2; Path=/" in lines


def test_show_refuses_other_things():
    with pytest.raises(TypeError, match="takes the response of a requests call"):
        show("GET /")


def test_new_client_sends_stable_headers(live_server):
    echoed = new_client().get(live_server.url + "/echo").json()["headers"]
    assert echoed["User-Agent"] == "sessions-live-notebook"
    assert echoed["Accept-Encoding"] == "identity"


def test_binary_bodies_are_summarised(live_server):
    response = requests.Response()
    response.status_code = 200
    response._content = b"\xff\xfe\x00"
    response.request = requests.Request("GET", live_server.url + "/x").prepare()
    assert "<3 bytes of binary data>" in repr(show(response))
