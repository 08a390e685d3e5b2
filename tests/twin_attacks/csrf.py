"""Lesson 05, station 14: a state change any origin can trigger, against an origin check and JSON only."""

from __future__ import annotations

from ..auth import BOB
from . import attack

ATTACKER = "http://evil.example"


@attack("/vuln/csrf/email")
def a_form_on_another_origin(app, target) -> bool:
    """Bob's browser posts the attacker's hidden form: his cookie goes along, and so do Origin and Sec-Fetch-Site."""
    bob = app.test_client()
    assert bob.post("/sessions/login", json=BOB).status_code == 200
    forged = {"Origin": ATTACKER, "Sec-Fetch-Site": "cross-site"}
    bob.post(target, data={"email": "mallory@evil.example"}, headers=forged)
    return bob.get("/mistakes/csrf/email").json["email"] == "mallory@evil.example"
