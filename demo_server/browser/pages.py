"""The little HTML every lesson 06 page shares: a banner that names the site, then the body.

Screenshots have no address bar, so the banner says which site a page is on.
Everything put into a page is escaped here unless it is already ``Markup``.
"""

from __future__ import annotations

from flask import Response, make_response, request
from markupsafe import Markup

BANK_BANNER = "Sessions, Live bank"
STYLE = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 0; color: #1f2328; }
header { padding: 8px 14px; color: #fff; font-weight: 600; }
main { padding: 10px 14px; }
input, button { font: inherit; margin: 2px 0; }
code, pre { font: 13px/1.35 ui-monospace, monospace; }
.note { color: #57606a; }
"""


def html_page(title: str, body: Markup | str, *, banner: str, colour: str = "#0b5cad") -> Response:
    """A whole HTML page; ``body`` is escaped unless it is Markup."""
    document = Markup(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
        "<style>{style}</style></head><body>"
        "<header style='background:{colour}'>{banner} <span style='font-weight:400'>· {host}</span></header>"
        "<main>{body}</main></body></html>"
    ).format(title=title, style=Markup(STYLE), colour=colour, banner=banner, host=request.host, body=body)
    response = make_response(str(document))
    response.mimetype = "text/html"
    return response
