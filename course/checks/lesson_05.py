"""Checks for exercises/05-common-mistakes.ipynb: the learner repairs vulnerable views; the checks attack them.

Each check mounts the learner's view on a fresh demo server app
(``course.lessons.view_lab``: Flask's test client, its own clock, no network),
runs the legitimate flow first (so an unfinished view reports "not done yet"),
then replays the lab station's attack, which must fail. Hidden tests
(solutions/hidden/lesson_05.py) replay a second variant of each attack.
"""

from __future__ import annotations

import hashlib
import random
from contextlib import contextmanager
from typing import Iterator

from course.checks import exercise, needs
from course.checks._support import random_word
from course.checks._values import original
from course.lessons.referrer import POLICIES, referrer_for
from course.lessons.shared_cache import SharedCache
from course.lessons.view_lab import app_with_view
from demo_server import DEMO_USERS, ManualClock

OTHER_SITE = "https://partner.example/pixel.gif"
ATTACKER_ORIGIN = "http://evil.example"
OWN_ORIGIN = "http://localhost"  # the test client's own origin
# Cheap scrypt settings for checks; one is picked at random, so a decoy with settings written in fails.
QUICK_METHODS = ["scrypt:1024:8:1", "scrypt:2048:8:1", "scrypt:1024:4:1", "scrypt:512:8:2"]


# --- helpers the checks and the hidden tests share -----------------------------------------------


def credentials(user: str, password: str | None = None) -> dict:
    return {"username": user, "password": DEMO_USERS[user] if password is None else password}


def logged_in(app, user: str = "alice"):
    """A test client logged in with lesson 03's login, and its session ID."""
    client = app.test_client()
    answer = client.post("/sessions/login", json=credentials(user))
    assert answer.status_code == 200, f"the course's own login failed: {answer.json}"
    return client, client.get_cookie("sid").value


def with_cookie(app, session_id: str):
    """A client that sends a copied session cookie and nothing else (a thief's)."""
    return app.test_client(use_cookies=False), {"Cookie": f"sid={session_id}"}


def described(answer) -> str:
    body = answer.json if answer.is_json else answer.get_data(as_text=True)[:200]
    return f"{answer.status_code} {body}"


def user_with(app, session_id: str, path: str = "/sessions/me") -> str | None:
    client, headers = with_cookie(app, session_id)
    answer = client.get(path, headers=headers)
    return answer.json.get("user") if answer.status_code == 200 and answer.is_json else None


@contextmanager
def counting_password_hashes() -> Iterator[list[tuple[int, int, int]]]:
    """Record (n, r, p) of every scrypt computation: werkzeug's password hashes all go through it."""
    real = hashlib.scrypt
    calls: list[tuple[int, int, int]] = []

    def counting(password, *, salt, n, r, p, maxmem=0, dklen=64):
        calls.append((n, r, p))
        return real(password, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen)

    hashlib.scrypt = counting
    try:
        yield calls
    finally:
        hashlib.scrypt = real


def failed_login_work(client, path: str, username: str) -> tuple[list[tuple[int, int, int]], object]:
    with counting_password_hashes() as calls:
        answer = client.post(path, json={"username": username, "password": random_word("wrong")})
    return calls, answer


def exercise_app(ns, view_name: str, rule: str, methods: tuple[str, ...] = ("GET",), **config):
    """A demo app answering ``rule`` with the learner's view. The view itself goes to Flask (not
    through the check's guard): Flask turns what it returns into HTTP, and the HTTP is judged."""
    (view,) = needs(ns, view_name)
    return app_with_view(original(view), rule, methods, **config)


def login_app(ns):
    app = exercise_app(ns, "login", "/exercise/login", ("POST",), PASSWORD_HASH_METHOD=random.choice(QUICK_METHODS))
    client = app.test_client()
    answer = client.post("/exercise/login", json=credentials("alice"))
    assert answer.status_code == 200, f"Alice's right password must still log her in; got {described(answer)}"
    me = client.get("/sessions/me")
    assert me.status_code == 200 and me.json["user"] == "alice", (
        "after the login, Alice's session cookie should open /sessions/me: keep the session part of the view"
    )
    return app, client


def keeps_full_url(policy: str) -> bool:
    """Would a browser send another site this page's path and query under ``policy``?"""
    page = "https://localhost/exercise/account?tab=1"
    return referrer_for(page, OTHER_SITE, policy) not in (None, "https://localhost/")


