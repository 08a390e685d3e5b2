"""Lesson 05, station 6: logout that only clears the cookie, against deleting the session (and denying the JWT)."""

from __future__ import annotations

from ..auth import ALICE
from . import attack


@attack("/vuln/cookie-only-logout/sessions")
def a_copied_cookie_after_logout(app, target) -> bool:
    """Copy Alice's cookie, let her log out at ``target``, then use the copy."""
    alice = app.test_client()
    assert alice.post("/sessions/login", json=ALICE).status_code == 200
    copy = alice.get_cookie("sid").value
    assert alice.post(target).status_code == 200
    assert alice.get_cookie("sid") is None, "the browser's own cookie is gone either way"
    thief = app.test_client(use_cookies=False)
    return thief.get("/sessions/me", headers={"Cookie": f"sid={copy}"}).status_code == 200


@attack("/vuln/cookie-only-logout/jwt")
def a_copied_token_after_logout(app, target) -> bool:
    """Copy Alice's access token, let her log out at ``target``, then use the copy."""
    client = app.test_client()
    token = client.post("/jwt/login", json=ALICE).json["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.post(target, headers=bearer).status_code == 200
    return client.get("/jwt/me", headers=bearer).status_code == 200
