"""Lesson 03: session fixation and the cookie cart's lost update, against the store's versions."""

from __future__ import annotations

from ..auth import ALICE
from . import attack


@attack("/vuln/sessions/login")
def planted_session_id(app, target) -> bool:
    """Mallory gets a pre-login ID, plants it in Alice's browser, Alice logs in at ``target``:
    does Mallory's copy of the ID now get Alice's session?"""
    mallory = app.test_client()
    mallory.post("/sessions/cart", json={"item": "bait"})  # an anonymous session, ID in hand
    planted = mallory.get_cookie("sid").value
    alice = app.test_client()
    alice.set_cookie("sid", planted)
    assert alice.post(target, json=ALICE).status_code == 200
    me = mallory.get("/sessions/me")
    return me.status_code == 200 and me.json.get("user") == "alice"


@attack("/vuln/sessions/cookie-cart")
def two_adds_in_flight(app, target) -> bool:
    """Two adds sent before either answer arrives carry the same session state; a lost item
    means the second answer overwrote the first."""
    shopper = app.test_client()
    if target.startswith("/sessions"):
        assert shopper.post("/sessions/login", json=ALICE).status_code == 200
    cookies_before = {cookie.key: cookie.value for cookie in shopper._cookies.values()}
    headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies_before.items())}
    in_flight = app.test_client(use_cookies=False)
    answers = [in_flight.post(target, json={"item": item}, headers=headers) for item in ("first", "second")]
    assert all(answer.status_code == 201 for answer in answers)
    # What the shopper's browser keeps: the last answer's cookies over what it had.
    final = dict(cookies_before)
    for answer in answers:
        for header in answer.headers.getlist("Set-Cookie"):
            name, _, rest = header.partition("=")
            final[name] = rest.partition(";")[0]
    reader = app.test_client(use_cookies=False)
    cart = reader.get(target, headers={"Cookie": "; ".join(f"{n}={v}" for n, v in final.items())}).json["cart"]
    return "first" not in cart
