"""Lesson 05, station 9: no limit on password guessing, and a limit keyed on a header.

What developers write, and why it looks fine: a login with a good password
hash and nothing else, "scrypt is slow, so guessing is slow" (it is not slow
enough: an attacker runs many guesses in parallel). Or, one step further, a
rate limit per client address that reads the address from
``X-Forwarded-For`` "because we are behind a load balancer": but that header
is whatever the client writes, so a fresh made-up address per guess never
hits the limit. The fixed twin, ``/mistakes/brute-force/login``, counts
failures per account-and-address and per address, with the TCP peer address.
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter

from demo_server.mistakes.brute_force import PER_ACCOUNT_AND_CLIENT, TOO_MANY, failed
from demo_server.sessions import views as sessions
from demo_server.vulnerable.labels import insecure, insecure_blueprint

bp = insecure_blueprint("vuln_brute_force", __name__, "/vuln/brute-force")

LIMITER = "demo_server.vulnerable.brute_force.limiter"


@bp.post("/login")
@insecure(
    flaw="lets anyone try passwords as fast as they can send them: failed logins are not limited at all",
    cwe="CWE-307",
    asvs="v5.0.0-6.3.1",
    fixed_twin="/mistakes/brute-force/login",
)
def login():
    return sessions.login()  # THE FLAW is what is missing: any limit


@bp.post("/login-behind-proxy")
@insecure(
    flaw="limits failed logins per client address, but reads the address from X-Forwarded-For, which the "
    "client writes itself: a new made-up address per guess, and the limit never comes",
    cwe="CWE-348",
    asvs="v5.0.0-4.1.3",
    fixed_twin="/mistakes/brute-force/login",
)
def login_behind_proxy():
    return sessions.login()


def forwarded_for() -> str:
    # THE FLAW: the left-most X-Forwarded-For entry is whatever the client sent.
    claimed = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
    return claimed[:100] or request.remote_addr or "unknown"


def forget_failures(app: Flask) -> None:
    app.extensions[LIMITER].reset()


def _set_up_the_limiter(state) -> None:
    app_limiter = Limiter(forwarded_for, app=state.app, storage_uri="memory://", strategy="moving-window")
    app_limiter.limit(
        PER_ACCOUNT_AND_CLIENT,
        deduct_when=failed,
        exempt_when=lambda: request.endpoint != f"{bp.name}.login_behind_proxy",
        error_message=TOO_MANY.format(scope="from your address"),
    )(bp)
    state.app.extensions[LIMITER] = app_limiter


bp.record_once(_set_up_the_limiter)
