"""Lesson 05, station 12: personal data in a JWT or signed cookie, against tokens that carry none."""

from __future__ import annotations

from ..auth import ALICE
from . import attack
from ._cookies import readings, set_cookies, strings_in

SECRETS = ("alice@example.com", "scrypt:")


def _readable_secrets(response) -> set[str]:
    tokens = strings_in(response.data) + [cookie.value for cookie in set_cookies(response)]
    return {secret for token in tokens for text in readings(token) for secret in SECRETS if secret in text}


@attack("/vuln/payload-secrets/jwt-login")
@attack("/vuln/payload-secrets/cookie-login")
def decode_what_the_login_hands_out(app, target) -> bool:
    """Log in and base64-decode every token and cookie in the answer: any e-mail address or password hash?"""
    answer = app.test_client().post(target, json=ALICE)
    assert answer.status_code == 200, answer.json
    return bool(_readable_secrets(answer))
