"""Who logs in during tests, and how (Flask's tutorial keeps this in an AuthActions fixture).

``AuthActions(client)`` logs a test client in to each kind of login the demo
server has; the ``auth`` fixture in conftest.py gives one for the test's client.
Every helper asserts the login worked, so a test fails at the login it depends on.
"""

from __future__ import annotations

from demo_server import DEMO_USERS

ALICE = {"username": "alice", "password": DEMO_USERS["alice"]}
BOB = {"username": "bob", "password": DEMO_USERS["bob"]}
ADMIN = {"username": "admin", "password": "1234"}  # lesson 01: the article's account
MALLORY = {"username": "mallory", "password": "let-me-in"}  # lesson 02's accounts
ADA = {"username": "ada", "password": "analytical-engine"}


def credentials(username: str) -> dict:
    """The login body for one of DEMO_USERS."""
    return {"username": username, "password": DEMO_USERS[username]}


class AuthActions:
    def __init__(self, client) -> None:
        self.client = client

    def login(self, username: str = "alice", path: str = "/sessions/login", **headers):
        """A server-side session (lesson 03), or ``path``'s twin; returns the response."""
        response = self.client.post(path, json=credentials(username), headers=headers)
        assert response.status_code == 200, response.json
        return response

    def jwt_login(self, user: dict = ALICE) -> dict:
        """An access + refresh token pair (lesson 04)."""
        response = self.client.post("/jwt/login", json=user)
        assert response.status_code == 200, response.json
        return response.json

    def logout(self, path: str = "/sessions/logout"):
        return self.client.post(path)
