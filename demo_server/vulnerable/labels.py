"""Labelling the deliberately vulnerable endpoints.

Every insecure view says what is wrong with it (one or more CWEs, the most
specific first, and the ASVS 5.0.0 requirement it fails) and names its fixed
twin. The label is sent on every response as ``X-Insecure-Demo`` and listed,
with the requirement's title, at ``GET /insecure``; tests check that every
insecure route is labelled and that its twin exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, request

from demo_server import asvs as asvs_module

LABEL_ATTRIBUTE = "insecure_demo"
ASVS_VERSION = asvs_module.VERSION  # labels cite requirements in the versioned form, e.g. "v5.0.0-7.2.4"
CWE_ID = re.compile(r"CWE-[1-9]\d*")


@dataclass(frozen=True)
class InsecureDemo:
    flaw: str  # what is wrong, in one sentence
    cwe: tuple[str, ...]  # e.g. ("CWE-565", "CWE-697"): the most specific first
    fixed_twin: str  # URL rule of the secure version, e.g. "/cookies/profile"
    asvs: str  # e.g. "v5.0.0-7.2.4", one of demo_server.asvs.CITED

    def header(self) -> str:
        """The X-Insecure-Demo value: "CWE-565, CWE-697: what is wrong"."""
        return f"{', '.join(self.cwe)}: {self.flaw}"

    def as_dict(self) -> dict:
        """The /insecure listing's entry (the ASVS id with its title, so it reads on its own)."""
        return {
            "flaw": self.flaw,
            "cwe": list(self.cwe),
            "fixed_twin": self.fixed_twin,
            "asvs": self.asvs,
            "asvs_title": asvs_module.title(self.asvs),
        }


def insecure(*, flaw: str, cwe: str | Sequence[str], fixed_twin: str, asvs: str) -> Callable:
    """Mark a view function as deliberately vulnerable.

    ``cwe``: one id or several ("CWE-565" or ("CWE-565", "CWE-697")), the most
    specific first; ``asvs``: the ASVS 5.0.0 requirement it fails.
    """
    asvs_module.title(asvs)  # a KeyError at import time names an id that is not listed
    cwes = (cwe,) if isinstance(cwe, str) else tuple(cwe)
    if not cwes or not all(isinstance(one, str) and CWE_ID.fullmatch(one) for one in cwes):
        raise ValueError(f"cwe must be one or more ids like 'CWE-565', not {cwe!r}")
    label = InsecureDemo(flaw=flaw, cwe=cwes, fixed_twin=fixed_twin, asvs=asvs)

    def decorate(view: Callable) -> Callable:
        setattr(view, LABEL_ATTRIBUTE, label)
        return view

    return decorate


def insecure_blueprint(name: str, import_name: str, url_prefix: str) -> Blueprint:
    """A blueprint whose responses carry their view's X-Insecure-Demo label."""
    blueprint = Blueprint(name, import_name, url_prefix=url_prefix)

    @blueprint.after_request
    def add_label(response):
        from flask import current_app

        view = current_app.view_functions.get(request.endpoint or "")
        label = getattr(view, LABEL_ATTRIBUTE, None)
        if label is not None:
            response.headers["X-Insecure-Demo"] = label.header()
        return response

    return blueprint


def label_of(view: Callable) -> InsecureDemo | None:
    return getattr(view, LABEL_ATTRIBUTE, None)
