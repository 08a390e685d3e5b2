"""Lesson 05: the fixed twins of the attack lab that no earlier lesson already has.

Each module holds one station's fix next to its blueprint: https only with
``__Host-`` cookies and HSTS, the session ID kept out of URLs, a new ID on
"sudo mode", a brute-force limit (Flask-Limiter), ``Cache-Control: no-store``,
roles looked up on the server, and an origin check against CSRF. The other
fixed twins are lesson 03's and 04's own routes (``/sessions/login``,
``/jwt/me``, ...). ``access_log`` is the server's access log, the one place
a URL with a session ID in it ends up.
"""

from __future__ import annotations

from flask import Flask

from demo_server.mistakes import access_log, brute_force, cache, csrf, https_only, roles, sudo, url_session


def init_app(app: Flask) -> None:
    """Register lesson 05's secure blueprints and the access log (brute_force sets up its own limiter)."""
    access_log.init_app(app)
    for module in (https_only, url_session, sudo, brute_force, cache, roles, csrf):
        app.register_blueprint(module.bp)
