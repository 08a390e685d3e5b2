"""Lesson 03's /sessions endpoints: login, expiry, logout, devices, password, cart."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import demo_server
from demo_server import DEMO_USERS, context, create_app, serve_app
from demo_server.context import session_store
from demo_server.sessions.views import MAX_CART_ITEMS

from .auth import AuthActions
from .conftest import TEST_CONFIG

FAST = TEST_CONFIG
IDLE = 15 * 60


def sid_of(client) -> str:
    return client.get_cookie("sid").value


def with_cookie(app, session_id):
    """A client that sends exactly this session cookie (a thief, or a replay)."""
    thief = app.test_client(use_cookies=False)
    thief.environ_base["HTTP_COOKIE"] = f"sid={session_id}"
    return thief


def test_demo_users_are_documented_and_hashed(app):
    assert set(DEMO_USERS) >= {"alice", "bob"}
    users = context.users(app)
    assert users.password_hash("alice").startswith("scrypt:")
    assert DEMO_USERS["alice"] not in users.password_hash("alice")


def test_the_first_login_hashes_every_user_and_the_decoy_at_once(monkeypatch):
    # Hashed one user at a time, an account nobody had logged in to yet would answer slower than
    # one already hashed or an unknown name (the decoy), and so give away that it exists.
    import demo_server.users as users_module

    hashed = []
    real = users_module.generate_password_hash
    monkeypatch.setattr(
        users_module, "generate_password_hash", lambda password, **kw: hashed.append(password) or real(password, **kw)
    )
    users = users_module.UserDirectory(DEMO_USERS, "scrypt:1024:8:1")
    assert users.verify("alice", DEMO_USERS["alice"])
    assert len(hashed) == len(DEMO_USERS) + 1 and set(DEMO_USERS.values()) <= set(hashed)
    assert not users.verify("nobody", "x") and users.verify("bob", DEMO_USERS["bob"]) and not users.verify("bob", "x")
    assert len(hashed) == len(DEMO_USERS) + 1, "a later login must not hash anything again"


def test_login_sets_a_safe_cookie(client, app):
    response = AuthActions(app.test_client()).login()
    cookie = response.headers["Set-Cookie"]
    name_value, *attributes = cookie.split("; ")
    assert name_value.startswith("sid=") and len(name_value) == 4 + 43
    assert {"HttpOnly", "Path=/", "SameSite=Lax", "Max-Age=28800"} <= set(attributes)
    assert "Expires=Thu, 01 Jan 2026 17:00:00 GMT" in attributes  # from the injected clock
    assert response.json["message"] == "logged in as alice"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"username": "alice", "password": "wrong"}, 401, "wrong username or password"),
        ({"username": "nobody", "password": "x"}, 401, "wrong username or password"),
        ({"username": "alice"}, 400, "missing field(s): password"),
        ({"username": "alice", "password": 5}, 400, "must be a string"),
    ],
)
def test_login_rejections_say_why(client, body, status, message):
    response = client.post("/sessions/login", json=body)
    assert response.status_code == status
    assert message in response.json["error"]
    assert "Set-Cookie" not in response.headers


def test_http_logins_give_distinct_ids(app):
    ids = {AuthActions(app.test_client()).login().headers["Set-Cookie"].split(";")[0] for _ in range(20)}
    assert len(ids) == 20


def test_me_needs_a_live_session(app, client):
    assert "no session cookie" in client.get("/sessions/me").json["error"]
    assert with_cookie(app, "garbage").get("/sessions/me").status_code == 401
    AuthActions(client).login()
    assert client.get("/sessions/me").json["user"] == "alice"


def test_after_logout_the_old_cookie_gets_401(app, client):
    AuthActions(client).login()
    stolen = sid_of(client)
    assert with_cookie(app, stolen).get("/sessions/me").status_code == 200
    response = client.post("/sessions/logout")
    assert response.status_code == 200
    assert "sid=;" in response.headers["Set-Cookie"] and "Max-Age=0" in response.headers["Set-Cookie"]
    replay = with_cookie(app, stolen).get("/sessions/me")
    assert replay.status_code == 401
    assert "unknown, expired or ended" in replay.json["error"]


def test_idle_timeout_on_the_injected_clock(client, clock):
    AuthActions(client).login()
    clock.advance(IDLE - 60)
    assert client.get("/sessions/me").status_code == 200  # activity slides the deadline
    clock.advance(IDLE - 60)
    assert client.get("/sessions/me").status_code == 200
    clock.advance(IDLE)
    assert client.get("/sessions/me").status_code == 401


def test_absolute_timeout_ends_even_a_busy_session(client, clock):
    AuthActions(client).login()
    for _ in range(8 * 6 - 1):
        clock.advance(600)
        assert client.get("/sessions/me").status_code == 200
    clock.advance(600)
    assert client.get("/sessions/me").status_code == 401


def test_timeouts_are_configurable(clock):
    app = create_app(
        {**FAST, "CLOCK": clock, "SERVER_SESSION_IDLE_TIMEOUT": 60, "SERVER_SESSION_ABSOLUTE_TIMEOUT": 120}
    )
    client = app.test_client()
    AuthActions(client).login()
    clock.advance(61)
    assert client.get("/sessions/me").status_code == 401


def test_memory_store_is_a_config_choice(clock):
    app = create_app({**FAST, "CLOCK": clock, "SERVER_SESSION_STORE": "memory"})
    assert type(session_store(app)).__name__ == "MemorySessionStore"
    with pytest.raises(ValueError, match="SERVER_SESSION_STORE"):
        create_app({"SERVER_SESSION_STORE": "postgres"})


def test_secure_cookie_flag_uses_the_host_prefix(clock):
    app = create_app({**FAST, "CLOCK": clock, "SERVER_SESSION_SECURE_COOKIE": True})
    cookie = AuthActions(app.test_client()).login().headers["Set-Cookie"]
    assert cookie.startswith("__Host-sid=") and "; Secure" in cookie and "Domain" not in cookie and "Path=/" in cookie


def test_devices_list_and_revoke(app):
    laptop, phone = app.test_client(), app.test_client()
    AuthActions(laptop).login(**{"User-Agent": "laptop"})
    AuthActions(phone).login(**{"User-Agent": "phone"})
    listed = laptop.get("/sessions/devices").json["devices"]
    assert [(d["device"], d["current"]) for d in listed] == [("laptop", True), ("phone", False)]
    assert all(len(d["id"]) == 16 for d in listed)
    response = laptop.delete(f"/sessions/devices/{listed[1]['id']}")
    assert response.json["message"] == "ended the session on phone"
    assert phone.get("/sessions/me").status_code == 401
    assert laptop.get("/sessions/me").status_code == 200


@pytest.mark.parametrize(("device_id", "status"), [("nothex", 400), ("0" * 16, 404)])
def test_revoking_an_unknown_device_says_why(client, device_id, status):
    AuthActions(client).login()
    response = client.delete(f"/sessions/devices/{device_id}")
    assert response.status_code == status and response.json["error"]


def test_cannot_revoke_someone_elses_session(app):
    alice, bob = app.test_client(), app.test_client()
    AuthActions(alice).login()
    AuthActions(bob).login("bob")
    bobs_device = bob.get("/sessions/devices").json["devices"][0]["id"]
    assert alice.delete(f"/sessions/devices/{bobs_device}").status_code == 404
    assert bob.get("/sessions/me").status_code == 200


def test_password_change_ends_other_sessions_and_renews_this_one(app):
    laptop, phone, bob = app.test_client(), app.test_client(), app.test_client()
    AuthActions(laptop).login()
    AuthActions(phone).login()
    AuthActions(bob).login("bob")
    old_laptop_id = sid_of(laptop)
    response = laptop.post(
        "/sessions/password", json={"current_password": DEMO_USERS["alice"], "new_password": "a new long password"}
    )
    assert response.status_code == 200 and response.json["ended_sessions"] == 1
    assert sid_of(laptop) != old_laptop_id
    assert laptop.get("/sessions/me").status_code == 200
    assert with_cookie(app, old_laptop_id).get("/sessions/me").status_code == 401
    assert phone.get("/sessions/me").status_code == 401
    assert bob.get("/sessions/me").status_code == 200
    fresh = app.test_client()
    assert fresh.post("/sessions/login", json={"username": "alice", "password": DEMO_USERS["alice"]}).status_code == 401
    assert (
        fresh.post("/sessions/login", json={"username": "alice", "password": "a new long password"}).status_code == 200
    )


@pytest.mark.parametrize(
    ("current", "new", "status", "message"),
    [
        ("wrong", "a new long password", 403, "current password is wrong"),
        (DEMO_USERS["alice"], "short", 400, "at least 8"),
    ],
)
def test_password_change_rejections(client, current, new, status, message):
    AuthActions(client).login()
    response = client.post("/sessions/password", json={"current_password": current, "new_password": new})
    assert response.status_code == status and message in response.json["error"]


def test_cart_starts_anonymous_and_survives_login_with_a_new_id(app, client):
    assert client.get("/sessions/cart").json == {"cart": []}
    assert client.post("/sessions/cart", json={"item": "tea"}).status_code == 201
    anonymous_id = sid_of(client)
    assert client.get("/sessions/me").status_code == 401
    AuthActions(client).login()
    assert sid_of(client) != anonymous_id
    assert client.get("/sessions/cart").json == {"cart": ["tea"]}
    assert with_cookie(app, anonymous_id).get("/sessions/cart").json == {"cart": []}


@pytest.mark.parametrize("item", ["", "two words", "x" * 41, "<script>"])
def test_cart_rejects_odd_items(client, item):
    response = client.post("/sessions/cart", json={"item": item})
    assert response.status_code == 400 and "an item is" in response.json["error"]


def test_a_full_cart_says_so(client):
    for n in range(100):
        client.post("/sessions/cart", json={"item": f"i{n}"})
    response = client.post("/sessions/cart", json={"item": "onemore"})
    assert response.status_code == 409 and "full" in response.json["error"]


def test_cart_never_adopts_an_id_the_client_made_up(app):
    made_up = "A" * 43
    response = with_cookie(app, made_up).post("/sessions/cart", json={"item": "tea"})
    assert response.status_code == 201
    assert f"sid={made_up}" not in response.headers["Set-Cookie"]


def test_fifty_concurrent_cart_additions_all_count():
    server = serve_app(create_app(FAST))
    try:
        alice = requests.Session()
        alice.post(
            f"{server.url}/sessions/login", json={"username": "alice", "password": DEMO_USERS["alice"]}
        ).raise_for_status()
        cookie = {"Cookie": f"sid={alice.cookies['sid']}"}

        def add(n):
            return requests.post(f"{server.url}/sessions/cart", json={"item": f"item{n}"}, headers=cookie).status_code

        with ThreadPoolExecutor(max_workers=10) as pool:
            assert set(pool.map(add, range(50))) == {201}
        cart = alice.get(f"{server.url}/sessions/cart").json()["cart"]
        assert len(cart) == 50 and sorted(cart) == sorted(f"item{n}" for n in range(50))
    finally:
        server.stop()


def test_the_notebook_default_uses_the_sqlite_store_in_memory():
    store = session_store(demo_server.create_app())
    assert type(store).__name__ == "SQLiteSessionStore" and store.path == ":memory:"


def test_a_thousand_logins_give_a_thousand_ids_from_secrets(clock, token_urlsafe_calls):
    # Near-free hashing: this test is about IDs, not password cost.
    app = create_app({"TESTING": True, "CLOCK": clock, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
    client = app.test_client(use_cookies=False)
    ids = set()
    for _ in range(1000):
        cookie = AuthActions(client).login().headers["Set-Cookie"]
        ids.add(cookie.split(";")[0].removeprefix("sid="))
    assert len(ids) == 1000
    assert token_urlsafe_calls == [32] * 1000, "every ID is 32 bytes (256 bits) from secrets.token_urlsafe"
    assert all(len(session_id) == 43 for session_id in ids)
    assert len(session_store(app).list_for_user("alice")) == 1000


ADDS_PER_WORKER = MAX_CART_ITEMS // 8  # 8 workers never fill the cart


def _race_a_password_change(server, password: str, new_password: str) -> tuple[list[str], list[str], int]:
    """Log in; 8 workers add to the cart with that cookie until refused, while the password changes
    after the first add. Returns (acknowledged items, the new session's cart, refused adds)."""
    login = requests.post(f"{server.url}/sessions/login", json={"username": "alice", "password": password})
    old_cookie = {"Cookie": f"sid={login.cookies['sid']}"}
    first_landed = threading.Event()

    def add_until_refused(worker: int) -> list[str]:
        done = []
        for n in range(ADDS_PER_WORKER):
            item = f"w{worker}-{n}"
            response = requests.post(f"{server.url}/sessions/cart", json={"item": item}, headers=old_cookie)
            if response.status_code == 409:
                assert "just got a new ID" in response.json()["error"]
                return done
            # Acknowledged, and into the session the cookie names (not a fresh one with a new cookie).
            assert response.status_code == 201 and "Set-Cookie" not in response.headers
            done.append(item)
            first_landed.set()
        return done

    def change_password():
        first_landed.wait(timeout=10)
        body = {"current_password": password, "new_password": new_password}
        return requests.post(f"{server.url}/sessions/password", json=body, headers=old_cookie)

    with ThreadPoolExecutor(max_workers=9) as pool:
        adders = [pool.submit(add_until_refused, worker) for worker in range(8)]
        change = pool.submit(change_password)
        acknowledged = [item for adder in adders for item in adder.result()]
        changed = change.result()
    assert changed.status_code == 200, changed.text
    cart = requests.get(f"{server.url}/sessions/cart", cookies={"sid": changed.cookies["sid"]}).json()["cart"]
    return acknowledged, cart, 8 * ADDS_PER_WORKER - len(acknowledged)


@pytest.mark.parametrize("kind", ["sqlite", "memory"])
def test_a_password_change_racing_cart_adds_loses_none_of_them(kind):
    """20 rounds: each add with the old cookie is acknowledged and kept, or refused; none is lost."""
    server = serve_app(create_app({**FAST, "SERVER_SESSION_STORE": kind}))
    password, refused_in_all = DEMO_USERS["alice"], 0
    try:
        for round_ in range(20):
            new_password = f"new password, round {round_}"
            acknowledged, cart, refused = _race_a_password_change(server, password, new_password)
            assert acknowledged, "no add landed before the change"
            assert sorted(cart) == sorted(acknowledged), f"round {round_}: lost {set(acknowledged) - set(cart)}"
            password, refused_in_all = new_password, refused_in_all + refused
    finally:
        server.stop()
    assert refused_in_all > 0, "no add came after the change: the race was not run"


def test_a_cart_add_to_a_session_that_just_moved_is_refused_not_given_a_new_session(app):
    visitor = app.test_client()
    visitor.post("/sessions/cart", json={"item": "tea"})
    anonymous_id = sid_of(visitor)
    AuthActions(visitor).login()  # the cart moves to the logged-in session
    late = with_cookie(app, anonymous_id).post("/sessions/cart", json={"item": "cake"})
    assert late.status_code == 409 and "Set-Cookie" not in late.headers
    assert visitor.get("/sessions/cart").json == {"cart": ["tea"]}
