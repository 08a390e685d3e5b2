"""Lesson 00: a health check, an echo of what the server received, and a greeting
that shows HTTP forgets you unless a cookie reminds it."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import BadRequest

from demo_server.web.cookie_header import set_cookie

bp = Blueprint("basics", __name__)

MAX_NAME_LENGTH = 40


@bp.get("/health")
def health():
    return jsonify({"status": "ok"})


@bp.route("/echo", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def echo():
    """What the server received: method, path, query, headers, cookies and body."""
    raw = request.get_data(cache=True)
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the request body is not valid UTF-8; the echo shows text bodies only") from None
    return jsonify(
        {
            "method": request.method,
            "path": request.path,
            "query": request.args.to_dict(flat=True),
            "headers": dict(request.headers.items()),
            "cookies": request.cookies.to_dict(flat=True),
            "body": body,
        }
    )


@bp.get("/hello")
def hello():
    """Greets you by name only if a cookie tells it who you are."""
    name = request.cookies.get("name")
    if name:
        return jsonify({"message": f"Welcome back, {_checked_name(name)}!"})
    return jsonify({"message": "Hello, stranger! I have no idea who you are."})


@bp.get("/remember")
def remember():
    """Learns your name from ?name=... and asks your client to remind it next time."""
    name = _checked_name(request.args.get("name", ""))
    response = jsonify({"message": f"Nice to meet you, {name}. I will remember you (if you send my cookie back)."})
    set_cookie(response, "name", name, httponly=True, samesite="Lax")
    return response


def _checked_name(name: str) -> str:
    if not name:
        raise BadRequest("tell me your name: /remember?name=Ada")
    if len(name) > MAX_NAME_LENGTH or not all(ch.isalnum() or ch in " -_." for ch in name):
        raise BadRequest(f"a name is 1 to {MAX_NAME_LENGTH} letters, digits, spaces, '-', '_' or '.'")
    return name
