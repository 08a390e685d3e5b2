"""Station 9's fix: a login that counts failures, with Flask-Limiter.

Two limits, both counting only failed logins (a 401), in a moving window:

- 5 failures per 15 minutes for one account from one client address: a word
  list against one account stops after five guesses;
- 20 failures per 15 minutes from one client address, whatever the account:
  so does "one common password against every account" (password spraying).

Neither limit is per account alone: then anyone could lock any user out by
failing five times in their name (ASVS asks that the controls prevent
malicious lockout). A botnet spreads its guesses over many addresses; a real
service adds a per-account ceiling, breached-password checks and MFA.

The client address is ``request.remote_addr``, the TCP peer. Behind a
reverse proxy, configure werkzeug's ``ProxyFix`` with the number of proxies
you run, never a header the client can write (the vulnerable twin does).

Each app gets its own limiter, in memory (``storage_uri="memory://"``); a
deployment with several processes would give them one shared storage (Redis).
Windows run on the real clock (the ``limits`` library reads it), so a
lesson calls ``forget_failures(app)`` before it demonstrates the limit.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request
from flask_limiter import Limiter

from demo_server.sessions import views as sessions
from demo_server.web import strict_json

bp = Blueprint("brute_force_limited", __name__, url_prefix="/mistakes/brute-force")

LIMITER = "demo_server.mistakes.brute_force.limiter"
PER_ACCOUNT_AND_CLIENT = "5 per 15 minutes"
PER_CLIENT = "20 per 15 minutes"
TOO_MANY = "too many failed logins {scope}: wait 15 minutes, then try again"


@bp.post("/login")
def login():
    return sessions.login()  # lesson 03's login; the limits below run before it


def client_address() -> str:
    return request.remote_addr or "unknown"


def account_and_client() -> str:
    # The limiter asks before any view (and before the input layer's checks) runs: parse with the
    # server's strict JSON so a hostile body gives the view its 400 instead of crashing this key.
    try:
        data = strict_json.loads(request.get_data(cache=True))
    except ValueError:
        data = None
    username = data.get("username") if isinstance(data, dict) else None
    # Case-folded, so "Alice" and "alice" share one count; never empty (an empty key would skip the limit).
    account = username.casefold()[:200] if isinstance(username, str) else "-"
    return f"{client_address()} {account}"


def failed(response: Response) -> bool:
    return response.status_code == 401


def limiter(app: Flask | None = None) -> Limiter:
    return (app or current_app).extensions[LIMITER]


def forget_failures(app: Flask) -> None:
    """Start every count from zero (a lesson does this before it shows the limit being reached)."""
    limiter(app).reset()


def _set_up_the_limiter(state) -> None:
    app = state.app
    # Explicit in-memory storage: no "which storage?" warning, nothing shared between apps.
    app_limiter = Limiter(client_address, app=app, storage_uri="memory://", strategy="moving-window")
    app_limiter.limit(
        PER_ACCOUNT_AND_CLIENT,
        key_func=account_and_client,
        deduct_when=failed,
        error_message=TOO_MANY.format(scope="for this account from your address"),
    )(bp)
    app_limiter.limit(
        PER_CLIENT,
        key_func=client_address,
        deduct_when=failed,
        error_message=TOO_MANY.format(scope="from your address"),
    )(bp)
    # Only this blueprint is limited: every other request is let through before the limiter
    # looks up limits for it (that lookup was a sixth of each request's time on every route).
    app_limiter.request_filter(_not_this_blueprint)
    app.extensions[LIMITER] = app_limiter


def _not_this_blueprint() -> bool:
    return request.blueprint != bp.name


bp.record_once(_set_up_the_limiter)  # once per app this blueprint is registered on
