"""Lesson 06's vulnerable twins attacked in Chromium: each attack gets through on the twin, fails on the fix.

tests/twin_attacks/ replays these attacks with Flask's test client and the headers a
browser would send; here a real browser sends them, with the cookies it decides to
send. One browser, one bank and one attacker site for the whole module.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from demo_server import DEMO_USERS, context, create_app
from demo_server.browser.bank import ATTACKER_ACCOUNT

from .browser_support import require_chromium
from .conftest import TEST_CONFIG

ALICE = ("alice", DEMO_USERS["alice"])


@pytest.fixture(scope="module")
def site():
    require_chromium()
    from course.lessons.browser import open_browser, start_attacker_site
    from demo_server.runner import serve_app

    server = serve_app(create_app({**TEST_CONFIG, "INSECURE_DEMOS": True}))
    yield {
        "browser": open_browser(),
        "attacker": start_attacker_site(),
        "server": server,
        "victim": f"http://localhost:{server.port}",
        "bank": context.bank(server.app),
        "recorder": context.recorder(server.app),
    }
    server.stop()


def logged_in(site, path="/bank/login"):
    from course.lessons.browser.probes import log_in

    tab = site["browser"].new_window()
    log_in(tab, site["victim"], *ALICE, path=path)
    return tab


def mallory_gains(site, attack) -> int:
    bank = site["bank"]
    before = bank.balance(ATTACKER_ACCOUNT)
    attack()
    return bank.balance(ATTACKER_ACCOUNT) - before


def forged_form(site, tab, route, *, from_site=None):
    from course.lessons.browser.probes import submit_forged_form

    action = site["victim"] + route
    return mallory_gains(
        site,
        lambda: submit_forged_form(tab, site["attacker"], action, site=from_site, to=ATTACKER_ACCOUNT, amount="7"),
    )


def forged_link(site, tab, route, **query):
    from course.lessons.browser.probes import click_forged_link

    href = f"{site['victim']}{route}?" + urlencode({**query, "to": ATTACKER_ACCOUNT, "amount": "7"})
    return mallory_gains(site, lambda: click_forged_link(tab, site["attacker"], href))


def test_the_bank_and_the_attacker_are_cross_site(site):
    from course.lessons.browser.probes import follow_link, fresh_label

    tab = site["browser"].new_window()
    tab.goto(f"{site['victim']}/browser/cookies/strict")
    for page, expected in ((site["attacker"].url, "cross-site"), (site["attacker"].sibling_url, "same-site")):
        label = fresh_label("site")
        follow_link(tab, f"{page}/", f"{site['victim']}/browser/record/{label}")
        came = site["recorder"].arrivals(label)[-1]
        assert came.sec_fetch_site == expected
        assert ("site_check" in came.cookie_names) == (expected == "same-site")
    tab.context.close()


def test_reflected_xss_runs_on_the_twin_not_on_the_fix(site):
    from course.lessons.browser.scenarios import visit_xss_link

    args = (site["browser"], site["attacker"], site["victim"])
    twin = visit_xss_link(*args, user=ALICE, login_path="/bank/login", search_path="/vuln/browser/search")
    fixed = visit_xss_link(
        *args, user=ALICE, login_path="/bank/login", search_path="/browser/search", expect_loot=False
    )
    assert twin.loot and twin.loot[0]["token"].count(".") == 2, "the twin's page ran the script"
    assert fixed.loot == [], "the fixed page shows the script as text"
    for visit in (twin, fixed):
        visit.tab.context.close()


def test_a_script_reads_the_twins_session_cookie_not_the_httponly_one(site):
    from course.lessons.browser.scenarios import visit_xss_link

    args = (site["browser"], site["attacker"], site["victim"])
    search = "/vuln/browser/search"
    readable = visit_xss_link(*args, user=ALICE, login_path="/vuln/bank/login-readable-cookie", search_path=search)
    httponly = visit_xss_link(*args, user=ALICE, login_path="/bank/login", search_path=search)
    assert readable.loot[0]["cookies"].startswith("__Host-bank=")
    assert httponly.loot[0]["cookies"] == ""
    for visit in (readable, httponly):
        visit.tab.context.close()


def test_a_forged_form_moves_money_only_without_a_defence(site):
    tab = logged_in(site, "/vuln/bank/login")  # SameSite=None: the cookie goes with the forged form
    assert forged_form(site, tab, "/vuln/bank/transfer") == 7
    for fixed in ("/bank/transfer", "/bank/handmade-token/transfer", "/bank/origin-check/transfer"):
        assert forged_form(site, tab, fixed) == 0, fixed
    assert forged_form(site, tab, "/bank/origin-check/transfer", from_site=site["attacker"].sibling_url) == 0
    tab.context.close()


def test_the_samesite_none_login_lets_the_forgery_in_and_the_lax_one_does_not(site):
    lax = logged_in(site)
    assert forged_form(site, lax, "/vuln/bank/transfer") == 0
    none = logged_in(site, "/vuln/bank/login")
    assert forged_form(site, none, "/vuln/bank/transfer") == 7
    for tab in (lax, none):
        tab.context.close()


def test_links_get_around_lax_on_the_twins_but_not_the_fix(site):
    tab = logged_in(site)  # SameSite=Lax
    assert forged_link(site, tab, "/vuln/bank/transfer-by-get") == 7
    assert forged_link(site, tab, "/vuln/bank/transfer-override", _method="POST") == 7
    assert forged_link(site, tab, "/bank/transfer") == 0, "the fixed transfer is POST only"
    assert forged_link(site, tab, "/bank/transfer", _method="POST") == 0
    tab.context.close()


def test_the_legitimate_forms_still_work(site):
    tab = logged_in(site)
    bank = site["bank"]
    for via in ("token", "handmade", "origin"):
        before = bank.balance("bob")
        tab.goto(f"{site['victim']}/bank/?via={via}")
        with tab.expect_navigation() as navigation:
            tab.click("#send")
        assert navigation.value.status == 200 and bank.balance("bob") == before + 10, via
    tab.context.close()
