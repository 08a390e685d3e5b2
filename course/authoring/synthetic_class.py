"""A synthetic class: learner notebooks built from a solution notebook (grading tests and `make bench`)."""

from __future__ import annotations

import copy

import nbformat

from course.exercise_format import exercise_of, is_check_cell, is_solution_cell, make_exercise


def complete(solution):
    """A learner who solved everything: the solution with outputs cleared."""
    notebook = make_exercise(solution)
    for cell, solved in zip(notebook.cells, solution.cells, strict=True):
        if is_solution_cell(cell):
            cell.source = solved.source
    return notebook


def untouched(solution):
    return make_exercise(solution)


def with_answer(notebook, exercise_id: str, source: str):
    changed = copy.deepcopy(notebook)
    for cell in changed.cells:
        if is_solution_cell(cell) and exercise_of(cell) == exercise_id:
            cell.source = source
            return changed
    raise KeyError(exercise_id)


def answer_source(notebook, exercise_id: str) -> str:
    return next(c.source for c in notebook.cells if is_solution_cell(c) and exercise_of(c) == exercise_id)


def without_check_cells(notebook):
    changed = copy.deepcopy(notebook)
    changed.cells = [cell for cell in changed.cells if not is_check_cell(cell)]
    return changed


def with_fake_checks(notebook):
    """Check cells rewritten to print a pass and to rebind `check` (a learner trying to cheat)."""
    changed = copy.deepcopy(notebook)
    for cell in changed.cells:
        if is_check_cell(cell):
            exercise_id = exercise_of(cell)
            cell.source = f'check = lambda *a, **k: None\nprint("✅ {exercise_id} passed")'
    return changed


def with_cell_before_first_answer(notebook, source: str):
    changed = copy.deepcopy(notebook)
    first = next(i for i, c in enumerate(changed.cells) if is_solution_cell(c))
    changed.cells.insert(first, nbformat.v4.new_code_cell(source))
    return changed


def looping(source: str) -> str:
    """An answer whose function never returns."""
    return source.replace("### BEGIN SOLUTION", "### BEGIN SOLUTION\n    while True:\n        pass", 1)


def looping_unseen(source: str) -> str:
    """An answer that never returns, looping where `course grade`'s running order does not look:
    a for loop over an iterator that never ends (and holds no growing memory)."""
    endless = (
        "    class Endless:\n        def __iter__(self):\n            return self\n\n"
        "        def __next__(self):\n            return 0\n\n    for _ in Endless():\n        pass"
    )
    return source.replace("### BEGIN SOLUTION", "### BEGIN SOLUTION\n" + endless, 1)


def broken_syntax(source: str) -> str:
    return source.replace("def ", "def (", 1)


def exits_the_kernel(source: str) -> str:
    return source.replace("### BEGIN SOLUTION", "### BEGIN SOLUTION\n    import os\n    os._exit(3)", 1)


def ignores_interrupts(source: str) -> str:
    """An answer that loops forever and shrugs off KeyboardInterrupt."""
    return source.replace(
        "### BEGIN SOLUTION",
        "### BEGIN SOLUTION\n    import signal\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "    while True:\n        pass",
        1,
    )


def class_of_twenty(solution, loop=looping) -> dict[str, object]:
    """Lesson 00's benchmark class (issue 15): twelve complete, six untouched, one infinite loop
    in 00.2 (made by ``loop``), one syntax error in 00.1. Expected points: 3, 0, 2 and 2."""
    done, stub = complete(solution), untouched(solution)
    learners: dict[str, object] = {f"complete-{n:02d}": done for n in range(1, 13)}
    learners.update({f"untouched-{n:02d}": stub for n in range(1, 7)})
    learners["infinite-loop"] = with_answer(done, "00.2", loop(answer_source(done, "00.2")))
    learners["syntax-error"] = with_answer(done, "00.1", broken_syntax(answer_source(done, "00.1")))
    return learners


def expected_points_of_twenty(name: str) -> int:
    return 3 if name.startswith("complete") else 0 if name.startswith("untouched") else 2
