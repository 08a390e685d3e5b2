"""Lesson 03's attacks: each works on its insecure twin and fails on the fixed route."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from demo_server import create_app, serve_app

from .auth import ALICE
from .conftest import TEST_CONFIG

FAST = TEST_CONFIG


def fixation(app, login_path):
    """Mallory gets a pre-login ID, plants it in Alice's browser, Alice logs in.
    Returns what Mallory's copy of the ID gets from /sessions/me."""
    mallory = app.test_client()
    mallory.post("/sessions/cart", json={"item": "bait"})
    planted = mallory.get_cookie("sid").value
    alice = app.test_client()
    alice.set_cookie("sid", planted)  # e.g. via a sibling subdomain or a shared computer
    assert alice.post(login_path, json=ALICE).status_code == 200
    assert alice.get("/sessions/me").json["user"] == "alice"
    return mallory.get("/sessions/me"), planted, alice.get_cookie("sid").value


def test_fixation_works_on_the_insecure_twin(insecure_app):
    response, planted, alices_id = fixation(insecure_app, "/vuln/sessions/login")
    assert alices_id == planted
    assert response.status_code == 200 and response.json["user"] == "alice", "Mallory is in as Alice"


def test_fixation_fails_on_the_fixed_login(insecure_app):
    response, planted, alices_id = fixation(insecure_app, "/sessions/login")
    assert alices_id != planted
    assert response.status_code == 401
    assert "unknown, expired or ended" in response.json["error"]


def test_a_planted_id_is_never_valid_after_login(insecure_app):
    for planted in ["A" * 43, "garbage", ""]:
        alice = insecure_app.test_client()
        alice.set_cookie("sid", planted)
        alice.post("/sessions/login", json=ALICE)
        assert alice.get_cookie("sid").value != planted
        thief = insecure_app.test_client(use_cookies=False)
        assert thief.get("/sessions/me", headers={"Cookie": f"sid={planted}"}).status_code == 401


def test_the_insecure_twin_is_labelled(insecure_app):
    response = insecure_app.test_client().post("/vuln/sessions/login", json=ALICE)
    assert response.headers["X-Insecure-Demo"].startswith("CWE-384")


def test_twins_exist_only_with_insecure_demos():
    client = create_app(FAST).test_client()
    assert client.post("/vuln/sessions/login", json=ALICE).status_code == 404
    assert client.get("/vuln/sessions/cookie-cart").status_code == 404


def _concurrent_adds(url, client, n=50):
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda i: client.post(url, json={"item": f"item{i}"}).status_code, range(n)))
    assert set(statuses) == {201}


def test_concurrent_adds_lose_items_in_a_cookie_cart_but_not_in_the_store():
    server = serve_app(create_app({**FAST, "INSECURE_DEMOS": True}))
    try:
        cookie_shopper = requests.Session()
        _concurrent_adds(f"{server.url}/vuln/sessions/cookie-cart", cookie_shopper)
        cookie_cart = cookie_shopper.get(f"{server.url}/vuln/sessions/cookie-cart").json()["cart"]
        assert len(cookie_cart) < 50, "the cookie cart lost no item this time (the race did not happen)"

        store_shopper = requests.Session()
        store_shopper.post(f"{server.url}/sessions/login", json=ALICE).raise_for_status()
        _concurrent_adds(f"{server.url}/sessions/cart", store_shopper)
        assert len(store_shopper.get(f"{server.url}/sessions/cart").json()["cart"]) == 50
    finally:
        server.stop()


def test_cookie_cart_rejects_a_garbage_cookie(insecure_app):
    client = insecure_app.test_client(use_cookies=False)
    response = client.get("/vuln/sessions/cookie-cart", headers={"Cookie": "cart=<script>"})
    assert response.status_code == 400 and "cart cookie" in response.json["error"]