def cached_for_the_next_user(app, path: str, first_id: str, second_id: str) -> bytes | None:
    """What a shared cache (RFC 9111, the URL as the key) hands the second user after the first asked."""
    cache = SharedCache(ManualClock())
    first_headers = {"Cookie": f"sid={first_id}"}
    answer = app.test_client(use_cookies=False).get(path, headers=first_headers)
    cache.offer(path, first_headers, answer.status_code, dict(answer.headers), answer.data)
    served = cache.lookup(path, {"Cookie": f"sid={second_id}"})
    return served.body if served is not None else None


def forged_form(client, path: str, email: str, origin: str | None = ATTACKER_ORIGIN, site: str | None = "cross-site"):
    headers = {}
    if origin is not None:
        headers["Origin"] = origin
    if site is not None:
        headers["Sec-Fetch-Site"] = site
    return client.post(path, data={"email": email}, headers=headers)


def email_of(client) -> str:
    return client.get("/mistakes/csrf/email").json["email"]


# --- 05.1 ------------------------------------------------------------------------------------------


@exercise(
    "05.1",
    "Keep the session ID out of the URL",
    hint="Before anything else, loop over request.args.items(multi=True) and raise BadRequest(...) if a name "
    "is in SESSION_PARAMETERS or looks_like_session_id(value); then session = require_login() (the cookie), "
    "and set response.headers['Referrer-Policy'] = 'no-referrer'.",
)
def session_id_not_in_the_url(ns):
    app = exercise_app(ns, "account", "/exercise/account")
    alice, alice_id = logged_in(app, "alice")
    page = alice.get("/exercise/account")
    assert page.status_code == 200 and page.is_json and page.json.get("user") == "alice", (
        f"Alice, with her cookie, should get her own page (user: alice); got {described(page)}"
    )
    policy = page.headers.get("Referrer-Policy", "")
    assert policy, "set a Referrer-Policy header on the page (no-referrer), so its URL never goes to other sites"
    assert policy.strip().lower() in POLICIES, f"{policy!r} is not a referrer policy browsers know"
    assert not keeps_full_url(policy.strip().lower()), (
        f"with Referrer-Policy: {policy}, a browser sends the page's full URL to other sites; use no-referrer"
    )

    stranger = app.test_client(use_cookies=False)
    leaked = stranger.get(f"/exercise/account?sid={alice_id}")
    assert not (leaked.status_code == 200 and "alice" in leaked.get_data(as_text=True)), (
        "the attack worked: Alice's session ID in the URL (?sid=...) opened her page without her cookie"
    )
    assert leaked.status_code == 400, (
        f"refuse a URL that carries a session ID with 400 Bad Request, saying why; got {described(leaked)}"
    )
    nobody = app.test_client().get("/exercise/account")
    assert nobody.status_code == 401, f"without a session cookie the page is a 401; got {described(nobody)}"


# --- 05.2 ------------------------------------------------------------------------------------------


@exercise(
    "05.2",
    "A logout that ends the session",
    hint="session_id = session_cookie.read_session_id(); if it is not None: session_store().delete(session_id); "
    "response = jsonify(...); session_cookie.clear(response). For a bearer token, lesson 04's logout view "
    "(demo_server.tokens.views.logout) already does the deny-list.",
)
def logout_ends_the_session(ns):
    app = exercise_app(ns, "logout", "/exercise/logout", ("POST",))
    laptop, copied = logged_in(app, "alice")
    phone, phone_id = logged_in(app, "alice")
    answer = laptop.post("/exercise/logout")
    assert answer.status_code == 200, f"logging out should answer 200; got {described(answer)}"
    assert laptop.get_cookie("sid") is None, (
        "the browser still has its session cookie: clear it too (session_cookie.clear(response))"
    )
    assert user_with(app, copied) is None, (
        "the attack worked: a copy of the cookie made before logout still opens /sessions/me. "
        "Delete the session on the server (session_store().delete(session_id))"
    )
    assert user_with(app, phone_id) == "alice", (
        "logging out on the laptop ended Alice's session on her phone too: end only this request's session"
    )
    nobody = app.test_client().post("/exercise/logout")
    assert nobody.status_code < 500, f"a logout without a session cookie must not crash; got {described(nobody)}"


# --- 05.3 ------------------------------------------------------------------------------------------


