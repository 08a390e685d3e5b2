"""Lesson 05, station 7: privileges change, the session ID does not; against a new ID (and revoke-all)."""

from __future__ import annotations

from ..auth import ALICE
from . import attack


@attack("/vuln/no-rotation/sudo")
def an_id_known_before_sudo_gets_sudo(app, target) -> bool:
    """Mallory knows Alice's session ID (planted or copied); Alice enters sudo mode at ``target``;
    does Mallory's copy open the page that needs sudo mode?"""
    alice = app.test_client()
    assert alice.post("/sessions/login", json=ALICE).status_code == 200
    known = alice.get_cookie("sid").value
    assert alice.post(target, json={"password": ALICE["password"]}).status_code == 200
    assert alice.get("/mistakes/sudo/settings").status_code == 200, "Alice herself is in sudo mode"
    mallory = app.test_client(use_cookies=False)
    return mallory.get("/mistakes/sudo/settings", headers={"Cookie": f"sid={known}"}).status_code == 200


@attack("/vuln/no-rotation/password")
def a_stolen_cookie_survives_the_password_change(app, target) -> bool:
    """A thief copied the cookie of Alice's phone; Alice changes her password on her laptop: is the thief still in?"""
    laptop, phone = app.test_client(), app.test_client()
    assert laptop.post("/sessions/login", json=ALICE).status_code == 200
    assert phone.post("/sessions/login", json=ALICE).status_code == 200
    stolen = phone.get_cookie("sid").value
    change = {"current_password": ALICE["password"], "new_password": "a much better passphrase"}
    assert laptop.post(target, json=change).status_code == 200
    thief = app.test_client(use_cookies=False)
    return thief.get("/sessions/me", headers={"Cookie": f"sid={stolen}"}).status_code == 200
