"""Lesson 06: the reflected XSS (/vuln/browser/search) against the escaped search page."""

from __future__ import annotations

import secrets

from . import attack


@attack("/vuln/browser/search")
def script_in_the_query(app, target) -> bool:
    """A link whose query is a script: does the page come back with that script in it, as HTML?
    (Chromium runs it: tests/test_browser_lessons.py and lesson 06, Step 3.)"""
    marker = secrets.token_hex(8)
    payload = f"<script>document.title='{marker}'</script>"
    page = app.test_client().get(target, query_string={"q": payload}).get_data(as_text=True)
    return payload in page
