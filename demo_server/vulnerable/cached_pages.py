"""Lesson 05, station 10: a logged-in page that a shared cache may keep.

What developers write, and why it looks fine: ``Cache-Control: public,
max-age=300`` on the account page, because it is slow and "the CDN makes it
fast" (or a site-wide rule that caches everything). A shared cache keys its
copies by URL; the Cookie that made the page Alice's is not part of the key.
So the next person who asks for ``/vuln/cache/account`` within five minutes
gets Alice's page, her e-mail address in it. The fixed twin,
``/mistakes/cache/account``, says ``Cache-Control: no-store``.
"""

from __future__ import annotations

from demo_server.mistakes.cache import account_page
from demo_server.sessions.views import require_login
from demo_server.vulnerable.labels import insecure, insecure_blueprint

bp = insecure_blueprint("vuln_cached_pages", __name__, "/vuln/cache")


@bp.get("/account")
@insecure(
    flaw="marks a logged-in user's page 'Cache-Control: public, max-age=300', so a shared cache hands one "
    "user's page to the next",
    cwe="CWE-524",
    asvs="v5.0.0-14.2.2",
    fixed_twin="/mistakes/cache/account",
)
def account():
    response = account_page(require_login())
    response.headers["Cache-Control"] = "public, max-age=300"  # THE FLAW
    return response
