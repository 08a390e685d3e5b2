"""Grading, step 1: rebuild a learner's notebook from the pristine exercise notebook.

Pristine cells come from the template (the exercise notebook made from the
solution), the learner's answers and extra code cells are put in between,
and the hidden tests follow; so edited or deleted check cells change nothing.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field

import nbformat

from course.exercise_format import (
    exercise_ids,
    exercise_of,
    is_check_cell,
    is_solution_cell,
)


@dataclass
class Assembled:
    """A notebook ready to run for checking or grading, and what was missing from the learner's."""

    notebook: nbformat.NotebookNode
    missing_answers: list[str] = field(default_factory=list)  # exercise ids with no answer cell found


def assemble(
    template: nbformat.NotebookNode, learner: nbformat.NotebookNode, hidden_tests: str | None = None
) -> Assembled:
    """Pristine cells from ``template``, the learner's answers and extra code cells, and
    (for grading) one hidden-tests cell after each check cell."""
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
    result.cells.extend(_fresh(cell) for cell in extras.get(-1, []))
    for t_index, t_cell in enumerate(template.cells):
        if t_cell.cell_type != "code":
            continue
        if is_solution_cell(t_cell):
            cell = _fresh(t_cell)
            if t_index in answers:
                cell.source = answers[t_index].source
            result.cells.append(cell)
            result.cells.extend(_fresh(extra) for extra in extras.get(t_index, []))
        elif is_check_cell(t_cell):
            exercise_id = exercise_of(t_cell)
            cell = _fresh(t_cell)
            # Call the real check even if the learner rebound the name `check`.
            cell.source = f'__import__("course.checks").checks.check("{exercise_id}")'
            cell.metadata["course"] = {"exercise": exercise_id}
            result.cells.append(cell)
            if hidden_tests:
                hidden = nbformat.v4.new_code_cell(
                    f'__import__("course.checks").checks.run_hidden_tests('
                    f'{hidden_tests!r}, exercise_id="{exercise_id}")'
                )
                hidden.metadata["tags"] = ["hidden"]
                hidden.metadata["course"] = {"exercise": exercise_id}
                result.cells.append(hidden)
        else:
            result.cells.append(_fresh(t_cell))
    return Assembled(result, missing)


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
    try:
        tree = ast.parse(source)
    except SyntaxError:
        # A learner's cell with a syntax error: fall back to the def/class lines.
        return set(re.findall(r"^(?:async\s+)?(?:def|class)\s+(\w+)", source, flags=re.MULTILINE))
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def _fresh(cell) -> nbformat.NotebookNode:
    fresh = nbformat.v4.new_code_cell(cell.source)
    fresh.metadata = copy.deepcopy(cell.metadata)
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
