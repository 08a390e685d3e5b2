"""`course make-exercises`: write exercises/ from solutions/ (nobody edits exercises/ by hand)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat

from course.exercise_format import looks_worked_on, make_exercise
from course.layout import EXERCISES_DIR, SOLUTIONS_DIR, exercise_name, solution_notebooks


def rendered(notebook: nbformat.NotebookNode) -> str:
    return nbformat.writes(notebook) + "\n"


def generate(solutions_dir: Path = SOLUTIONS_DIR) -> dict[str, str]:
    """Exercise notebook name (``NN-topic-exercises.ipynb``) -> its file content, for every solution notebook."""
    return {
        exercise_name(path.name): rendered(make_exercise(nbformat.read(path, as_version=4), path.name))
        for path in solution_notebooks(solutions_dir)
    }


def differences(solutions_dir: Path, exercises_dir: Path) -> list[str]:
    """Why exercises_dir is not what the generator writes (empty: in sync)."""
    wanted = generate(solutions_dir)
    found = {path.name for path in exercises_dir.glob("[0-9][0-9]-*.ipynb")}
    problems = [f"{name}: missing (run `make exercises`)" for name in sorted(set(wanted) - found)]
    problems += [f"{name}: has no solution notebook" for name in sorted(found - set(wanted))]
    for name in sorted(set(wanted) & found):
        if (exercises_dir / name).read_text(encoding="utf-8") != wanted[name]:
            problems.append(f"{name}: differs from what solutions/ generates (run `make exercises`)")
    return problems


def write(
    solutions_dir: Path = SOLUTIONS_DIR, exercises_dir: Path = EXERCISES_DIR, *, force: bool = False
) -> tuple[list[str], list[str]]:
    """Write the exercise notebooks; returns (written, refused). Never loses a learner's work:
    a notebook someone has run or answered is kept, and with --force it is first backed up."""
    exercises_dir.mkdir(parents=True, exist_ok=True)
    written, refused = [], []
    for name, content in generate(solutions_dir).items():
        target = exercises_dir / name
        if target.exists():
            if target.read_text(encoding="utf-8") == content:
                continue
            if looks_worked_on(nbformat.read(target, as_version=4)):
                if not force:
                    refused.append(name)
                    continue
                backup_dir = exercises_dir / "backups"
                backup_dir.mkdir(exist_ok=True)
                shutil.copy2(target, backup_dir / f"{target.stem}.{time.strftime('%Y%m%d-%H%M%S')}.ipynb")
        target.write_text(content, encoding="utf-8")
        written.append(name)
    return written, refused
