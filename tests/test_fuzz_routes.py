"""Property-based fuzzing of every route in the URL map: whatever a client sends, the server never
answers 500, and every 4xx is a JSON ``{"error": "..."}`` (the promise of tests/test_bad_input.py,
tried on far more inputs than anyone would write by hand).

Bounded for `make test`: a fixed seed (``derandomize``) so CI is reproducible, no example database.
`make fuzz` runs the ``fuzz`` profile: many more examples, random seeds, failures remembered under
.pytest_cache/. The profile comes from the environment: ``SESSIONS_LIVE_FUZZ_PROFILE=fuzz``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from demo_server import ManualClock, create_app

from .auth import ADA, MALLORY, AuthActions
from .conftest import HYPOTHESIS_HOME, TEST_CONFIG
from .fuzz_requests import COOKIE_NAMES, FOCUSES, hostile_inputs
from .json_errors import assert_json_error_or_success

settings.register_profile(
    "test",
    max_examples=126,  # 14 of each kind of input, each sent to every route: over 5,000 requests
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "fuzz",
    parent=settings.get_profile("test"),
    max_examples=int(os.environ.get("SESSIONS_LIVE_FUZZ_EXAMPLES", "5000")),
    derandomize=False,
    database=DirectoryBasedExampleDatabase(HYPOTHESIS_HOME / "examples"),
)
FUZZ_SETTINGS = settings.get_profile(os.environ.get("SESSIONS_LIVE_FUZZ_PROFILE", "test"))
MIN_REQUESTS = 5000


def routes_of(app) -> list[tuple[str, list[str]]]:
    """(rule, methods) for every route but static files."""
    return sorted((rule.rule, sorted(rule.methods)) for rule in app.url_map.iter_rules() if rule.endpoint != "static")


def known_values(app) -> dict[str, list[str]]:
    """Real cookies and tokens, so that fuzzed requests also reach the code behind a login."""
    client = app.test_client()
    auth = AuthActions(client)
    auth.login()
    client.post("/cookies/api/login", json={"username": "admin", "password": "1234"})
    for path, account in [("/signed/login", ADA), ("/signed/encrypted/login", ADA), ("/vuln/signed/login", MALLORY)]:
        if path.startswith("/signed/") or app.config["INSECURE_DEMOS"]:
            assert client.post(path, json=account).status_code == 200, path
    if app.config["INSECURE_DEMOS"]:
        client.post("/vuln/sessions/cookie-cart", json={"item": "tea"})
    tokens = auth.jwt_login()
    cookies = [f"{name}={client.get_cookie(name).value}" for name in COOKIE_NAMES if client.get_cookie(name)]
    assert len(cookies) >= (6 if app.config["INSECURE_DEMOS"] else 4), cookies
    return {"cookies": cookies, "tokens": [tokens["access_token"], tokens["refresh_token"]]}


def fuzz_every_route(insecure_demos: bool, examples: int) -> list[tuple[str, str]]:
    """Send ``examples`` hostile inputs, as many of each kind (FOCUSES), to every route of a fresh
    app; returns every (method, path) sent. Fails at the first answer that breaks the promise, or
    at an input that lacks the kind of hostility it was drawn for. bench/run.py times this too."""
    app = create_app({**TEST_CONFIG, "CLOCK": ManualClock(), "INSECURE_DEMOS": insecure_demos})
    # use_cookies=False: the Cookie header goes out exactly as drawn.
    client = app.test_client(use_cookies=False)
    routes = routes_of(app)
    known = known_values(app)
    sent = []

    def fuzz_with(focus: str):
        @settings(FUZZ_SETTINGS, max_examples=max(1, examples // len(FOCUSES)))
        @given(hostile_inputs(known, focus))
        def fuzz(hostile):
            assert focus in hostile.kinds(known), f"drawn as {focus!r} but is not: {hostile!r}"
            for method, path in hostile.requests(routes):
                response = hostile.send(client, method, path)
                sent.append((method, path))
                assert_json_error_or_success(response, f"{method} {path} with {hostile!r}")

        return fuzz

    for focus in FOCUSES:
        fuzz_with(focus)()
    assert {path for _, path in sent} >= {rule for rule, _ in routes if "<" not in rule}, "a route was never tried"
    return sent


@pytest.mark.parametrize("insecure_demos", [True, False], ids=["with-insecure-demos", "secure"])
def test_no_request_gets_a_500_and_every_error_is_json(insecure_demos):
    # The secure app's routes are a subset of the other's: a third of the inputs is enough for it.
    examples = FUZZ_SETTINGS.max_examples if insecure_demos else FUZZ_SETTINGS.max_examples // 3
    sent = fuzz_every_route(insecure_demos, examples)
    if insecure_demos and examples >= settings.get_profile("test").max_examples:
        assert len(sent) >= MIN_REQUESTS, f"only {len(sent)} requests"
