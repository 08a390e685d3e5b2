"""Hidden tests for 05-common-mistakes: run by `course grade` only, never shown to learners.

A second variant of each station's attack, one the visible check does not
replay: the session ID under another name in the URL (and next to a valid
cookie), a bearer token after logout, a decoy hash cheaper than a real one,
a private-but-cacheable page in the browser's own cache, and origins that
only look like the site's own.
"""

import random

from course.checks import hidden_test
from course.checks._support import random_word
from course.checks.lesson_05 import (
    QUICK_METHODS,
    credentials,
    described,
    email_of,
    exercise_app,
    failed_login_work,
    forged_form,
    logged_in,
    login_app,
)
from course.lessons.shared_cache import cache_control


@hidden_test("05.1")
def a_session_id_under_any_name_is_refused_even_next_to_the_cookie(ns):
    app = exercise_app(ns, "account", "/exercise/account")
    alice, alice_id = logged_in(app, "alice")
    stranger = app.test_client(use_cookies=False)
    for name in ("session", "SID", "session_id", random_word("p")):
        answer = stranger.get(f"/exercise/account?{name}={alice_id}")
        assert answer.status_code == 400, f"?{name}=<Alice's ID> without a cookie: {described(answer)}"
    with_cookie_too = alice.get(f"/exercise/account?s={alice_id}")
    assert with_cookie_too.status_code == 400, (
        "a URL carrying the ID is refused even when the cookie is there (the URL has leaked already): "
        + described(with_cookie_too)
    )
    assert alice.get("/exercise/account?tab=profile").status_code == 200, "other query parameters are fine"


@hidden_test("05.2")
def a_bearer_token_is_denied_at_logout(ns):
    app = exercise_app(ns, "logout", "/exercise/logout", ("POST",))
    client = app.test_client(use_cookies=False)
    pair = client.post("/jwt/login", json=credentials("alice")).json
    bearer = {"Authorization": f"Bearer {pair['access_token']}"}
    answer = client.post("/exercise/logout", headers=bearer)
    assert answer.status_code == 200, f"logging out with a bearer token should answer 200: {described(answer)}"
    after = client.get("/jwt/me", headers=bearer)
    assert after.status_code == 401, f"the access token still works after logout: {described(after)}"
    refreshed = client.post("/jwt/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 401, "its refresh token still gives new tokens after logout"


@hidden_test("05.2")
def logging_out_twice_is_harmless(ns):
    app = exercise_app(ns, "logout", "/exercise/logout", ("POST",))
    laptop, copied = logged_in(app, "alice")
    assert laptop.post("/exercise/logout").status_code == 200
    again = app.test_client(use_cookies=False).post("/exercise/logout", headers={"Cookie": f"sid={copied}"})
    assert again.status_code < 500, f"a second logout with the old cookie: {described(again)}"


@hidden_test("05.3")
def the_decoy_costs_what_a_real_check_costs(ns):
    app, client = login_app(ns)
    for name in ("alice", random_word("nobody")):
        client.post("/exercise/login", json={"username": name, "password": "warm-up"})
    unknown_work, _ = failed_login_work(client, "/exercise/login", random_word("nobody"))
    real_work, _ = failed_login_work(client, "/exercise/login", "bob")
    assert unknown_work == real_work, (
        f"a made-up name is hashed with scrypt (n, r, p) = {unknown_work}, a real one with {real_work}: "
        "make the decoy with the app's own method, current_app.config['PASSWORD_HASH_METHOD']"
    )
    assert app.config["PASSWORD_HASH_METHOD"] in QUICK_METHODS


@hidden_test("05.3")
def odd_names_answer_like_any_other(ns):
    app, client = login_app(ns)
    baseline = client.post("/exercise/login", json={"username": "alice", "password": "wrong-one"})
    for name in ("", "Alice", "alice ", "ä" * 300, random.choice(["bob", "admin"]) + "x"):
        answer = client.post("/exercise/login", json={"username": name, "password": "wrong-one"})
        assert (answer.status_code, answer.get_json(silent=True)) == (
            baseline.status_code,
            baseline.get_json(silent=True),
        ), f"username {name[:20]!r}: {described(answer)}"
        assert set(answer.headers.keys()) == set(baseline.headers.keys()), f"headers differ for {name[:20]!r}"


@hidden_test("05.4")
def private_is_not_enough_for_the_browsers_own_cache(ns):
    app = exercise_app(ns, "account_page", "/exercise/account")
    alice, _ = logged_in(app, "alice")
    directives = cache_control(alice.get("/exercise/account").headers)
    assert "no-store" in directives, (
        f"Cache-Control is {directives}: private (or Vary: Cookie) keeps shared caches out, but the browser still "
        "keeps the page for the next person at the computer; say no-store"
    )


@hidden_test("05.5")
def origins_that_only_look_like_the_sites_own_are_refused(ns):
    app = exercise_app(ns, "change_email", "/exercise/email", ("POST",))
    bob, _ = logged_in(app, "bob")
    for origin in ("null", "http://localhost.evil.example", "http://localhost:8080", "https://localhost"):
        answer = bob.post("/exercise/email", json={"email": "mallory@evil.example"}, headers={"Origin": origin})
        assert email_of(bob) == "bob@example.com", f"Origin {origin!r} changed Bob's e-mail address"
        assert answer.status_code == 403, f"Origin {origin!r} is not this site: {described(answer)}"
    for site in ("cross-site", "same-site"):
        answer = bob.post("/exercise/email", json={"email": "mallory@evil.example"}, headers={"Sec-Fetch-Site": site})
        assert email_of(bob) == "bob@example.com", f"no Origin, Sec-Fetch-Site: {site} changed Bob's e-mail address"
        assert answer.status_code == 403, f"Sec-Fetch-Site: {site}: {described(answer)}"
    forged_form(bob, "/exercise/email", "mallory@evil.example", origin=None, site=None)
    assert email_of(bob) == "bob@example.com", "a form post (no Origin at all) changed Bob's e-mail address"


@hidden_test("05.5")
def a_json_looking_form_body_does_not_get_in(ns):
    app = exercise_app(ns, "change_email", "/exercise/email", ("POST",))
    bob, _ = logged_in(app, "bob")
    # enctype="text/plain" lets an HTML form send a body that looks like JSON, without a CORS preflight.
    bob.post("/exercise/email", data='{"email": "mallory@evil.example"}', content_type="text/plain")
    assert email_of(bob) == "bob@example.com", "a text/plain body that looks like JSON changed Bob's e-mail address"
