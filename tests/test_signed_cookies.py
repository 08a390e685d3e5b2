"""Lesson 02: HMAC by hand, Flask's signed session cookie, a weak key cracked,
key rotation, and the encrypted cookie (with what it cannot do)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import os
import time
from pathlib import Path

import nbformat
import pytest
from itsdangerous import Signer

from course.lessons.by_hand import flask_session_cookie
from course.lessons.by_hand import hmac_sha256 as hmac_by_hand
from course.lessons.by_hand.flask_session_cookie import (
    guess_secret_key,
    key_matches,
    read_payload,
    read_timestamp,
    sign_session,
)
from course.lessons.by_hand.hmac_sha256 import hmac_sha256
from demo_server import DEMO_EPOCH, ManualClock, create_app, demo_key
from demo_server.vulnerable.signed import WEAK_SECRET_KEY

from .auth import ADA, MALLORY

ROOT = Path(__file__).resolve().parent.parent
WORD_LIST = ROOT / "notebooks" / "data" / "weak-secrets.txt"
LESSON = ROOT / "notebooks" / "02-signed-and-encrypted-cookies.ipynb"


def words():
    return [line for line in WORD_LIST.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def cookie_from(response, name):
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header.partition(";")[0].partition("=")[2]
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


def app_with(clock=None, **config):
    return create_app({"TESTING": True, "CLOCK": clock or ManualClock(), "INSECURE_DEMOS": True, **config})


# --- HMAC by hand ---------------------------------------------------------

RFC_4231 = [
    # (test case, key, data, HMAC-SHA-256)
    (1, b"\x0b" * 20, b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (2, b"Jefe", b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    (
        6,
        b"\xaa" * 131,
        b"Test Using Larger Than Block-Size Key - Hash Key First",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    ),
]


@pytest.mark.parametrize(("case", "key", "data", "expected"), RFC_4231, ids=[f"rfc4231-case-{c[0]}" for c in RFC_4231])
def test_hmac_by_hand_matches_rfc_4231(case, key, data, expected):
    assert hmac_sha256(key, data).hex() == expected
    assert hmac.new(key, data, hashlib.sha256).hexdigest() == expected


@pytest.mark.parametrize("key_length", [0, 1, 32, 63, 64, 65, 200])
def test_hmac_by_hand_matches_the_hmac_module(key_length):
    key, message = os.urandom(key_length), os.urandom(100)
    assert hmac_sha256(key, message) == hmac.new(key, message, hashlib.sha256).digest()


def test_hmac_by_hand_matches_itsdangerous():
    key, value = demo_key("test itsdangerous"), b"user=ada"
    signer = Signer(key, digest_method=hashlib.sha256, key_derivation="none")
    signature = base64.urlsafe_b64encode(hmac_sha256(key, value)).rstrip(b"=")
    assert signer.sign(value) == value + b"." + signature


@pytest.mark.parametrize(
    "function",
    [
        hmac_by_hand.hmac_sha256,
        *(
            getattr(flask_session_cookie, name)
            for name in (
                "b64decode",
                "b64encode",
                "read_payload",
                "read_timestamp",
                "signature_for",
                "key_matches",
                "guess_secret_key",
                "sign_session",
            )
        ),
    ],
    ids=lambda function: function.__name__,
)
def test_the_lesson_shows_the_tested_code(function):
    """The notebook writes these functions out; they must be the ones tested here."""
    cells = "\n".join(cell.source for cell in nbformat.read(LESSON, as_version=4).cells if cell.cell_type == "code")
    assert inspect.getsource(function) in cells, f"{function.__name__} in the lesson differs from {function.__module__}"


# --- Flask's session cookie -----------------------------------------------


def test_flask_session_cookie_is_readable_and_timestamped_by_the_demo_clock():
    app = app_with(SECRET_KEY=demo_key("test flask cookie"))
    response = app.test_client().post("/signed/login", json=MALLORY)
    assert response.json == {"message": "Logged in as mallory"}
    cookie = cookie_from(response, "session")
    assert read_payload(cookie) == {"user": "mallory"}, "signed is not secret"
    assert read_timestamp(cookie) == int(DEMO_EPOCH)
    assert key_matches(cookie, demo_key("test flask cookie"))
    assert sign_session({"user": "mallory"}, demo_key("test flask cookie"), int(DEMO_EPOCH)) == cookie


def test_signed_login_profile_logout(client):
    assert client.get("/signed/profile").status_code == 401
    client.post("/signed/login", json=ADA)
    assert client.get("/signed/profile").json == {"user": "ada", "role": "admin"}
    logout = client.post("/signed/logout")
    assert "session=;" in logout.headers["Set-Cookie"] and "Max-Age=0" in logout.headers["Set-Cookie"]
    assert client.get("/signed/profile").json == {"error": "not logged in"}


@pytest.mark.parametrize("prefix", ["/signed", "/signed/encrypted", "/vuln/signed"])
@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"username": "ada", "password": "wrong"}, 401, "wrong username or password"),
        ({"username": "nobody", "password": "x"}, 401, "wrong username or password"),
        ({"username": "ada"}, 400, "missing field(s): password"),
    ],
)
def test_login_refuses_bad_credentials(insecure_client, prefix, body, status, message):
    response = insecure_client.post(f"{prefix}/login", json=body)
    assert response.status_code == status
    assert response.json == {"error": message}
    assert "Set-Cookie" not in response.headers


def test_a_changed_payload_breaks_the_signature(app):
    cookie = cookie_from(app.test_client().post("/signed/login", json=MALLORY), "session")
    _, timestamp, signature = cookie.split(".")
    ada_payload = flask_session_cookie.b64encode(b'{"user":"ada"}')
    tampered = f"{ada_payload}.{timestamp}.{signature}"
    client = app.test_client(use_cookies=False)
    assert client.get("/signed/profile", headers={"Cookie": f"session={cookie}"}).status_code == 200
    response = client.get("/signed/profile", headers={"Cookie": f"session={tampered}"})
    assert response.status_code == 401 and response.json == {"error": "not logged in"}


def test_flask_session_cookie_ages_out_on_the_demo_clock(clock, app):
    client = app.test_client()
    client.post("/signed/login", json=MALLORY)
    clock.advance(31 * 24 * 3600)
    assert client.get("/signed/profile").status_code == 200
    clock.advance(1)
    assert client.get("/signed/profile").status_code == 401, "older than PERMANENT_SESSION_LIFETIME"


# --- The weak key ---------------------------------------------------------


def test_the_word_list_is_small_and_holds_the_weak_key():
    listed = words()
    assert 300 <= len(listed) <= 5000
    assert len(set(listed)) == len(listed)
    assert WEAK_SECRET_KEY in listed


def test_the_word_list_attack_recovers_the_weak_key_in_under_2_seconds():
    cookie = cookie_from(app_with().test_client().post("/vuln/signed/login", json=MALLORY), "vuln_session")
    started = time.perf_counter()
    found = guess_secret_key(cookie, words())
    assert found == WEAK_SECRET_KEY
    assert time.perf_counter() - started < 2


def test_trying_the_whole_word_list_takes_under_2_seconds_and_finds_no_strong_key(app):
    cookie = cookie_from(app.test_client().post("/signed/login", json=MALLORY), "session")
    started = time.perf_counter()
    assert guess_secret_key(cookie, words()) is None
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    ("cookie_name", "path", "status"),
    [("vuln_session", "/vuln/signed/profile", 200), ("session", "/signed/profile", 401)],
    ids=["weak-key twin accepts", "fixed twin refuses"],
)
def test_a_session_forged_with_the_cracked_key(insecure_app, cookie_name, path, status):
    issued = cookie_from(insecure_app.test_client().post("/vuln/signed/login", json=MALLORY), "vuln_session")
    cracked = guess_secret_key(issued, words())
    forged = sign_session({"user": "ada"}, cracked, read_timestamp(issued))
    response = insecure_app.test_client(use_cookies=False).get(path, headers={"Cookie": f"{cookie_name}={forged}"})
    assert response.status_code == status
    if status == 200:
        assert response.json == {"user": "ada", "role": "admin"}
        assert response.headers["X-Insecure-Demo"].startswith("CWE-1391")
    else:
        assert response.json == {"error": "not logged in"}


def test_the_weak_twin_refuses_cookies_signed_with_another_key(insecure_app):
    forged = sign_session({"user": "ada"}, "not-the-key", int(DEMO_EPOCH))
    response = insecure_app.test_client(use_cookies=False).get(
        "/vuln/signed/profile", headers={"Cookie": f"vuln_session={forged}"}
    )
    assert response.status_code == 401


# --- Key rotation ----------------------------------------------------------

OLD_KEY, NEW_KEY = demo_key("test rotation old"), demo_key("test rotation new")


@pytest.mark.parametrize(
    ("login", "profile", "cookie_name"),
    [
        ("/signed/login", "/signed/profile", "session"),
        ("/signed/encrypted/login", "/signed/encrypted/profile", "encrypted_session"),
    ],
)
def test_rotation_accepts_old_cookies_until_the_old_key_is_dropped(clock, login, profile, cookie_name):
    old_cookie = cookie_from(app_with(clock, SECRET_KEY=OLD_KEY).test_client().post(login, json=ADA), cookie_name)
    rotating = app_with(clock, SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY])
    finished = app_with(clock, SECRET_KEY=NEW_KEY)
    new_cookie = cookie_from(rotating.test_client().post(login, json=ADA), cookie_name)

    def status(app, cookie):
        return (
            app.test_client(use_cookies=False).get(profile, headers={"Cookie": f"{cookie_name}={cookie}"}).status_code
        )

    assert status(rotating, old_cookie) == 200, "during rotation the old key still verifies"
    assert status(finished, new_cookie) == 200, "new cookies are made with the new key"
    assert status(finished, old_cookie) == 401, "once the old key is dropped, its cookies are refused"
    if cookie_name == "session":
        assert key_matches(new_cookie, NEW_KEY) and not key_matches(new_cookie, OLD_KEY)


# --- The encrypted cookie --------------------------------------------------


def test_encrypted_cookie_round_trip_hides_the_user(client):
    response = client.post("/signed/encrypted/login", json=ADA)
    token = cookie_from(response, "encrypted_session")
    assert "Max-Age=3600" in response.headers["Set-Cookie"]
    assert "Expires=Thu, 01 Jan 2026 10:00:00 GMT" in response.headers["Set-Cookie"]
    raw = base64.urlsafe_b64decode(token)
    assert raw[0] == 0x80 and b"ada" not in raw, "a Fernet token: version byte, then nothing readable"
    assert client.get("/signed/encrypted/profile").json == {"user": "ada", "role": "admin"}


@pytest.mark.parametrize("position", [0, 12, 40, -5])
def test_encrypted_cookie_refuses_any_changed_character(app, position):
    token = cookie_from(app.test_client().post("/signed/encrypted/login", json=ADA), "encrypted_session")
    index = position % len(token)
    tampered = token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]
    response = app.test_client(use_cookies=False).get(
        "/signed/encrypted/profile", headers={"Cookie": f"encrypted_session={tampered}"}
    )
    assert response.status_code == 401 and response.json == {"error": "not logged in"}


def test_the_token_inside_the_encrypted_cookie_expires_with_it(clock, app):
    """Even a copy kept past the cookie's Max-Age is refused: the lifetime is sealed in the token."""
    token = cookie_from(app.test_client().post("/signed/encrypted/login", json=ADA), "encrypted_session")
    copy_holder = app.test_client(use_cookies=False)
    headers = {"Cookie": f"encrypted_session={token}"}
    clock.advance(3600)
    assert copy_holder.get("/signed/encrypted/profile", headers=headers).status_code == 200
    clock.advance(1)
    assert copy_holder.get("/signed/encrypted/profile", headers=headers).status_code == 401


