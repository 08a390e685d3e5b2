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

    return [cookies.bp, signed.bp, tokens.bp, sessions.bp, browser.bp, bank.bp]
