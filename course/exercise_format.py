"""The exercise notebook format: solution and check cells, and a solution notebook's exercise copy.

Solution cells (tag ``solution``) hide their answers between
``### BEGIN SOLUTION`` and ``### END SOLUTION``; the exercise notebook has
``raise NotImplementedError()`` there instead and no outputs. Authoring
(``make exercises``) and grading (which rebuilds a notebook from the pristine
exercise notebook, see ``course.grading.assemble``) both read cells this way.
"""

from __future__ import annotations

import copy
import re

import nbformat

from course.authoring.hygiene import clean_metadata

BEGIN_MARKER = "### BEGIN SOLUTION"
END_MARKER = "### END SOLUTION"
STUB = "raise NotImplementedError()"
CHECK_CALL = re.compile(r"""^\s*check\(\s*["'](\d+\.\d+)["']\s*\)\s*$""")


class NotebookFormatError(ValueError):
    """A solution or learner notebook that the course tools cannot use, and why."""


def is_solution_cell(cell) -> bool:
    return cell.cell_type == "code" and "solution" in cell.metadata.get("tags", [])


def is_check_cell(cell) -> bool:
    return cell.cell_type == "code" and "check" in cell.metadata.get("tags", [])


def exercise_of(cell) -> str | None:
    """The exercise id a solution or check cell belongs to."""
    exercise_id = cell.metadata.get("course", {}).get("exercise")
    if exercise_id:
        return exercise_id
    if is_check_cell(cell):
        match = CHECK_CALL.match(cell.source.strip())
        if match:
            return match.group(1)
    return None


def strip_solution(source: str, where: str = "cell") -> str:
    """Replace each BEGIN/END SOLUTION block with ``raise NotImplementedError()``."""
    lines = source.splitlines()
    out: list[str] = []
    inside = False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped == BEGIN_MARKER:
            if inside:
                raise NotebookFormatError(f"{where}, line {number}: nested '{BEGIN_MARKER}'")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}{STUB}")
        elif stripped == END_MARKER:
            if not inside:
                raise NotebookFormatError(f"{where}, line {number}: '{END_MARKER}' without '{BEGIN_MARKER}'")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise NotebookFormatError(f"{where}: '{BEGIN_MARKER}' is never closed by '{END_MARKER}'")
    return "\n".join(out)


def make_exercise(solution: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """The learner's copy of a solution notebook: answers stubbed, outputs cleared."""
    exercise = copy.deepcopy(solution)
    seen: set[str] = set()
    for index, cell in enumerate(exercise.cells, start=1):
        where = f"{name}, cell {index}"
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if is_solution_cell(cell):
            exercise_id = exercise_of(cell)
            if not exercise_id:
                raise NotebookFormatError(f"{where}: a solution cell needs metadata course.exercise (e.g. '01.2')")
            if BEGIN_MARKER not in cell.source:
                raise NotebookFormatError(f"{where}: solution cell for {exercise_id} has no '{BEGIN_MARKER}'")
            cell.source = strip_solution(cell.source, where)
        elif BEGIN_MARKER in cell.get("source", ""):
            raise NotebookFormatError(f"{where}: '{BEGIN_MARKER}' in a cell not tagged 'solution'")
        if is_check_cell(cell):
            exercise_id = exercise_of(cell)
            if not exercise_id:
                raise NotebookFormatError(f'{where}: a check cell must be exactly check("NN.k")')
            if exercise_id in seen:
                raise NotebookFormatError(f"{where}: a second check cell for {exercise_id}")
            seen.add(exercise_id)
    clean_metadata(exercise)
    return exercise


def exercise_ids(notebook: nbformat.NotebookNode) -> list[str]:
    """The exercises a notebook checks, in order (from its check cells)."""
    return [exercise_of(cell) for cell in notebook.cells if is_check_cell(cell) and exercise_of(cell)]


def looks_worked_on(notebook: nbformat.NotebookNode) -> bool:
    """True if a learner has run or edited this exercise notebook (so never overwrite it)."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            return True
        if is_solution_cell(cell) and STUB not in cell.source:
            return True
    return False
