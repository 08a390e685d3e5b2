"""Labelling the deliberately vulnerable endpoints.

Every insecure view says what is wrong with it (a CWE and, where one fits, an
ASVS requirement) and names its fixed twin. The label is sent on every
response as ``X-Insecure-Demo`` and listed at ``GET /insecure``; tests check
that every insecure route is labelled and that its twin exists.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable

from flask import Blueprint, request

from demo_server import asvs as asvs_module

LABEL_ATTRIBUTE = "insecure_demo"
ASVS_VERSION = asvs_module.VERSION  # labels cite requirements in the versioned form, e.g. "v5.0.0-7.2.4"


@dataclass(frozen=True)
class InsecureDemo:
    flaw: str  # what is wrong, in one sentence
    cwe: str  # e.g. "CWE-565"
    fixed_twin: str  # URL rule of the secure version, e.g. "/cookies/profile"
    asvs: str  # e.g. "v5.0.0-7.2.4", one of demo_server.asvs.CITED

    def header(self) -> str:
        return f"{self.cwe}: {self.flaw}"

    def as_dict(self) -> dict:
        return asdict(self)


def insecure(*, flaw: str, cwe: str, fixed_twin: str, asvs: str) -> Callable:
    """Mark a view function as deliberately vulnerable (``asvs``: the requirement it fails)."""
    asvs_module.title(asvs)  # a KeyError at import time names an id that is not listed

    def decorate(view: Callable) -> Callable:
        setattr(view, LABEL_ATTRIBUTE, InsecureDemo(flaw=flaw, cwe=cwe, fixed_twin=fixed_twin, asvs=asvs))
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
