"""Lesson 06's real browser: a headless Chromium driven with Playwright, from a notebook.

    from course.lessons.browser import open_browser, start_attacker_site, screenshot, cookie_jar

    browser = open_browser()      # finds Chromium; one line saying how to get one if there is none
    tab = browser.new_window()    # a fresh private window; tab is a Playwright Page
    tab.goto("http://localhost:8000/bank/login")
    screenshot(tab)               # the PNG, shown in the notebook

- ``chromium``: where a Chromium may be, and the switches that keep it quiet and on loopback
- ``thread``: Playwright on a thread of its own (Jupyter's event loop forbids its sync API)
- ``session``: ``open_browser()``, ``Browser.new_window()``, ``close_all()``
- ``attacker``: the attacker's site, another site on 127.0.0.1
- ``probes``: forged forms, links, fetches and images, and waiting for stolen data
- ``display``: screenshots, the browser's cookie jar, tables of measurements
"""

from course.lessons.browser.attacker import AttackerSite, start_attacker_site
from course.lessons.browser.display import Table, cookie_jar, screenshot
from course.lessons.browser.session import Browser, BrowserMissing, close_all, open_browser
from course.lessons.browser.thread import BrowserClosed, NothingAnswers

__all__ = [
    "AttackerSite",
    "Browser",
    "BrowserClosed",
    "BrowserMissing",
    "NothingAnswers",
    "Table",
    "close_all",
    "cookie_jar",
    "open_browser",
    "screenshot",
    "start_attacker_site",
]
