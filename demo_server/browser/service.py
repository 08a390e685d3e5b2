"""Lesson 06's services, set up by ``create_app``: the request recorder, the bank, Flask-WTF.

Flask-WTF's ``CSRFProtect`` is initialised with ``WTF_CSRF_CHECK_DEFAULT`` off:
the JSON APIs of lessons 00-05 are not forms, so only the bank's form views ask
for a token (``csrf.protect()`` in bank_views), each where it says so.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from demo_server import context
from demo_server.browser.bank import Bank
from demo_server.browser.recorder import Recorder
from demo_server.users import DEMO_USERS

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    app.extensions[context.RECORDER] = Recorder()
    app.extensions[context.BANK] = Bank(DEMO_USERS)
    # Set, not setdefault: turning the global check on would refuse every JSON POST of lessons 00-05.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
