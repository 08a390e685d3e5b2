"""What the checks said, read from the outputs of the cells the grader wrote, and nowhere else.

A check or hidden-tests cell must show exactly one verdict bundle, carrying
that cell's nonce. A bundle with another nonce, a second one with the right
nonce, or a bundle in any other cell is a forgery attempt: "tampering
suspected". A cell that finished without its verdict had its check replaced
or its output suppressed: the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import nbformat

from course.checks._graded import MIME
from course.grading.assemble import CHECK, GRADER_ROLES, HIDDEN, nonce_of, role_of
from course.outcome import Outcome


@dataclass
class Verdict:
    """One check's (or one exercise's hidden tests') genuine verdict."""

    exercise: str
    kind: str  # "check" or "hidden"
    results: list[dict[str, str]] = field(default_factory=list)  # name, status, message
    skipped: str = ""
    hung: list[str] = field(default_factory=list)
    tampering: list[str] = field(default_factory=list)


@dataclass
class Reading:
    checks: dict[str, Verdict] = field(default_factory=dict)
    hidden: dict[str, Verdict] = field(default_factory=dict)
    # (cell index, what is wrong): a forged or missing verdict; it taints what is checked from there on
    tampering: list[tuple[int, str]] = field(default_factory=list)


def bundles(cell) -> list[Any]:
    """Every verdict-like bundle in a cell's outputs, as plain JSON values."""
    return [
        json.loads(json.dumps(output["data"][MIME]))  # nbformat's dict subclasses -> plain dicts
        for output in cell.get("outputs", [])
        if output.get("output_type") in ("display_data", "execute_result") and MIME in output.get("data", {})
    ]


def genuine(cell) -> list[dict]:
    nonce = nonce_of(cell)
    return [bundle for bundle in bundles(cell) if isinstance(bundle, dict) and nonce and bundle.get("nonce") == nonce]


def read(notebook: nbformat.NotebookNode, ran: set[int], cut_off: set[int]) -> Reading:
    """The verdicts of every check and hidden-tests cell (``ran``: the cells that were run;
    ``cut_off``: those the grader stopped)."""
    reading = Reading()
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        role = role_of(cell)
        found = bundles(cell)
        if role not in GRADER_ROLES:
            if found:
                reading.tampering.append((index, "a cell of the learner's showed a check verdict (a forgery)"))
            continue
        if role not in (CHECK, HIDDEN):
            continue
        real = genuine(cell)
        exercise = cell.metadata["course"].get("exercise") or ""
        if len(found) > len(real):
            reading.tampering.append((index, f"a forged verdict appeared in the check of {exercise}"))
        if len(real) > 1:
            reading.tampering.append((index, f"{exercise} showed {len(real)} verdicts with its nonce (a forgery)"))
            continue
        if not real:
            if index in ran and index not in cut_off:
                reading.tampering.append((index, f"the verdict of {exercise}'s {role} never arrived"))
            continue
        verdict = _verdict(real[0], exercise, role)
        if verdict is None:
            reading.tampering.append((index, f"the verdict of {exercise}'s {role} is malformed"))
            continue
        (reading.checks if role == CHECK else reading.hidden)[exercise] = verdict
    return reading


def _verdict(bundle: dict, exercise: str, role: str) -> Verdict | None:
    results = bundle.get("results")
    if bundle.get("exercise") != exercise or bundle.get("kind") != role or type(results) is not list:
        return None
    clean = []
    for result in results:
        if type(result) is not dict or not all(type(result.get(key)) is str for key in ("name", "status", "message")):
            return None
        if result["status"] not in set(Outcome):
            return None
        clean.append({key: result[key] for key in ("name", "status", "message")})
    if role == CHECK and len(clean) != 1:
        return None
    texts = {key: bundle.get(key, []) for key in ("hung", "tampering")}
    if any(type(value) is not list or not all(type(item) is str for item in value) for value in texts.values()):
        return None
    skipped = bundle.get("skipped", "")
    if type(skipped) is not str:
        return None
    return Verdict(exercise, role, clean, skipped, texts["hung"], texts["tampering"])