# --- What client-side state cannot do ---------------------------------------


@pytest.mark.parametrize(
    ("prefix", "cookie_name"), [("/signed", "session"), ("/signed/encrypted", "encrypted_session")]
)
def test_a_cookie_copied_before_logout_still_works_after_it(app, prefix, cookie_name):
    """The honest limit of client-side sessions: logout cannot revoke a copy (lesson 03 can)."""
    browser = app.test_client()
    copied = cookie_from(browser.post(f"{prefix}/login", json=ADA), cookie_name)
    browser.post(f"{prefix}/logout")
    assert browser.get(f"{prefix}/profile").status_code == 401, "the browser forgot its cookie"
    thief = app.test_client(use_cookies=False)
    replay = thief.get(f"{prefix}/profile", headers={"Cookie": f"{cookie_name}={copied}"})
    assert replay.status_code == 200 and replay.json["user"] == "ada", "the server kept nothing it could revoke"


@pytest.mark.parametrize(
    ("path", "cookie_name"),
    [
        ("/signed/profile", "session"),
        ("/signed/encrypted/profile", "encrypted_session"),
        ("/vuln/signed/profile", "vuln_session"),
    ],
)
@pytest.mark.parametrize("garbage", ["%%%", "gAAAAA", "a.b.c", "é", ".eJw.x.y", "e30.aVY3kA.AAAA", "=" * 40])
def test_garbage_cookies_are_just_not_logged_in(insecure_app, path, cookie_name, garbage):
    response = insecure_app.test_client(use_cookies=False).get(path, headers={"Cookie": f"{cookie_name}={garbage}"})
    assert response.status_code == 401 and response.json == {"error": "not logged in"}
