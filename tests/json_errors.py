"""What every answer of the demo server must look like to bad input: a success, or a 4xx JSON error."""

from __future__ import annotations

from demo_server.vulnerable.cookies import ARTICLE_ERROR_BODIES


def assert_json_error_or_success(response, what: str) -> None:
    """Never a 5xx; a 4xx is JSON with a non-empty "error" (lesson 01's /seed routes: the article's own bodies)."""
    assert response.status_code < 500, f"{what}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    if response.status_code < 400:
        return
    assert response.mimetype == "application/json", f"{what}: error is not JSON: {response.get_data()[:200]!r}"
    if response.request.method == "HEAD":
        return  # a HEAD answer has the headers of the GET answer and no body
    body = response.get_json(silent=True)
    assert isinstance(body, dict), f"{what}: error is not a JSON object: {response.get_data()[:200]!r}"
    if response.status_code == 401 and response.request.path.startswith("/seed/") and body in ARTICLE_ERROR_BODIES:
        return  # the seed blueprint answers word for word as the article's code did
    assert isinstance(body.get("error"), str) and body["error"], f"{what}: no error message: {body}"
