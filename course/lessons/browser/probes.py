"""What the attacker's pages make a browser do, one function each, for lesson 06 and its checks.

Each probe opens one of the attacker site's pages in a tab and waits until the
browser has done what that page makes it do: submit a forged form, follow a
link, fetch, load an image. What arrived is then read from the server's own
record (``demo_server.browser.recorder``), never assumed.
"""

from __future__ import annotations

import re
import secrets
import time
from urllib.parse import urlencode

from course.lessons.browser.attacker import AttackerSite
from course.lessons.browser.thread import Remote

LOOT_WAIT_SECONDS = 5.0
# A script in a page sends its beacon before the page's load event, which every probe waits for;
# this much longer is plenty to be sure nothing is on its way.
NOTHING_CAME_SECONDS = 0.3


def fresh_label(kind: str) -> str:
    """A label for one probe, new on every run (so a re-run never reads an old record)."""
    return f"{re.sub(r'[^a-z0-9]+', '-', kind.lower()).strip('-')}-{secrets.token_hex(4)}"


def submit_forged_form(
    tab: Remote, attacker: AttackerSite, action: str, *, site: str | None = None, **fields: str
) -> Remote:
    """The attacker's page posts a form to ``action`` on load (``site``: the page's origin, default
    the attacker's); returns the response the tab got."""
    query = urlencode({"action": action, **fields})
    with tab.expect_navigation(url=lambda url: url.startswith(action.split("?")[0])) as navigation:
        tab.goto(f"{site or attacker.url}/form?{query}")
    return navigation.value


def click_forged_link(tab: Remote, attacker: AttackerSite, href: str, *, site: str | None = None) -> Remote:
    """The victim clicks a link on the attacker's page (``site``: its origin, default the attacker's)."""
    tab.goto(f"{site or attacker.url}/link?{urlencode({'href': href})}")
    with tab.expect_navigation() as navigation:
        tab.click("#prize")
    return navigation.value


def forged_fetch(tab: Remote, attacker: AttackerSite, url: str) -> str:
    """The attacker's page calls fetch(url, {credentials: "include"}); returns what its script saw."""
    tab.goto(f"{attacker.url}/fetch?{urlencode({'url': url})}")
    return tab.evaluate("window.outcome")


def forged_image(tab: Remote, attacker: AttackerSite, url: str) -> None:
    """The attacker's page loads ``url`` as an image."""
    tab.goto(f"{attacker.url}/image?{urlencode({'url': url + '?as=image'})}")
    tab.wait_for_function("document.getElementById('prize').complete")


def follow_link(tab: Remote, from_url: str, to_url: str) -> Remote:
    """Open ``from_url``, then click a link on it to ``to_url`` (a navigation that page starts)."""
    tab.goto(from_url)
    tab.evaluate(
        "href => { const a = document.createElement('a'); a.id = 'go'; a.href = href; a.textContent = href;"
        " document.body.append(a); }",
        to_url,
    )
    with tab.expect_navigation() as navigation:
        tab.click("#go")
    return navigation.value


def log_in(tab: Remote, base: str, username: str, password: str, *, path: str = "/bank/login") -> Remote:
    """Log in through the bank's form at ``base + path``, as a person would; returns the account page's response."""
    tab.goto(base + path)
    tab.fill("input[name=username]", username)
    tab.fill("input[name=password]", password)
    with tab.expect_navigation() as navigation:
        tab.click("#login")
    return navigation.value


def wait_for_loot(attacker: AttackerSite, seen: int, timeout: float = LOOT_WAIT_SECONDS) -> list[dict[str, str]]:
    """What reached the attacker since it had ``seen`` items (waits up to ``timeout`` for the first one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = attacker.loot.since(seen)
        if found:
            return found
        time.sleep(0.05)
    return []
