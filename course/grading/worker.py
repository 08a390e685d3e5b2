"""Check one learner notebook in its own process (used by `course check` and `course grade`).

    python -m course.grading.worker --solution solutions/00-start-here.ipynb \\
        --notebook exercises/00-start-here-exercises.ipynb [--hidden solutions/hidden/lesson_00.py] \\
        --cell-timeout 10 --cwd exercises

Prints one JSON object: the notebook's status and one outcome per exercise.
The learner's notebook is only read, never written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat

from course.checks import Exercise, exercises_for, exercises_of
from course.exercise_format import NotebookFormatError, exercise_ids, make_exercise
from course.grading.assemble import assemble, template_from_learner
from course.grading.execute import execute
from course.grading.score import outcomes, zero_outcomes
from course.layout import lesson_number
from course.outcome import Outcome


def run_learner_notebook(
    solution: Path | None, notebook: Path, hidden: Path | None, cell_timeout: float, cwd: Path, progress: bool = False
) -> dict:
    """Check ``notebook`` against the exercise made from ``solution`` (or, without the
    solutions, against the checks registered for its lesson)."""
    if solution is not None:
        template = make_exercise(nbformat.read(solution, as_version=4), solution.name)
        exercises = exercises_for(exercise_ids(template))
    else:
        exercises = exercises_of(lesson_number(notebook.name) or "")
    try:
        learner = nbformat.read(notebook, as_version=4)
    except FileNotFoundError:
        return _unusable(exercises, Outcome.MISSING, f"no notebook {notebook.name} in the submission")
    except Exception as error:  # not JSON, not a notebook: a learner's file can be anything
        return _unusable(
            exercises, Outcome.UNREADABLE, f"{notebook.name} is not a readable notebook ({type(error).__name__})"
        )
    if solution is None:
        template = template_from_learner(learner, [ex.id for ex in exercises])

    assembled = assemble(template, learner, str(hidden.resolve()) if hidden else None)

    def report_progress(done: int, total: int) -> None:
        print(json.dumps({"progress": [done, total]}), file=sys.stderr, flush=True)

    def report_kernel(process_group: int) -> None:
        # The parent kills this group too if we overrun our hard time limit.
        print(json.dumps({"kernel_process_group": process_group}), file=sys.stderr, flush=True)

    execution = execute(
        assembled.notebook,
        cwd=cwd,
        cell_timeout=cell_timeout,
        on_cell=report_progress if progress else None,
        on_kernel=report_kernel,
    )
    results = outcomes(exercises, execution, assembled.missing_answers, with_hidden=hidden is not None)
    return {
        "status": "checked",
        "message": "",
        "seconds": round(execution.seconds, 2),
        "exercises": [result.as_dict() for result in results],
    }


def _unusable(exercises: list[Exercise], status: Outcome, message: str) -> dict:
    return {
        "status": status,
        "message": message,
        "seconds": 0.0,
        "exercises": zero_outcomes(exercises, status, message),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.grading.worker")
    parser.add_argument("--solution", type=Path, help="the solution notebook (default: the registered checks only)")
    parser.add_argument("--notebook", type=Path, required=True)
    parser.add_argument("--hidden", type=Path)
    parser.add_argument("--cell-timeout", type=float, default=10.0)
    parser.add_argument("--cwd", type=Path, default=Path.cwd())
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args(argv)
    try:
        report = run_learner_notebook(
            args.solution, args.notebook, args.hidden, args.cell_timeout, args.cwd, args.progress
        )
    except NotebookFormatError as error:
        report = {"status": "error", "message": f"course bug: {error}", "seconds": 0.0, "exercises": []}
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
