"""The demo users' e-mail addresses (lesson 05): personal data to leak, and to change by CSRF.

The defaults are fixed, one per demo user; each app keeps its own copy, so a
change lives as long as that server does.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

KEY = "demo_server.mistakes.profiles"
DEMO_EMAILS = {"alice": "alice@example.com", "bob": "bob@example.com", "admin": "admin@example.com"}


class Profiles:
    def __init__(self) -> None:
        self._emails = dict(DEMO_EMAILS)
        self._lock = threading.Lock()

    def email(self, user: str) -> str:
        with self._lock:
            return self._emails.get(user, f"{user}@example.com")

    def set_email(self, user: str, email: str) -> None:
        with self._lock:
            self._emails[user] = email


def profiles(app: Flask | None = None) -> Profiles:
    app = app or current_app
    # Created on first use; setdefault keeps the first one if two requests race.
    return app.extensions.setdefault(KEY, Profiles())
