"""Every fix the audit names points at a lesson step that exists, under the title the notebook gives it."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from course.audit import lessons
from course.audit.lessons import LessonStep

ROOT = Path(__file__).resolve().parent.parent
STEPS = sorted(
    {value for value in vars(lessons).values() if isinstance(value, LessonStep)},
    key=lambda step: (step.lesson, step.step or 0),
)


def _step_headings(notebook: Path) -> dict[int, str]:
    headings = {}
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("## Step "):
                number, _, title = line.removeprefix("## Step ").partition(" — ")
                headings[int(number)] = title.strip()
    return headings


@pytest.mark.parametrize("step", [s for s in STEPS if s.step is not None], ids=str)
def test_the_step_exists_with_this_title(step):
    notebook = ROOT / step.notebook
    assert notebook.is_file(), f"{step.notebook} does not exist"
    headings = _step_headings(notebook)
    assert headings.get(step.step) == step.title, (
        f"{step.notebook} step {step.step} is titled {headings.get(step.step)!r}, "
        f"course/audit/lessons.py says {step.title!r}"
    )


def test_a_lesson_without_a_step_is_named_by_its_topic():
    for step in STEPS:
        if step.step is None:
            assert step.lesson in lessons.TOPICS, f"lesson {step.lesson} needs a topic or a step"
            assert str(step) == f"lesson {step.lesson} ({lessons.TOPICS[step.lesson]})"
