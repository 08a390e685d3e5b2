"""Lesson 05, station 8: a login that tells real names from made-up ones, against one answer and equal work."""

from __future__ import annotations

import hashlib
from unittest import mock

from . import attack

MADE_UP = "no-such-user-7f3a"


def counted_password_hashes(client, target: str, username: str) -> tuple[int, object]:
    """How many scrypt computations one failed login costs (timing, counted instead of measured)."""
    real = hashlib.scrypt
    calls = []

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    with mock.patch.object(hashlib, "scrypt", counting):
        answer = client.post(target, json={"username": username, "password": "wrong-password-1"})
    return len(calls), answer


@attack("/vuln/enumeration/login")
def tell_real_names_from_made_up_ones(app, target) -> bool:
    """Fail once as a made-up user and once as alice: do the answers, or the work behind them, differ?"""
    client = app.test_client()
    client.post(target, json={"username": MADE_UP, "password": "warm-up"})  # the first call hashes everyone
    made_up_work, made_up = counted_password_hashes(client, target, MADE_UP)
    real_work, real = counted_password_hashes(client, target, "alice")
    assert made_up.status_code >= 400 and real.status_code >= 400
    different_answers = (made_up.status_code, made_up.json) != (real.status_code, real.json)
    return different_answers or made_up_work != real_work
