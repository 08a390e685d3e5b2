"""The demo server's blueprints, one per topic.

``secure_blueprints()`` are always registered. ``insecure_blueprints()`` hold
the deliberately vulnerable twins and are registered only with
``INSECURE_DEMOS=True``. Add a lesson's blueprint to the right list here.
"""

from __future__ import annotations

from flask import Blueprint


def secure_blueprints() -> list[Blueprint]:
    from . import basics

    return [basics.bp]


def insecure_blueprints() -> list[Blueprint]:
    return []
