"""Every route answers bad input with a 4xx JSON error, never a 500.

The routes are discovered by walking the URL map of an app with every
blueprint registered (insecure ones included), so a new endpoint is covered
the moment it exists.
"""

from __future__ import annotations

import pytest

from demo_server import create_app
from demo_server.vulnerable.cookies import ARTICLE_ERROR_BODIES

BAD_BODIES = {
    "malformed JSON": dict(data=b'{"username": "admin", ', content_type="application/json"),
    "wrong content type": dict(data=b"username=admin&password=1234", content_type="application/x-www-form-urlencoded"),
    "JSON that is not an object": dict(data=b'["admin", "1234"]', content_type="application/json"),
    "missing fields": dict(data=b"{}", content_type="application/json"),
    "wrong field types": dict(
        data=b'{"username": 1, "password": null, "item": [], "token": 5}', content_type="application/json"
    ),
    "non-UTF-8 bytes": dict(data=b'{"username": "\xff\xfe"}', content_type="application/json"),
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


def _assert_json_error_or_success(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code} {response.get_data(as_text=True)[:200]}"
    if response.status_code >= 400:
        assert response.is_json, f"{what}: error is not JSON: {response.get_data(as_text=True)[:200]}"
        if (
            response.status_code == 401
            and response.request.path.startswith("/seed/")
            and response.json in ARTICLE_ERROR_BODIES
        ):
            return  # the seed blueprint answers word for word as the article's code did
        assert isinstance(response.json.get("error"), str) and response.json["error"], f"{what}: no error message"


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_bad_bodies_never_give_a_500(every_app_client, method, path):
    baseline = every_app_client.open(path, method=method)
    for name, body in BAD_BODIES.items():
        response = every_app_client.open(path, method=method, **body)
        _assert_json_error_or_success(response, f"{method} {path} with {name}")
        if method in ("POST", "PUT", "PATCH") and response.status_code < 400:
            # Only a route that ignores its body may accept a bad one.
            assert response.status_code == baseline.status_code, f"{method} {path} accepted {name}"


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_bad_headers_never_give_a_500(every_app_client, method, path):
    for name, headers in BAD_HEADERS.items():
        response = every_app_client.open(path, method=method, headers=headers)
        _assert_json_error_or_success(response, f"{method} {path} with {name}")


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
