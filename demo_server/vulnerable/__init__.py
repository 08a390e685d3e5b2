"""Every deliberately vulnerable endpoint of the demo server, and nothing else.

FOR TEACHING ONLY. Each module here is the vulnerable twin of one topic's
secure blueprint, with the same name (``vulnerable/sessions.py`` breaks what
``sessions/`` does right). Every view is labelled with ``@insecure`` (the flaw,
its CWE, the ASVS 5.0.0 requirement it fails, and its fixed twin), and
``tests/test_vulnerable_twins.py`` attacks each one and its twin.

``create_app`` registers these blueprints only with ``INSECURE_DEMOS=True``.
Add a new twin's blueprint to ``insecure_blueprints()``.
"""

from __future__ import annotations

from flask import Blueprint


def insecure_blueprints() -> list[Blueprint]:
    from demo_server.vulnerable import bank, browser, cookies, sessions, signed, tokens

    return [cookies.bp, signed.bp, tokens.bp, sessions.bp, browser.bp, bank.bp, *lesson_05_blueprints()]


def lesson_05_blueprints() -> list[Blueprint]:
    """The attack lab's twins, one module per station, in station order."""
    from demo_server.vulnerable import (
        brute_force,
        cached_pages,
        client_roles,
        cookie_only_logout,
        csrf,
        jwt_key_injection,
        no_expiry,
        no_https,
        no_rotation,
        password_cookie,
        payload_secrets,
        predictable_ids,
        session_id_in_url,
        user_enumeration,
    )

    stations = [
        password_cookie,
        no_https,
        no_expiry,
        session_id_in_url,
        predictable_ids,
        cookie_only_logout,
        no_rotation,
        user_enumeration,
        brute_force,
        cached_pages,
        jwt_key_injection,
        payload_secrets,
        client_roles,
        csrf,
    ]
    return [station.bp for station in stations]
