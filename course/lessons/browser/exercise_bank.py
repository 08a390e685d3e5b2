"""The little bank of exercise notebook 06: the course's code around the learner's three functions.

    transfer_form(user) -> str           the HTML form on the account page (exercise 06.1)
    check_transfer_request() -> None     called first in POST /transfer; abort(403) to refuse (06.1)
    search_results(query) -> str         the HTML of the search results (exercise 06.2)

Partner sites embed this bank in frames, so its session cookie is
``SameSite=None; Secure`` and goes with requests other sites start: SameSite
cannot be the CSRF defence here, the learner's code has to be. The bank writes
down every transfer request (did it come with a logged-in session, what was
answered), so a check can tell a refused forgery from a cookie that never came.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Callable

from flask import Flask, jsonify, redirect, request, session
from markupsafe import Markup
from werkzeug.exceptions import BadRequest, HTTPException, Unauthorized

from demo_server import DEMO_USERS, context
from demo_server.clock import ManualClock
from demo_server.runner import DemoServer, serve_app

BANNER_STYLE = "padding:8px 14px;color:#fff;font-weight:600;background:#1a7f37"


@dataclass(frozen=True)
class TransferRequest:
    """One POST /transfer as the bank saw it."""

    user: str | None  # the logged-in user whose session came with it, or None
    recipient: str
    amount: str
    status: int  # what the bank answered
    moved: bool  # whether money moved


@dataclass
class Ledger:
    requests: list[TransferRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, entry: TransferRequest) -> None:
        with self._lock:
            self.requests.append(entry)

    def find(self, amount: str) -> list[TransferRequest]:
        with self._lock:
            return [entry for entry in self.requests if entry.amount == amount]


def create_exercise_bank(
    transfer_form: Callable[[str], str],
    check_transfer_request: Callable[[], None],
    search_results: Callable[[str], str],
) -> Flask:
    app = Flask("exercise_bank")
    app.secret_key = secrets.token_bytes(32)
    app.extensions[context.CLOCK] = ManualClock()  # the demo server's handler dates responses by it
    # Embedded by partner sites: the session cookie must come with their requests.
    app.config.update(SESSION_COOKIE_SAMESITE="None", SESSION_COOKIE_SECURE=True)
    ledger = Ledger()
    app.extensions["ledger"] = ledger

    def page(body: str) -> str:
        return f"<!doctype html><meta charset=utf-8><div style='{BANNER_STYLE}'>Your bank (exercise 06)</div>{body}"

    @app.get("/health")
    def health():
        return jsonify({"status": "ok"})

    @app.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "GET":
            return page(
                "<form method=post><input name=username> <input name=password type=password> "
                "<button id=login>Log in</button></form>"
            )
        username, password = request.form.get("username", ""), request.form.get("password", "")
        if DEMO_USERS.get(username) != password:
            raise Unauthorized("wrong username or password")
        session.clear()
        session["user"] = username
        return redirect("/", code=303)

    @app.get("/")
    def account():
        if "user" not in session:
            return redirect("/login", code=303)
        return page(f"<p>Hello {Markup.escape(session['user'])}.</p>" + transfer_form(session["user"]))

    @app.post("/transfer")
    def transfer():
        user = session.get("user")
        recipient, amount = request.form.get("to", ""), request.form.get("amount", "")
        try:
            check_transfer_request()
            if user is None:
                raise Unauthorized("log in first")
            if not recipient or not amount.isdigit():
                raise BadRequest("a transfer needs 'to' and a whole-number 'amount'")
        except HTTPException as refused:
            ledger.add(TransferRequest(user, recipient, amount, refused.code or 400, moved=False))
            raise
        ledger.add(TransferRequest(user, recipient, amount, 200, moved=True))
        return page(f"<p id=receipt>Sent {Markup.escape(amount)} to {Markup.escape(recipient)}.</p>")

    @app.get("/search")
    def search():
        query = request.args.get("q", "")
        return page("<form><input name=q> <button>Search</button></form>" + search_results(query))

    @app.errorhandler(HTTPException)
    def refused(error: HTTPException):
        return page(f"<p id=refused>{error.code}: {Markup.escape(error.description)}</p>"), error.code

    return app


@dataclass
class RunningBank:
    server: DemoServer

    @property
    def url(self) -> str:
        """By the name localhost: the course's attacker site (127.0.0.1) is another site."""
        return f"http://localhost:{self.server.port}"

    @property
    def ledger(self) -> Ledger:
        return self.server.app.extensions["ledger"]

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> RunningBank:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def serve_exercise_bank(
    transfer_form: Callable[[str], str],
    check_transfer_request: Callable[[], None],
    search_results: Callable[[str], str],
) -> RunningBank:
    """The bank with these three functions, on a free port of 127.0.0.1 (``with``: stopped after)."""
    return RunningBank(serve_app(create_exercise_bank(transfer_form, check_transfer_request, search_results)))