@exercise(
    "05.3",
    "A login that names nobody",
    hint="stored = None for an unknown user; check_password_hash(stored or decoy_hash(), password) either way, "
    "with one decoy hash per app made with current_app.config['PASSWORD_HASH_METHOD']; then one message: "
    "raise Unauthorized('wrong username or password') unless the user exists and the password matched.",
)
def login_names_nobody(ns):
    app, client = login_app(ns)
    made_up = random_word("nobody")
    for name in (made_up, "alice"):  # warm up: whatever is made once (a decoy) is made now
        client.post("/exercise/login", json={"username": name, "password": "warm-up"})
    unknown_work, unknown = failed_login_work(client, "/exercise/login", random_word("nobody"))
    real_work, real = failed_login_work(client, "/exercise/login", "alice")
    assert unknown.status_code == real.status_code == 401, (
        f"both failures should be 401; a made-up name got {described(unknown)}, Alice's wrong password "
        f"got {described(real)}"
    )
    assert unknown.get_json(silent=True) == real.get_json(silent=True), (
        f"the attack worked: the answers differ ({unknown.json} for a made-up name, {real.json} for a real one); "
        "say the same thing for both"
    )
    advice = (
        "make the decoy hash once per app (not on every request: generating it costs a hash too), then check against it"
        if len(unknown_work) > len(real_work)
        else "check the password against a decoy hash for unknown users"
    )
    assert len(unknown_work) == len(real_work), (
        f"the attack worked: a made-up name costs {len(unknown_work)} password hash(es), a real name "
        f"{len(real_work)}, so the time says who has an account: {advice}"
    )


# --- 05.4 ------------------------------------------------------------------------------------------


@exercise(
    "05.4",
    "A private page that no cache keeps",
    hint="response.headers['Cache-Control'] = 'no-store'",
)
def private_page_not_cached(ns):
    app = exercise_app(ns, "account_page", "/exercise/account")
    (alice, alice_id), (bob, bob_id) = logged_in(app, "alice"), logged_in(app, "bob")
    page = alice.get("/exercise/account")
    assert page.status_code == 200 and page.json.get("email") == "alice@example.com", (
        f"Alice should get her page with her e-mail address; got {described(page)}"
    )
    served = cached_for_the_next_user(app, "/exercise/account", alice_id, bob_id)
    assert served is None, (
        "the attack worked: a shared cache stored Alice's page and handed it to Bob. "
        f"Cache-Control is {page.headers.get('Cache-Control')!r}: say no-store"
    )
    assert bob.get("/exercise/account").json.get("user") == "bob", "Bob should get his own page"


# --- 05.5 ------------------------------------------------------------------------------------------


@exercise(
    "05.5",
    "A state change only the site itself can make",
    hint="Before require_login(): origin = request.headers.get('Origin'); if it is there and != own_origin(), "
    "raise Forbidden; if not, refuse Sec-Fetch-Site 'cross-site' or 'same-site'. Then read the e-mail with "
    "string_fields(json_object(), 'email'): JSON only.",
)
def only_the_site_changes_the_email(ns):
    app = exercise_app(ns, "change_email", "/exercise/email", ("POST",))
    bob, _ = logged_in(app, "bob")
    new_email = f"{random_word('bob')}@example.com"
    own = bob.post("/exercise/email", json={"email": new_email}, headers={"Origin": OWN_ORIGIN})
    assert own.status_code == 200 and email_of(bob) == new_email, (
        f"Bob's own page (Origin {OWN_ORIGIN}, JSON) should change his e-mail address; got {described(own)}"
    )
    script = bob.post("/exercise/email", json={"email": "bob@example.com"})
    assert script.status_code == 200, (
        f"a client that sends no Origin (curl, a script) should work; got {described(script)}"
    )

    forged = forged_form(bob, "/exercise/email", "mallory@evil.example")
    assert email_of(bob) == "bob@example.com", (
        "the attack worked: a form on another site (Origin http://evil.example) changed Bob's e-mail address"
    )
    assert 400 <= forged.status_code < 500, f"refuse the forged request with a 4xx (403); got {described(forged)}"
    forged_json = bob.post(
        "/exercise/email", json={"email": "mallory@evil.example"}, headers={"Origin": ATTACKER_ORIGIN}
    )
    assert email_of(bob) == "bob@example.com" and forged_json.status_code == 403, (
        f"a cross-origin request must be refused (403) whatever its body; got {described(forged_json)}"
    )
