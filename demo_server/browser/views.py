"""Lesson 06: the browser's side of a request, recorded; cookie kits; a search page done right.

GET      /browser/cookies/<kit>           store one of the kits (demo_server.browser.kits)
GET|POST /browser/record/<label>          write down what arrived (?as=image answers a GIF)
GET|POST /browser/account/record/<label>  the same, under a more specific path
GET      /browser/recorded[?label=...]    what arrived, as JSON
GET      /browser/page                    an empty page to run scripts on
GET      /browser/search?q=...            the query shown escaped, under a CSP: the
                                          fixed twin of /vuln/browser/search
"""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, make_response, request
from markupsafe import Markup
from werkzeug.exceptions import BadRequest, NotFound

from demo_server.browser import kits
from demo_server.browser.pages import BANK_BANNER, html_page
from demo_server.context import recorder

bp = Blueprint("browser", __name__, url_prefix="/browser")

LABEL_SHAPE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MAX_QUERY = 500
# A 1x1 transparent GIF, for <img> probes.
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
# Only this site's own scripts, images and connections; no plugins, no <base>, no framing.
# Escaping is the fix; the policy is the second wall if an escape is ever forgotten.
SEARCH_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@bp.get("/cookies/<kit>")
def set_kit(kit: str):
    try:
        values = kits.set_cookie_values(kit, request.host.rpartition(":")[0] or request.host)
    except KeyError:
        raise NotFound(f"no cookie kit {kit!r}; there are: {', '.join(kits.KITS)}") from None
    items = Markup("").join(Markup("<li><code>Set-Cookie: {}</code></li>").format(value) for value in values)
    response = html_page(
        f"cookies: {kit}", Markup("<p>This page set:</p><ul>{}</ul>").format(items), banner=BANK_BANNER
    )
    for value in values:
        response.headers.add("Set-Cookie", value)
    return response


@bp.route("/record/<label>", methods=["GET", "POST"])
@bp.route("/account/record/<label>", methods=["GET", "POST"])
def record(label: str):
    if not LABEL_SHAPE.fullmatch(label):
        raise BadRequest("a label is 1 to 64 letters, digits, '.', '_' or '-'")
    arrival = recorder().record(label, request)
    if request.args.get("as") == "image":
        response = make_response(PIXEL)
        response.mimetype = "image/gif"
        return response
    cookies = ", ".join(arrival.cookie_names) or "none"
    body = Markup(
        "<p>The server received <b>{method} {path}</b>.</p>"
        "<p>Cookies that came with it: <b>{cookies}</b><br>Sec-Fetch-Site: <b>{site}</b></p>"
    ).format(method=arrival.method, path=arrival.path, cookies=cookies, site=arrival.sec_fetch_site or "(none)")
    return html_page(f"recorded {label}", body, banner=BANK_BANNER)


@bp.get("/recorded")
def recorded():
    label = request.args.get("label")
    if label is not None and not LABEL_SHAPE.fullmatch(label):
        raise BadRequest("a label is 1 to 64 letters, digits, '.', '_' or '-'")
    return jsonify({"arrivals": [arrival.as_dict() for arrival in recorder().arrivals(label)]})


@bp.get("/page")
def empty_page():
    return html_page("page", Markup("<p class=note>An empty page of this site.</p>"), banner=BANK_BANNER)


@bp.get("/search")
def search():
    """The search page done right: the query is text, never HTML, and a CSP backs that up."""
    query = request.args.get("q", "")[:MAX_QUERY]
    body = Markup(
        "<form><input name=q value='{query}'> <button>Search</button></form><p>Results for <b>{query}</b>: none.</p>"
    )
    response = html_page("search", body.format(query=query), banner=BANK_BANNER)
    response.headers["Content-Security-Policy"] = SEARCH_POLICY
    return response
