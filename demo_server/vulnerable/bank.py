"""Lesson 06's deliberately vulnerable bank routes (registered only with INSECURE_DEMOS).

- ``/vuln/bank/login`` sets the session cookie with ``SameSite=None``: the
  browser sends it with requests other sites start (a forged form included).
- ``/vuln/bank/login-readable-cookie`` leaves out ``HttpOnly``: any script in
  the bank's pages (an XSS) can read the session ID and send it away.
- ``/vuln/bank/transfer`` moves money on the session cookie alone: no token,
  no origin check (CSRF).
- ``/vuln/bank/transfer-by-get`` moves money on a GET, which ``SameSite=Lax``
  cookies come with on a top-level navigation from another site.
- ``/vuln/bank/transfer-override`` treats ``GET ...?_method=POST`` as a POST
  (a "method override"), the same way around ``SameSite=Lax``.

Each one's fixed twin is a route of ``demo_server/browser/bank_views.py``.
"""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import MethodNotAllowed

from demo_server.browser.bank_views import login_view, make_transfer, require_login
from demo_server.vulnerable.labels import insecure, insecure_blueprint

bp = insecure_blueprint("bank_vuln", __name__, url_prefix="/vuln/bank")


@bp.route("/login", methods=["GET", "POST"])
@insecure(
    flaw="the session cookie is SameSite=None, so the browser sends it with requests that other sites start",
    cwe="CWE-1275",
    asvs="v5.0.0-3.3.2",
    fixed_twin="/bank/login",
)
def login_samesite_none():
    return login_view(action="/vuln/bank/login", samesite="None", httponly=True)


@bp.route("/login-readable-cookie", methods=["GET", "POST"])
@insecure(
    flaw="the session cookie has no HttpOnly, so any script in the bank's pages (an XSS) can read it",
    cwe="CWE-1004",
    asvs="v5.0.0-3.3.4",
    fixed_twin="/bank/login",
)
def login_without_httponly():
    return login_view(action="/vuln/bank/login-readable-cookie", samesite="Lax", httponly=False)


@bp.post("/transfer")
@insecure(
    flaw="moves money on the session cookie alone, so a form on any other site can make the browser do it (CSRF)",
    cwe="CWE-352",
    asvs="v5.0.0-3.5.1",
    fixed_twin="/bank/transfer",
)
def transfer_without_defence():
    return make_transfer(require_login(), via="/vuln/bank/transfer")


@bp.get("/transfer-by-get")
@insecure(
    flaw="a GET moves money; SameSite=Lax cookies come with a top-level GET from any site, so a link is a CSRF",
    cwe="CWE-352",
    asvs="v5.0.0-3.5.3",
    fixed_twin="/bank/transfer",
)
def transfer_by_get():
    return make_transfer(require_login(), via="/vuln/bank/transfer-by-get", values=request.args.get)


@bp.route("/transfer-override", methods=["GET", "POST"])
@insecure(
    flaw="GET ...?_method=POST counts as a POST, so a link (which SameSite=Lax lets through) moves money",
    cwe="CWE-352",
    asvs="v5.0.0-3.5.3",
    fixed_twin="/bank/transfer",
)
def transfer_with_method_override():
    # THE FLAW: the method the request *says* it has, not the one it has.
    method = request.values.get("_method", request.method).upper()
    if method != "POST":
        raise MethodNotAllowed(valid_methods=["POST"], description="a transfer is a POST (or ?_method=POST)")
    return make_transfer(require_login(), via="/vuln/bank/transfer-override", values=request.values.get)
