"""Lesson 06's deliberately vulnerable page (registered only with INSECURE_DEMOS).

``/vuln/browser/search?q=...`` writes the query into the page as HTML: a
reflected XSS. A link with a ``<script>`` in ``q`` runs that script as the
bank's own, with everything the bank's pages can read. Fixed twin:
``/browser/search`` (escaped, under a Content-Security-Policy).
"""

from __future__ import annotations

from flask import request
from markupsafe import Markup

from demo_server.browser.pages import BANK_BANNER, html_page
from demo_server.browser.views import MAX_QUERY
from demo_server.vulnerable.labels import insecure, insecure_blueprint

bp = insecure_blueprint("browser_vuln", __name__, url_prefix="/vuln/browser")


@bp.get("/search")
@insecure(
    flaw="writes the search query into the page as HTML, so a link can put a script in it (reflected XSS)",
    cwe="CWE-79",
    asvs="v5.0.0-1.2.1",
    fixed_twin="/browser/search",
)
def search():
    query = request.args.get("q", "")[:MAX_QUERY]
    # THE FLAW: Markup() declares the query safe HTML, so nothing in it is escaped.
    body = Markup(f"<form><input name=q> <button>Search</button></form><p>Results for <b>{query}</b>: none.</p>")
    return html_page("search", body, banner=BANK_BANNER)
