"""Lesson 03's deliberately vulnerable twins (registered only with INSECURE_DEMOS).

- ``POST /vuln/sessions/login`` logs the user in to the session the browser
  arrived with, keeping its ID: an ID planted before login lets the attacker in
  (session fixation). Fixed twin: ``POST /sessions/login``.
- ``/vuln/sessions/cookie-cart`` keeps the cart in a cookie the client sends
  back: concurrent adds each start from the same old cart, and all but the last
  answer's items are lost. Fixed twin: ``/sessions/cart``, kept in the store,
  which appends in one atomic step (a lock in memory, a transaction in SQLite).
  Keeping the session on the server is not enough by itself: a store that loads
  the whole session and saves it back after each request (Flask-Session does)
  loses updates the same way.
"""

from __future__ import annotations

from dataclasses import replace

from flask import jsonify, request
from werkzeug.exceptions import BadRequest, Conflict, Unauthorized

from demo_server.context import session_store, users
from demo_server.sessions import cookie as session_cookie
from demo_server.sessions.stores import Session, SessionStore
from demo_server.sessions.views import ITEM_SHAPE, MAX_CART_ITEMS, describe, device_label
from demo_server.vulnerable.labels import insecure, insecure_blueprint
from demo_server.web.cookie_header import set_cookie
from demo_server.web.request_input import json_object, string_fields

bp = insecure_blueprint("sessions_vuln", __name__, url_prefix="/vuln/sessions")

CART_COOKIE = "cart"
CART_SEPARATOR = "|"
# Browsers keep at most 4096 bytes of cookie name and value (RFC 6265bis).
MAX_CART_COOKIE_BYTES = 4000

FIXATION = dict(
    flaw="logs the user in to the session ID the browser arrived with instead of issuing a new one, "
    "so an ID planted before login becomes the attacker's way in",
    cwe="CWE-384",
    asvs="v5.0.0-7.2.4",
    fixed_twin="/sessions/login",
)
LOST_UPDATE = dict(
    flaw="keeps the cart in a cookie the client sends back: concurrent adds each start from the same "
    "old cart and overwrite each other, so items are lost",
    cwe="CWE-362",
    asvs="v5.0.0-15.4.1",
    fixed_twin="/sessions/cart",
)


@bp.post("/login")
@insecure(**FIXATION)
def login_keeping_the_id():
    username, password = string_fields(json_object(), "username", "password")
    if not users().verify(username, password):
        raise Unauthorized("wrong username or password")
    store = session_store()
    arrived_with = session_cookie.read_session_id()
    # THE FLAW: the pre-login session is promoted as it is, same ID, same cookie.
    if arrived_with is not None:
        session = _log_in_keeping_the_id(store, arrived_with, username)
        if session is not None:
            return jsonify({"message": f"logged in as {username}", "session": describe(session)})
    session_id, session = store.create(username, device=device_label())
    response = jsonify({"message": f"logged in as {username}", "session": describe(session)})
    session_cookie.issue(response, session_id)
    return response


def _log_in_keeping_the_id(store: SessionStore, session_id: str, user_id: str) -> Session | None:
    """THE FLAW, as a store operation: put a user into an existing session, same ID.

    Secure code never does this (``POST /sessions/login`` creates a new session
    and deletes the old one), so it lives here and not in the store's interface.
    """
    return store._change_live(
        session_id,  # the store's atomic step, used for the wrong change
        lambda record: replace(record, user_id=user_id),
    )


@bp.route("/cookie-cart", methods=["GET", "POST"])
@insecure(**LOST_UPDATE)
def cookie_cart():
    """GET shows the cart; POST {"item": ...} adds one."""
    if request.method == "GET":
        return jsonify({"cart": _cart_from_cookie()})
    (item,) = string_fields(json_object(), "item")
    if not ITEM_SHAPE.fullmatch(item):
        raise BadRequest("an item is 1 to 40 letters, digits, '-' or '_'")
    # THE FLAW: read the cart the client sent, add, send it all back. Two
    # requests in flight both read the same old cart; the later answer wins.
    items = _cart_from_cookie() + [item]
    if len(items) > MAX_CART_ITEMS:
        raise Conflict(f"the cart is full ({MAX_CART_ITEMS} items)")
    value = CART_SEPARATOR.join(items)
    if len(CART_COOKIE) + len(value) > MAX_CART_COOKIE_BYTES:
        raise BadRequest("the cart no longer fits in a cookie (4 KB): one more reason to keep it on the server")
    response = jsonify({"cart": items})
    response.status_code = 201
    set_cookie(response, CART_COOKIE, value, httponly=True, samesite="Lax")
    return response


def _cart_from_cookie() -> list[str]:
    raw = request.cookies.get(CART_COOKIE, "")
    if not raw:
        return []
    items = raw.split(CART_SEPARATOR)
    if not all(ITEM_SHAPE.fullmatch(item) for item in items):
        raise BadRequest("the cart cookie is not a list of items separated by '|'")
    return items
