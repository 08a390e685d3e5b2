"""Lesson 03: server-side sessions done right.

The cookie carries only an opaque random ID; who you are, your cart and when
you must log in again live on the server (demo_server.sessions.stores). The ID changes
at login and at a password change, logout deletes the session on the server,
and a user can see and end their other sessions.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import BadRequest, Conflict, Forbidden, NotFound, Unauthorized

from demo_server.context import session_store, users
from demo_server.sessions import cookie as session_cookie
from demo_server.sessions.stores import Session
from demo_server.users import MIN_PASSWORD_LENGTH
from demo_server.web.request_input import json_object, string_fields

bp = Blueprint("sessions", __name__, url_prefix="/sessions")

MAX_CART_ITEMS = 100
ITEM_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,40}")
DEVICE_ID_SHAPE = re.compile(r"[0-9a-f]{16}")
MAX_DEVICE_LABEL = 80


# --- logging in and out -------------------------------------------------------


@bp.post("/login")
def login():
    """Check the password, then start a NEW session: whatever ID the browser
    arrived with (perhaps planted by an attacker) is deleted, never promoted."""
    username, password = string_fields(json_object(), "username", "password")
    if not users().verify(username, password):
        raise Unauthorized("wrong username or password")
    store = session_store()
    moved = None
    arrived_with = session_cookie.read_session_id()
    if arrived_with is not None:
        previous = store.get(arrived_with)
        if previous is not None and previous.user_id is None:
            # Keep the cart, not the ID: it moves to a new session in one step, with items still being added.
            moved = store.rotate(arrived_with, user_id=username, device=device_label(), keep=_cart_only)
        else:
            store.delete(arrived_with)
    session_id, session = moved or store.create(username, device=device_label())
    response = jsonify({"message": f"logged in as {username}", "session": describe(session)})
    session_cookie.issue(response, session_id)
    return response


@bp.get("/me")
def me():
    session = require_login()
    return jsonify({"user": session.user_id, "session": describe(session)})


@bp.post("/logout")
def logout():
    """Delete the session on the server: a copy of the cookie is worthless from now on."""
    session_id, _ = current_session(logged_in=False)
    session_store().delete(session_id)
    response = jsonify({"message": "logged out: this session no longer exists on the server"})
    session_cookie.clear(response)
    return response


# --- devices ------------------------------------------------------------------


@bp.get("/devices")
def devices():
    session = require_login()
    listed = [
        {
            "id": other.device_id,
            "device": other.device,
            "current": other.id_hash == session.id_hash,
            **describe(other),
        }
        for other in session_store().list_for_user(session.user_id)
    ]
    return jsonify({"devices": listed})


@bp.delete("/devices/<device_id>")
def revoke_device(device_id: str):
    session = require_login()
    if not DEVICE_ID_SHAPE.fullmatch(device_id):
        raise BadRequest("a device id is the 16 hex digits GET /sessions/devices lists")
    for other in session_store().list_for_user(session.user_id):
        if other.device_id == device_id:
            session_store().revoke(other.id_hash)
            response = jsonify({"message": f"ended the session on {other.device or 'an unnamed device'}"})
            if other.id_hash == session.id_hash:
                session_cookie.clear(response)
            return response
    raise NotFound("none of your sessions has that device id")


@bp.post("/password")
def change_password():
    """A new password ends every other session and gives this one a new ID."""
    session_id, session = current_session(logged_in=True)
    current, new = string_fields(json_object(), "current_password", "new_password")
    if not users().verify(session.user_id, current):
        raise Forbidden("the current password is wrong")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise BadRequest(f"a new password has at least {MIN_PASSWORD_LENGTH} characters")
    if new == current:
        raise BadRequest("the new password is the same as the current one")
    store = session_store()
    # This session moves to a new ID in one step of the store, so a cart add racing the change
    # lands before the move (and moves with it) or is refused, never lost.
    moved = store.rotate(session_id, user_id=session.user_id, device=session.device)
    if moved is None:
        raise Conflict("this session ended or changed its ID while the request was on its way: log in again")
    new_id, _ = moved
    users().set_password(session.user_id, new)
    ended = store.revoke_all(session.user_id, except_id=new_id)
    response = jsonify({"message": f"password changed; {ended} other session(s) ended", "ended_sessions": ended})
    session_cookie.issue(response, new_id)
    return response


# --- the article's shopping cart, kept on the server ---------------------------


@bp.get("/cart")
def cart():
    session = _optional_session()
    return jsonify({"cart": session.data.get("cart", []) if session else []})


@bp.post("/cart")
def add_to_cart():
    """Add an item. No login needed: a visitor without a session gets an anonymous one."""
    (item,) = string_fields(json_object(), "item")
    if not ITEM_SHAPE.fullmatch(item):
        raise BadRequest("an item is 1 to 40 letters, digits, '-' or '_'")

    def add(data: dict) -> None:
        items = data.setdefault("cart", [])
        if len(items) >= MAX_CART_ITEMS:
            raise Conflict(f"the cart is full ({MAX_CART_ITEMS} items)")
        items.append(item)

    store = session_store()
    session_id = session_cookie.read_session_id()
    # The store runs the read-modify-write as one step: concurrent adds all count.
    session = store.update(session_id, add) if session_id is not None else None
    started = session is None
    if started and store.was_rotated(session_id):
        # The session moved to a new ID (a login or a password change) while this add was on its way.
        raise Conflict("this session just got a new ID (a login or a password change): add the item again")
    if started:
        # No live session: start an anonymous one with a fresh ID (never one the client chose).
        session_id, _ = store.create(None, device=device_label())
        session = store.update(session_id, add)
    else:
        store.touch(session_id)
    response = jsonify({"cart": session.data["cart"]})
    response.status_code = 201
    if started:
        session_cookie.issue(response, session_id)
    return response


# --- helpers (the insecure twin reuses some) ---------------------------------


def _cart_only(data: dict) -> dict:
    return {"cart": data.get("cart", [])}


def current_session(*, logged_in: bool = True) -> tuple[str, Session]:
    """(raw ID, session) of the request, renewed; or a 401 that says what is missing."""
    session_id = session_cookie.read_session_id()
    if session_id is None:
        raise Unauthorized(
            f"no session cookie ({session_cookie.cookie_name()}): log in first with POST /sessions/login"
        )
    session = session_store().touch(session_id)
    if session is None:
        raise Unauthorized("this session is unknown, expired or ended (logged out or revoked): log in again")
    if logged_in and session.user_id is None:
        raise Unauthorized("this session holds only a cart; nobody has logged in to it: log in first")
    return session_id, session


def require_login() -> Session:
    return current_session(logged_in=True)[1]


def _optional_session() -> Session | None:
    session_id = session_cookie.read_session_id()
    return session_store().touch(session_id) if session_id is not None else None


def device_label() -> str:
    agent = request.headers.get("User-Agent", "")
    printable = "".join(ch for ch in agent if ch.isprintable())
    return printable[:MAX_DEVICE_LABEL]


def describe(session: Session) -> dict:
    """A session's times as ISO 8601 UTC, for JSON answers."""
    policy = session_store().policy
    return {
        "created": iso(session.created_at),
        "last_seen": iso(session.last_seen),
        "idle_expires": iso(session.last_seen + policy.idle_timeout),
        "absolute_expires": iso(session.created_at + policy.absolute_timeout),
        "expires": iso(session.expires_at),
    }


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
