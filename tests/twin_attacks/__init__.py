"""One attack per deliberately vulnerable route, run against the route and its fixed twin.

Each module here (one per ``demo_server/vulnerable/`` module) registers its
attacks with ``@attack("/labelled/route")``. An attack is a function
``(app, target) -> bool``: it attacks ``target`` (the labelled route, or the
fixed twin its label names) on a fresh test client of ``app`` and returns True
if the attack got through. ``tests/test_vulnerable_twins.py`` walks the
``/insecure`` listing and fails for any labelled route without an attack, for
an attack that does not get through on its route, and for one that gets
through on the fixed twin.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Callable

from flask import Flask

Attack = Callable[[Flask, str], bool]
ATTACKS: dict[str, Attack] = {}


def attack(labelled_route: str) -> Callable[[Attack], Attack]:
    """Register ``function`` as the attack on ``labelled_route`` (a URL rule in /insecure)."""

    def register(function: Attack) -> Attack:
        if labelled_route in ATTACKS:
            raise ValueError(f"two attacks registered for {labelled_route}")
        ATTACKS[labelled_route] = function
        return function

    return register


def all_attacks() -> dict[str, Attack]:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return ATTACKS


def twin_route(target: str, vulnerable_prefix: str, fixed_prefix: str, suffix: str) -> str:
    """The companion route on the same side as ``target`` (e.g. the profile for a login)."""
    return (vulnerable_prefix if target.startswith(vulnerable_prefix) else fixed_prefix) + suffix
