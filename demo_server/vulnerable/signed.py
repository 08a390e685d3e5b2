"""Lesson 02's vulnerable twin: Flask's session cookie signed with a weak key.

The key is a word from every list of common secrets (the placeholder nobody
replaced), written in the source, so an attacker who holds one cookie finds
the key offline and then signs cookies for any user. The fixed twins are
``/signed/login`` and ``/signed/profile``, whose key comes from
``secrets.token_bytes(32)`` (and, in a real deployment, from a secret store,
never from the source).
"""

from __future__ import annotations

from flask import jsonify, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from demo_server.signed.clocked_session import session_serializer
from demo_server.signed.views import authenticate, profile_of
from demo_server.vulnerable.labels import insecure, insecure_blueprint
from demo_server.web.cookie_header import set_cookie

bp = insecure_blueprint("signed_weak", __name__, url_prefix="/vuln/signed")

WEAK_SECRET_KEY = "changeme"  # deliberately guessable: it is in notebooks/data/weak-secrets.txt
COOKIE = "vuln_session"
MAX_AGE = 31 * 24 * 3600  # Flask's default PERMANENT_SESSION_LIFETIME, checked on the timestamp


def weak_session_serializer() -> URLSafeTimedSerializer:
    """Flask's session-cookie format (salt, HMAC-SHA1, demo clock), but with the weak key."""
    return session_serializer([WEAK_SECRET_KEY])


FLAW = (
    "signs its session cookie with a dictionary word written in the source as the key, "
    "so anyone can guess it and sign a cookie for any user"
)
# CWE-1391: a guessable (default) key; CWE-321: a cryptographic key hard-coded in the source.
WEAK_KEY_LABEL = dict(flaw=FLAW, cwe=("CWE-1391", "CWE-321"), asvs="v5.0.0-11.5.1")


@bp.post("/login")
@insecure(**WEAK_KEY_LABEL, fixed_twin="/signed/login")
def login():
    username = authenticate()
    response = jsonify({"message": f"Logged in as {username}"})
    cookie = weak_session_serializer().dumps({"user": username})
    set_cookie(response, COOKIE, cookie)
    return response


@bp.get("/profile")
@insecure(**WEAK_KEY_LABEL, fixed_twin="/signed/profile")
def profile():
    try:
        data = weak_session_serializer().loads(request.cookies.get(COOKIE, ""), max_age=MAX_AGE)
    except BadSignature:
        data = {}
    return profile_of(data.get("user") if isinstance(data, dict) else None)
