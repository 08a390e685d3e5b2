"""Where the course's notebooks live, and which solution a learner's notebook belongs to.

A lesson is ``notebooks/NN-topic.ipynb``; its exercises are handed out as
``exercises/NN-topic-exercises.ipynb`` (so the two JupyterLab tabs differ at a
glance) and written, with answers, as ``solutions/NN-topic.ipynb``. A learner's
older copy named like the lesson (``NN-topic.ipynb``) still checks and grades.
"""

from __future__ import annotations

import re
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS_DIR = COURSE_ROOT / "solutions"
EXERCISES_DIR = COURSE_ROOT / "exercises"
HIDDEN_TESTS_DIR = SOLUTIONS_DIR / "hidden"
LESSON_NUMBER = re.compile(r"^(\d\d)-")
EXERCISE_SUFFIX = "-exercises"


def lesson_number(notebook_name: str) -> str | None:
    match = LESSON_NUMBER.match(notebook_name)
    return match.group(1) if match else None


def exercise_name(solution_name: str) -> str:
    """The hand-out's file name: ``01-cookies.ipynb`` -> ``01-cookies-exercises.ipynb``."""
    stem = solution_name.removesuffix(".ipynb")
    return f"{stem}.ipynb" if stem.endswith(EXERCISE_SUFFIX) else f"{stem}{EXERCISE_SUFFIX}.ipynb"


def exercise_path(solution: Path, exercises_dir: Path = EXERCISES_DIR) -> Path:
    return exercises_dir / exercise_name(solution.name)


def submitted_notebook(learner_dir: Path, solution: Path) -> Path:
    """A learner's notebook for this lesson: the hand-out's name, or the older name (the lesson's)."""
    current = learner_dir / exercise_name(solution.name)
    older = learner_dir / solution.name
    return older if older.is_file() and not current.is_file() else current


def solution_notebooks(solutions_dir: Path = SOLUTIONS_DIR) -> list[Path]:
    return sorted(path for path in solutions_dir.glob("[0-9][0-9]-*.ipynb"))


def solution_for(notebook: Path, solutions_dir: Path = SOLUTIONS_DIR) -> Path:
    """The solution notebook a learner's notebook is an exercise of (its hand-out name, the
    older name, or just the same NN- prefix)."""
    for name in (notebook.name, notebook.name.replace(f"{EXERCISE_SUFFIX}.ipynb", ".ipynb")):
        exact = solutions_dir / name
        if exact.is_file():
            return exact
    number = lesson_number(notebook.name)
    candidates = [path for path in solution_notebooks(solutions_dir) if lesson_number(path.name) == number]
    if number and len(candidates) == 1:
        return candidates[0]
    known = ", ".join(exercise_name(path.name) for path in solution_notebooks(solutions_dir)) or "none"
    raise LookupError(
        f"{notebook.name} is not one of the course's exercise notebooks (they are: {known}); "
        "keep the file name it was handed out with"
    )


def hidden_tests_for(solution: Path) -> Path | None:
    number = lesson_number(solution.name)
    path = solution.parent / "hidden" / f"lesson_{number}.py"
    return path if path.is_file() else None


def template_for(notebook: Path, solutions_dir: Path = SOLUTIONS_DIR) -> Path | None:
    """The solution notebook to check ``notebook`` against, or None when the course copy has
    no solutions/ but the lesson's checks are registered (learners' copies may lack solutions/)."""
    try:
        return solution_for(notebook, solutions_dir)
    except LookupError:
        from course.checks import exercises_of

        number = lesson_number(notebook.name)
        if number and exercises_of(number):
            return None
        raise


def uses_the_browser(notebook: Path) -> bool:
    """Does this notebook drive Chromium (lesson 06 and its exercises)?"""
    return "course.lessons.browser" in notebook.read_text(encoding="utf-8")
