"""Every route answers bad input with a 4xx JSON error, never a 500.

The routes are discovered by walking the URL map of an app with every
blueprint registered (insecure ones included), so a new endpoint is covered
the moment it exists.
"""

from __future__ import annotations

import json
import socket

import pytest

from demo_server import create_app
from demo_server.web.base64url import b64url_encode

from .auth import AuthActions
from .json_errors import assert_json_error_or_success

# Every field any JSON route reads.
FIELD_NAMES = [
    b"username",
    b"password",
    b"name",
    b"value",
    b"item",
    b"current_password",
    b"new_password",
    b"refresh_token",
    b"token",
]
BAD_BODIES = {
    "malformed JSON": dict(data=b'{"username": "admin", ', content_type="application/json"),
    "wrong content type": dict(data=b"username=admin&password=1234", content_type="application/x-www-form-urlencoded"),
    "JSON that is not an object": dict(data=b'["admin", "1234"]', content_type="application/json"),
    "missing fields": dict(data=b"{}", content_type="application/json"),
    "wrong field types": dict(
        data=b'{"username": 1, "password": null, "item": [], "token": 5}', content_type="application/json"
    ),
    "non-UTF-8 bytes": dict(data=b'{"username": "\xff\xfe"}', content_type="application/json"),
    # What Python's json module accepts but the server cannot represent or safely handle (web/strict_json.py).
    "a lone surrogate in every field": dict(
        data=b"{%s}" % b", ".join(b'"%s": "\\ud800"' % name for name in FIELD_NAMES), content_type="application/json"
    ),
    "arrays nested 1,000 deep": dict(data=b"[" * 1000 + b"]" * 1000, content_type="application/json"),
    "objects nested 1,000 deep": dict(data=b'{"a": ' * 1000 + b"1" + b"}" * 1000, content_type="application/json"),
    "NaN": dict(data=b'{"username": NaN, "max_age": NaN}', content_type="application/json"),
    "a 5,000-digit number": dict(data=b'{"max_age": %s}' % (b"9" * 5000), content_type="application/json"),
    "a number beyond a float": dict(data=b'{"max_age": 1e999}', content_type="application/json"),
}
BAD_HEADERS = {
    "garbage cookie": {"Cookie": "session=%%%not-a-session%%%; user=\x7f"},
    "garbage bearer token": {"Authorization": "Bearer not.a.jwt"},
    "garbage authorization": {"Authorization": "Basic ::::"},
}


def _all_routes():
    app = create_app({"INSECURE_DEMOS": True})
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = rule.rule
        for argument in rule.arguments:
            converter = rule._converters[argument].__class__.__name__
            path = path.replace(f"<{argument}>", "garbage")
            path = path.replace(f"<int:{argument}>", "999999")
            path = path.replace(f"<path:{argument}>", "garbage/path")
            path = path.replace(f"<string:{argument}>", "garbage")
            assert "<" not in path, f"unhandled converter {converter} in {rule.rule}"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path


ROUTES = sorted(set(_all_routes()))


@pytest.fixture(scope="module")
def every_app_client():
    # use_cookies=False: otherwise the test client replaces our raw Cookie headers with its jar.
    return create_app({"INSECURE_DEMOS": True}).test_client(use_cookies=False)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_bad_bodies_never_give_a_500(every_app_client, method, path):
    baseline = every_app_client.open(path, method=method)
    for name, body in BAD_BODIES.items():
        response = every_app_client.open(path, method=method, **body)
        assert_json_error_or_success(response, f"{method} {path} with {name}")
        if method in ("POST", "PUT", "PATCH") and response.status_code < 400:
            # Only a route that ignores its body may accept a bad one.
            assert response.status_code == baseline.status_code, f"{method} {path} accepted {name}"


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_bad_headers_never_give_a_500(every_app_client, method, path):
    for name, headers in BAD_HEADERS.items():
        response = every_app_client.open(path, method=method, headers=headers)
        assert_json_error_or_success(response, f"{method} {path} with {name}")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_oversized_cookie_is_refused(every_app_client, method, path):
    response = every_app_client.open(path, method=method, headers={"Cookie": "session=" + "A" * 8192})
    assert response.status_code == 431
    assert "4096" in response.json["error"] or "8192" in response.json["error"]


def test_oversized_body_is_refused(every_app_client):
    response = every_app_client.post("/echo", data=b"x" * (65 * 1024), content_type="text/plain")
    assert response.status_code == 413
    assert response.json["error"]


def test_unknown_route_and_method_are_json(every_app_client):
    assert every_app_client.get("/no-such-page").status_code == 404
    assert "error" in every_app_client.get("/no-such-page").json
    response = every_app_client.delete("/health")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


# --- what Python's json module accepts and the server cannot represent (demo_server/web/strict_json.py) ---


@pytest.fixture
def logged_in(insecure_app):
    """A client of the insecure app with a lesson-03 session, for routes that check it before the body."""
    client = insecure_app.test_client()
    AuthActions(client).login()
    return client


