"""Grading, step 1: rebuild a learner's notebook from the pristine exercise notebook.

Pristine cells come from the template (the exercise notebook made from the
solution), the learner's answers and extra code cells are put in between,
and the hidden tests follow each check; so edited or deleted check cells change
nothing. Every cell says in its metadata (``course.role``) whose it is; each check
and hidden-tests cell carries a fresh nonce that its verdict must echo.
"""

from __future__ import annotations

import ast
import copy
import re
import secrets
from dataclasses import dataclass, field

import nbformat

from course.exercise_format import (
    exercise_ids,
    exercise_of,
    is_check_cell,
    is_solution_cell,
)

# course.role of each assembled cell: the course's own cells, the learner's (answers and
# extra cells), and the grader's (checks, hidden tests, and its own plumbing).
COURSE, ANSWER, LEARNER, CHECK, HIDDEN, GRADER = "course", "answer", "learner", "check", "hidden", "grader"
LEARNER_ROLES = (ANSWER, LEARNER)
GRADER_ROLES = (CHECK, HIDDEN, GRADER)


@dataclass
class Assembled:
    """A notebook ready to run for checking or grading, and what was missing from the learner's."""

    notebook: nbformat.NotebookNode
    missing_answers: list[str] = field(default_factory=list)  # exercise ids with no answer cell found
    answer_names: dict[str, list[str]] = field(default_factory=dict)  # exercise id -> names its answer defines


def role_of(cell) -> str:
    return cell.metadata.get("course", {}).get("role", COURSE)


def nonce_of(cell) -> str:
    return cell.metadata.get("course", {}).get("nonce", "")


def assemble(
    template: nbformat.NotebookNode,
    learner: nbformat.NotebookNode,
    hidden_tests: str | None = None,
    *,
    time_limit: float | None = None,
    lesson: str = "",
) -> Assembled:
    """Pristine cells from ``template``, the learner's answers and extra code cells, and
    (for grading, ``hidden_tests`` being their source) one hidden-tests cell after each
    check cell. ``time_limit``: the seconds a check may take (inside the cell's limit)."""
    learner_code = [cell for cell in learner.cells if cell.cell_type == "code"]
    used: set[int] = set()
    placement: dict[int, int] = {}  # learner cell index -> template index it was matched to
    answers: dict[int, nbformat.NotebookNode] = {}
    missing: list[str] = []

    for t_index, t_cell in enumerate(template.cells):
        if not is_solution_cell(t_cell):
            continue
        match = _find_answer(t_cell, learner_code, used)
        if match is None:
            missing.append(exercise_of(t_cell) or f"cell {t_index + 1}")
            continue
        used.add(match)
        placement[match] = t_index
        answers[t_index] = learner_code[match]

    # Learner code cells that are neither answers nor copies of pristine cells
    # (their own helpers) run right after the answer they follow.
    pristine_sources = {cell.source.strip() for cell in template.cells if cell.cell_type == "code"}
    extras: dict[int, list] = {}
    anchor = -1
    for l_index, cell in enumerate(learner_code):
        if l_index in placement:
            anchor = placement[l_index]
            continue
        if (
            is_check_cell(cell)
            or exercise_of(cell)
            or cell.source.strip() in pristine_sources
            or not cell.source.strip()
        ):
            continue
        extras.setdefault(anchor, []).append(cell)

    result = nbformat.v4.new_notebook(metadata=copy.deepcopy(template.metadata))
    result.cells.extend(_fresh(cell, LEARNER) for cell in extras.get(-1, []))
    answer_names: dict[str, list[str]] = {}
    for t_index, t_cell in enumerate(template.cells):
        if t_cell.cell_type != "code":
            continue
        if is_solution_cell(t_cell):
            cell = _fresh(t_cell, ANSWER)
            if t_index in answers:
                cell.source = answers[t_index].source
            answer_names[exercise_of(t_cell) or ""] = sorted(_defined_names(cell.source))
            result.cells.append(cell)
            result.cells.extend(_fresh(extra, LEARNER) for extra in extras.get(t_index, []))
        elif is_check_cell(t_cell):
            exercise_id = exercise_of(t_cell)
            limit = "" if time_limit is None else f", time_limit={time_limit:g}"
            nonce = secrets.token_hex(16)
            # Call the real check even if the learner rebound the name `check`.
            source = f'__import__("course.checks").checks.check("{exercise_id}", nonce="{nonce}"{limit})'
            result.cells.append(grader_cell(source, CHECK, exercise_id, nonce, tags=["check"]))
            if hidden_tests:
                nonce = secrets.token_hex(16)
                source = (
                    f'__import__("course.checks").checks.run_hidden_tests({hidden_tests!r}, "{exercise_id}", '
                    f'nonce="{nonce}"{limit}, lesson="{lesson}");'
                )
                result.cells.append(grader_cell(source, HIDDEN, exercise_id, nonce, tags=["hidden"]))
        else:
            result.cells.append(_fresh(t_cell, COURSE))
    return Assembled(result, missing, answer_names)


def grader_cell(source: str, role: str, exercise_id: str | None = None, nonce: str = "", tags=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = list(tags)
    cell.metadata["course"] = {"role": role, "exercise": exercise_id, "nonce": nonce}
    return cell


def _find_answer(t_cell, learner_code: list, used: set[int]) -> int | None:
    exercise_id = exercise_of(t_cell)
    # 1. the same cell (JupyterLab keeps cell ids); 2. the same exercise metadata;
    # 3. a cell that defines the same names (the learner re-created the cell).
    for index, cell in enumerate(learner_code):
        if index not in used and cell.get("id") and cell.get("id") == t_cell.get("id") and not is_check_cell(cell):
            return index
    for index, cell in enumerate(learner_code):
        if index not in used and is_solution_cell(cell) and exercise_of(cell) == exercise_id:
            return index
    wanted = _defined_names(t_cell.source)
    if wanted:
        for index, cell in enumerate(learner_code):
            if index not in used and not is_check_cell(cell) and wanted <= _defined_names(cell.source):
                return index
    return None


def _defined_names(source: str) -> set[str]:
    """The functions and classes a cell defines (what a hung check stops calling)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        # A learner's cell with a syntax error: fall back to the def/class lines.
        return set(re.findall(r"^(?:async\s+)?(?:def|class)\s+(\w+)", source, flags=re.MULTILINE))
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def _fresh(cell, role: str) -> nbformat.NotebookNode:
    fresh = nbformat.v4.new_code_cell(cell.source)
    fresh.metadata = copy.deepcopy(cell.metadata)
    course = fresh.metadata.setdefault("course", {})
    if not isinstance(course, dict):
        course = fresh.metadata["course"] = {}
    course["role"] = role  # never the learner's say: their metadata could claim anything
    course.pop("nonce", None)
    return fresh


def template_from_learner(learner: nbformat.NotebookNode, exercise_ids_wanted: list[str]) -> nbformat.NotebookNode:
    """A template when the solutions are not at hand (a learner's copy of the course):
    the learner's own notebook, with a check cell added for every exercise it lost."""
    template = copy.deepcopy(learner)
    present = set(exercise_ids(template))
    for exercise_id in exercise_ids_wanted:
        if exercise_id not in present:
            cell = nbformat.v4.new_code_cell(f'check("{exercise_id}")')
            cell.metadata["tags"] = ["check"]
            template.cells.append(cell)
    return template
