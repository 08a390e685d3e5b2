"""The demo server's blueprints, one per topic.

``secure_blueprints()`` are always registered. ``insecure_blueprints()`` hold
the deliberately vulnerable twins and are registered only with
``INSECURE_DEMOS=True``. Add a lesson's blueprint to the right list here.
"""

from __future__ import annotations

from flask import Blueprint


def secure_blueprints() -> list[Blueprint]:
    from . import basics
    from . import cookies
    from . import signed
    from . import jwt_auth
    from . import sessions

    return [basics.bp, cookies.bp, signed.bp, jwt_auth.bp, sessions.bp]


def insecure_blueprints() -> list[Blueprint]:
    from . import seed
    from . import signed_weak
    from . import jwt_insecure
    from . import sessions_insecure

    return [seed.bp, signed_weak.bp, jwt_insecure.bp, sessions_insecure.bp]