def _json_routes(app):
    """The POST routes that read a JSON body: they refuse a text/plain one with a 415."""
    client = app.test_client()
    AuthActions(client).login()
    found = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and not rule.arguments:
            if client.post(rule.rule, data="x", content_type="text/plain").status_code == 415:
                found.append(rule.rule)
    return sorted(found)


def test_every_json_route_is_found(insecure_app):
    # /sessions/password reads its body only for a logged-in session, and login again is the fixture's job.
    routes = _json_routes(insecure_app)
    assert {"/sessions/login", "/sessions/cart", "/cookies/set", "/jwt/login", "/vuln/sessions/login"} <= set(routes)
    assert len(routes) >= 12


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/sessions/login", {"username": "alice", "password": "\ud800"}),
        ("/cookies/api/login", {"username": "alice", "password": "\ud800"}),
        ("/cookies/api/login", {"username": "\udfff", "password": "1234"}),
        ("/cookies/set", {"name": "theme", "value": "\ud800"}),
        ("/jwt/login", {"username": "alice", "password": "\ud800"}),
        ("/sessions/password", {"current_password": "\ud800", "new_password": "a new long password"}),
        ("/vuln/sessions/login", {"username": "alice", "password": "\ud800"}),
        ("/sessions/cart", {"\ud800": "key, not value", "item": "tea"}),
    ],
)
def test_a_lone_surrogate_is_refused_before_any_view_sees_it(logged_in, path, body):
    # Werkzeug's test client sends json= with ensure_ascii, so "\ud800" goes out as the escape \ud800.
    response = logged_in.post(path, json=body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "lone surrogate" in response.json["error"]


def test_a_real_character_written_as_a_surrogate_pair_reaches_the_view(logged_in):
    body = b'{"username": "\\ud83d\\ude00", "password": "x"}'  # U+1F600, escaped as JSON writes it
    response = logged_in.post("/sessions/login", data=body, content_type="application/json")
    assert response.status_code == 401 and response.json["error"] == "wrong username or password"


@pytest.mark.parametrize(
    "body",
    [b"[" * 1000 + b"]" * 1000, b'{"a": ' * 1000 + b"1" + b"}" * 1000, b'{"item": ' + b"[" * 33 + b"]" * 33 + b"}"],
    ids=["arrays-1000", "objects-1000", "just-over-the-limit"],
)
def test_deep_json_is_refused_on_every_json_route(insecure_app, body):
    for path in [*_json_routes(insecure_app), "/sessions/password"]:
        client = insecure_app.test_client()
        AuthActions(client).login()
        response = client.post(path, data=body, content_type="application/json")
        assert response.status_code == 400, f"{path}: {response.status_code} {response.get_data(as_text=True)[:200]}"
        assert "nests JSON deeper than 32 levels" in response.json["error"], path


def test_json_within_the_depth_limit_still_reaches_the_view(client):
    # 32 levels parse; the view then says what is wrong with the value, not with the JSON.
    response = client.post(
        "/sessions/cart", data=b'{"item": ' + b"[" * 31 + b"]" * 31 + b"}", content_type="application/json"
    )
    assert response.status_code == 400 and response.json["error"] == "field 'item' must be a string"


@pytest.mark.parametrize("path", ["/jwt/me", "/vuln/jwt/me"])
@pytest.mark.parametrize(
    "header",
    [b"[" * 1000, b'{"alg": "none", "x": ' + b"[" * 1000 + b"]" * 1000 + b"}", b'{"alg": "none", "kid": "\\ud800"}'],
    ids=["brackets-1000", "deep-inside", "lone-surrogate"],
)
def test_a_hostile_jwt_header_is_a_401(insecure_client, path, header):
    token = f"{b64url_encode(header)}.{b64url_encode(b'{}')}."
    response = insecure_client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.get_data(as_text=True)
    assert response.json["error"].startswith(("malformed token", "algorithm"))


# --- bodies of unknown length (Transfer-Encoding: chunked) over a real socket ---


def _post_chunked(server, size: int) -> tuple[int, dict]:
    body = b"x" * size
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i : i + 4096]), body[i : i + 4096]) for i in range(0, size, 4096))
    head = b"POST /echo HTTP/1.1\r\nHost: demo\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(head + chunks + b"0\r\n\r\n")
        # Read by Content-Length: after a 413 the server drains what is left of the body until the
        # client closes, so waiting for the end of the connection would wait for the idle timeout.
        reader = connection.makefile("rb")
        status = int(reader.readline().split()[1])
        length = 0
        while (line := reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, json.loads(reader.read(length))


@pytest.mark.parametrize("size", [64 * 1024 + 1, 200 * 1024])
def test_a_chunked_body_over_the_limit_is_a_413_not_cut_short(live_server, size):
    status, answer = _post_chunked(live_server, size)
    assert status == 413
    assert answer == {"error": "the request body is larger than 65536 bytes"}


def test_a_chunked_body_at_the_limit_arrives_whole(live_server):
    status, answer = _post_chunked(live_server, 64 * 1024)
    assert status == 200 and len(answer["body"]) == 64 * 1024
