"""Exercise hand-outs are named NN-topic-exercises.ipynb (a JupyterLab tab that differs from the
lesson's), and a learner's copy under the older name (NN-topic.ipynb) still checks and grades."""

from __future__ import annotations

import csv

import nbformat
import pytest

from course.authoring import synthetic_class as class_builder
from course.grading import grade_command as grading
from course.layout import (
    EXERCISES_DIR,
    SOLUTIONS_DIR,
    exercise_name,
    solution_for,
    solution_notebooks,
    submitted_notebook,
)
from course.terminal import Terminal

LESSONS = sorted(path.name for path in (SOLUTIONS_DIR.parent / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def test_every_hand_out_is_named_apart_from_its_lesson():
    hand_outs = sorted(path.name for path in EXERCISES_DIR.glob("*.ipynb"))
    assert hand_outs == [exercise_name(path.name) for path in solution_notebooks()]
    assert not set(hand_outs) & set(LESSONS), "a lesson and its exercises would share a tab name"
    assert all(name.endswith("-exercises.ipynb") for name in hand_outs)


@pytest.mark.parametrize("name", ["01-cookies-exercises.ipynb", "01-cookies.ipynb", "01-my-copy.ipynb"])
def test_a_learners_notebook_finds_its_solution(tmp_path, name):
    assert solution_for(tmp_path / name) == SOLUTIONS_DIR / "01-cookies.ipynb"


def test_unknown_notebooks_name_the_hand_outs(tmp_path):
    with pytest.raises(LookupError, match="00-start-here-exercises.ipynb"):
        solution_for(tmp_path / "notes.ipynb")


def test_the_hand_out_name_wins_over_the_older_one(tmp_path):
    solution = SOLUTIONS_DIR / "00-start-here.ipynb"
    assert submitted_notebook(tmp_path, solution).name == "00-start-here-exercises.ipynb"  # nothing handed in
    (tmp_path / "00-start-here.ipynb").write_text("{}")
    assert submitted_notebook(tmp_path, solution).name == "00-start-here.ipynb"
    (tmp_path / "00-start-here-exercises.ipynb").write_text("{}")
    assert submitted_notebook(tmp_path, solution).name == "00-start-here-exercises.ipynb"


@pytest.mark.slow
def test_a_class_with_both_names_is_graded(tmp_path):
    done = class_builder.complete(nbformat.read(SOLUTIONS_DIR / "00-start-here.ipynb", as_version=4))
    for learner, name in [("ada", "00-start-here-exercises.ipynb"), ("bob", "00-start-here.ipynb")]:
        (tmp_path / learner).mkdir()
        nbformat.write(done, tmp_path / learner / name)
    csv_path = tmp_path / "grades.csv"
    grading.grade(tmp_path, csv_path=csv_path, md_path=tmp_path / "report.md", jobs=2, terminal=Terminal())
    with open(csv_path, newline="") as grades:
        rows = list(csv.reader(grades))
    assert rows[1:] == [["ada", "1", "1", "1", "3"], ["bob", "1", "1", "1", "3"]]
