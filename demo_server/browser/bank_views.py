"""Lesson 06: the bank, with its transfers protected three ways.

    GET|POST /bank/login                   log in; sets __Host-bank (HttpOnly, SameSite=Lax)
    GET      /bank/                        your balance and a transfer form (?via=token|handmade|origin)
    GET      /bank/me                      who you are and your balance, as JSON
    POST     /bank/transfer                Flask-WTF's CSRFProtect checks a token
    POST     /bank/handmade-token/transfer the hand-written synchronizer token (forgery.py)
    POST     /bank/origin-check/transfer   Sec-Fetch-Site / Origin must say "this site" (forgery.py)

Each transfer route has exactly one CSRF defence, so lesson 06 can show each
one stop the same forged form on its own. The vulnerable twins (no defence, a
GET that moves money, a method override, cookies set wrong) are in
demo_server/vulnerable/bank.py.
"""

from __future__ import annotations

from typing import Callable

from flask import Blueprint, jsonify, redirect, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.exceptions import BadRequest, Conflict, Unauthorized

from demo_server.browser import bank_session, forgery
from demo_server.browser.bank import MAX_TRANSFER, TransferRefused
from demo_server.browser.pages import BANK_BANNER, html_page
from demo_server.browser.service import csrf
from demo_server.context import bank, users
from demo_server.sessions.stores import Session
from demo_server.web.request_input import MAX_FIELD_LENGTH

bp = Blueprint("bank", __name__, url_prefix="/bank")

TRANSFER_ROUTES = {
    "token": "/bank/transfer",
    "handmade": "/bank/handmade-token/transfer",
    "origin": "/bank/origin-check/transfer",
}


# --- logging in ----------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login():
    return login_view(action="/bank/login", samesite="Lax", httponly=True)


def login_view(*, action: str, samesite: str, httponly: bool):
    """The login form (GET) and logging in (POST); the twins pass the cookie attributes they get wrong."""
    if request.method == "GET":
        return login_form(action)
    csrf.protect()  # a forged login (into the attacker's account) is a CSRF too
    username, password = form_fields("username", "password")
    if not users().verify(username, password):
        raise Unauthorized("wrong username or password")
    response = redirect("/bank/", code=303)
    bank_session.issue(response, bank_session.start(username), samesite=samesite, httponly=httponly)
    return response


def login_form(action: str):
    body = Markup(
        "<h3>Log in</h3><form method=post action='{action}'>"
        "<input type=hidden name=csrf_token value='{token}'>"
        "<label>User <input name=username autocomplete=off></label><br>"
        "<label>Password <input name=password type=password></label><br>"
        "<button id=login>Log in</button></form>"
    ).format(action=action, token=generate_csrf())
    return html_page("bank: log in", body, banner=BANK_BANNER)


# --- the account ---------------------------------------------------------------


@bp.get("/")
def account():
    session = bank_session.current()
    if session is None:
        return redirect("/bank/login", code=303)
    via = request.args.get("via", "token")
    if via not in TRANSFER_ROUTES:
        raise BadRequest(f"via is one of {', '.join(TRANSFER_ROUTES)}")
    hidden = {
        "token": Markup("<input type=hidden name=csrf_token value='{}'>").format(generate_csrf()),
        "handmade": Markup("<input type=hidden name=csrf_token value='{}'>").format(forgery.handmade_token(session)),
        "origin": Markup(""),  # the browser's own headers are the proof
    }[via]
    body = Markup(
        "<p>Hello <b>{user}</b>. Your balance: <b id=balance>{balance}</b></p>"
        "<h3>Send money</h3><form method=post action='{action}'>{hidden}"
        "<label>To <input name=to value='bob'></label> <label>Amount <input name=amount value='10' size=6></label> "
        "<button id=send>Send</button></form>"
    ).format(
        user=session.user_id,
        balance=bank().balance(session.user_id),
        action=TRANSFER_ROUTES[via],
        hidden=hidden,
    )
    return html_page("bank: your account", body, banner=BANK_BANNER)


@bp.get("/me")
def me():
    session = require_login()
    return jsonify({"user": session.user_id, "balance": bank().balance(session.user_id)})


# --- transfers, one defence each -------------------------------------------------


@bp.post("/transfer")
def transfer_with_flask_wtf():
    session = require_login()
    csrf.protect()
    return make_transfer(session, via="/bank/transfer")


@bp.post("/handmade-token/transfer")
def transfer_with_handmade_token():
    session = require_login()
    forgery.require_handmade_token(session)
    return make_transfer(session, via="/bank/handmade-token/transfer")


@bp.post("/origin-check/transfer")
def transfer_with_origin_check():
    session = require_login()
    forgery.require_same_origin()
    return make_transfer(session, via="/bank/origin-check/transfer")


# --- shared with the vulnerable twins --------------------------------------------


def require_login() -> Session:
    session = bank_session.current()
    if session is None:
        raise Unauthorized(f"not logged in to the bank: no valid {bank_session.COOKIE} cookie came with this request")
    return session


def make_transfer(session: Session, *, via: str, values: Callable[[str], str | None] | None = None):
    """Move the money the request asks for and answer with a receipt page."""
    recipient, amount_text = form_fields("to", "amount", values=values)
    if not amount_text.isdigit() or not 0 < int(amount_text) <= MAX_TRANSFER:
        raise BadRequest(f"amount is a whole number from 1 to {MAX_TRANSFER}")
    try:
        made = bank().transfer(session.user_id, recipient, int(amount_text), via=via)
    except TransferRefused as refused:
        raise Conflict(str(refused)) from None
    body = Markup("<p id=receipt>Sent <b>{amount}</b> to <b>{to}</b>. Your balance: <b>{balance}</b></p>").format(
        amount=made.amount, to=made.recipient, balance=bank().balance(session.user_id)
    )
    return html_page("bank: sent", body, banner=BANK_BANNER)


def form_fields(*names: str, values: Callable[[str], str | None] | None = None) -> tuple[str, ...]:
    """Non-empty text fields of a form (or of ``values``, e.g. the query string), or a 400."""
    get = values or request.form.get
    found = []
    for name in names:
        value = get(name)
        if not value:
            raise BadRequest(f"the form has no '{name}'")
        if len(value) > MAX_FIELD_LENGTH:
            raise BadRequest(f"'{name}' is longer than {MAX_FIELD_LENGTH} characters")
        found.append(value)
    return tuple(found)
