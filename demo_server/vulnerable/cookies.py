"""Lesson 01: the article's Next.js login, rebuilt in Flask, flaws included.

The course grew out of a beginner article whose login API sets
``user=admin`` and whose profile API lets in any request whose Cookie header
*contains* that text. These two views answer exactly as that code did, so a
learner can set them side by side and forge their way in. The fixed twins
live in ``demo_server/cookies/views.py``.

One deliberate difference: a body that is not a JSON object gets a 4xx with
a reason (``request_input``), where the article's ``await request.json()``
would crash. Any JSON object is read as the article reads it: a missing or
non-string username or password is simply not ``admin``/``1234``, so 401.
"""

from __future__ import annotations

from flask import jsonify, request

from demo_server.vulnerable.labels import insecure, insecure_blueprint
from demo_server.web.request_input import json_object

bp = insecure_blueprint("seed", __name__, "/seed")

# The article's exact answers. tests/test_bad_input.py accepts these bodies on
# 401s from this blueprint instead of the server's usual {"error": ...}.
LOGIN_OK = {"message": "Login successful"}
LOGIN_FAILED = {"message": "Invalid credentials"}
PROFILE_OK = {"message": "Welcome Admin"}
PROFILE_DENIED = {"message": "Not logged in"}
ARTICLE_ERROR_BODIES = (LOGIN_FAILED, PROFILE_DENIED)

# Written raw, as the article does: Werkzeug's set_cookie would add an Expires.
ARTICLE_SET_COOKIE = "user=admin; HttpOnly; Path=/; Max-Age=3600"


@bp.post("/api/login")
@insecure(
    flaw="the login cookie is the user name in plain text, the same for every login, so anyone can write it",
    cwe=("CWE-565", "CWE-642"),
    asvs="v5.0.0-7.2.2",
    fixed_twin="/cookies/api/login",
)
def login():
    body = json_object()
    # Like the article's destructuring: absent fields are undefined, and never equal "admin".
    username, password = body.get("username"), body.get("password")
    if username == "admin" and password == "1234":
        response = jsonify(LOGIN_OK)
        response.headers["Set-Cookie"] = ARTICLE_SET_COOKIE
        return response
    return jsonify(LOGIN_FAILED), 401


@bp.get("/api/profile")
@insecure(
    flaw="trusts any Cookie header that contains the text 'user=admin' (forged or substring)",
    cwe=("CWE-565", "CWE-697"),
    asvs="v5.0.0-9.1.1",
    fixed_twin="/cookies/api/profile",
)
def profile():
    cookies = request.headers.get("Cookie", "")
    if "user=admin" in cookies:  # the article's cookies.includes("user=admin")
        return jsonify(PROFILE_OK)
    return jsonify(PROFILE_DENIED), 401
