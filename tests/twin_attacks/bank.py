"""Lesson 06: the bank's CSRF and cookie twins (/vuln/bank) against /bank.

A test client sends every cookie it holds, so these attacks send what a
browser would: the headers a cross-site form or link carries, and only the
cookies a browser sends with it (RFC 6265bis's SameSite rules, which lesson 06
measures in Chromium, where tests/test_browser_lessons.py repeats these attacks).
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

from demo_server import context
from demo_server.browser.bank import ATTACKER_ACCOUNT

from ..auth import ALICE
from . import attack

# What Chromium sends with a form another site submits, and with a link from another site.
CROSS_SITE_FORM = {"Origin": "http://127.0.0.1:9", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
CROSS_SITE_LINK = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-User": "?1"}
TOKEN_FIELD = re.compile(r"name=csrf_token value='([^']+)'")


def logged_in_client(app, login_path: str = "/bank/login"):
    """Alice, logged in through ``login_path``'s form (with the form's CSRF token, as a browser would)."""
    client = app.test_client()
    token = TOKEN_FIELD.search(client.get(login_path).get_data(as_text=True)).group(1)
    response = client.post(login_path, data={**ALICE, "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client, response


def mallory_gains(app, forge) -> bool:
    """Did ``forge()`` move money into the attacker's account?"""
    before = context.bank(app).balance(ATTACKER_ACCOUNT)
    forge()
    return context.bank(app).balance(ATTACKER_ACCOUNT) > before


def set_cookies(response) -> dict[str, dict]:
    """name -> {"value", "httponly", "samesite"} for every Set-Cookie of a response."""
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            found[name] = {"value": morsel.value, "httponly": bool(morsel["httponly"]), "samesite": morsel["samesite"]}
    return found


def cookie_header(cookies: dict[str, dict]) -> str:
    return "; ".join(f"{name}={cookie['value']}" for name, cookie in cookies.items())


@attack("/vuln/bank/login")
def forged_form_after_login(app, target) -> bool:
    """Alice logs in at ``target``; another site's form posts a transfer. Only the cookies a browser
    sends with a cross-site POST ride along: SameSite=None, or none given (Chromium's first 2 minutes)."""
    _, response = logged_in_client(app, target)
    sent = {n: c for n, c in set_cookies(response).items() if c["samesite"].lower() in ("none", "")}
    forger = app.test_client(use_cookies=False)
    headers = {**CROSS_SITE_FORM, "Cookie": cookie_header(sent)}
    return mallory_gains(
        app, lambda: forger.post("/vuln/bank/transfer", data={"to": ATTACKER_ACCOUNT, "amount": "1"}, headers=headers)
    )


@attack("/vuln/bank/login-readable-cookie")
def script_reads_the_session_cookie(app, target) -> bool:
    """Alice logs in at ``target``; a script in the bank's page reads what it can (no HttpOnly) and
    the attacker replays it from elsewhere."""
    _, response = logged_in_client(app, target)
    readable = {n: c for n, c in set_cookies(response).items() if not c["httponly"]}
    if not readable:
        return False
    attacker = app.test_client(use_cookies=False)
    me = attacker.get("/bank/me", headers={"Cookie": cookie_header(readable)})
    return me.status_code == 200 and me.json["user"] == "alice"


@attack("/vuln/bank/transfer")
def forged_form(app, target) -> bool:
    """Another site's form posts to ``target`` and the session cookie comes along; no token."""
    alice, _ = logged_in_client(app)
    return mallory_gains(
        app, lambda: alice.post(target, data={"to": ATTACKER_ACCOUNT, "amount": "1"}, headers=CROSS_SITE_FORM)
    )


@attack("/vuln/bank/transfer-by-get")
def link_that_moves_money(app, target) -> bool:
    """A link on another site: a top-level GET, which SameSite=Lax cookies come with."""
    alice, _ = logged_in_client(app)
    return mallory_gains(
        app, lambda: alice.get(target, query_string={"to": ATTACKER_ACCOUNT, "amount": "1"}, headers=CROSS_SITE_LINK)
    )


@attack("/vuln/bank/transfer-override")
def link_that_says_it_is_a_post(app, target) -> bool:
    """The same link with ``_method=POST`` in it."""
    alice, _ = logged_in_client(app)
    query = {"_method": "POST", "to": ATTACKER_ACCOUNT, "amount": "1"}
    return mallory_gains(app, lambda: alice.get(target, query_string=query, headers=CROSS_SITE_LINK))
