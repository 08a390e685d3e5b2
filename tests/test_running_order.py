"""`course grade` starts the notebooks that may run to a time limit first, and only those."""

from __future__ import annotations

import json
from collections import Counter, deque

import nbformat
import pytest

from course.authoring import synthetic_class as cb
from course.grading import grade_command as grading
from course.grading.job import Job
from course.grading.running_order import code_sources, endless_constructs, running_order
from course.layout import SOLUTIONS_DIR


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("while True:\n    pass", {"while": 1}),
        ("import time\ntime.sleep(30)", {"sleep": 1}),
        ("from asyncio import sleep\nawait sleep(1)", {"sleep": 1}),
        ("import itertools\nfor n in itertools.count():\n    pass", {"count": 1}),
        (
            "from itertools import cycle, repeat\nfor x in cycle('ab'): pass\nfor y in repeat(1): pass",
            {"cycle": 1, "repeat": 1},
        ),
        ("for line in iter(input, ''):\n    pass", {"iter": 1}),
        ("%time x = 1\nwhile x:\n    x -= 1", {"while": 1}),
        # Bounded: what correct answers write all the time.
        ("import itertools\nfor y in itertools.repeat(1, 3): pass\nfor z in iter([1, 2]): pass", {}),
        (
            "from itertools import repeat\nlist(repeat(object=1, times=2))\nfor x in repeat(object=1): pass",
            {"repeat": 1},
        ),
        ("'a=1; b=2'.count(';') + [1, 1].count(1)", {}),
        ("for name, value in cookies.items():\n    print(name)", {}),
        # Not Python at all: it stops at once when it runs.
        ("def (broken:\n    while True: pass", {}),
        ("x = 1\x00", {}),
        ("while " + "(" * 30_000 + "1" + ")" * 30_000 + ": pass", {}),
        ("x = '" + "a" * 100 + "'", {}),  # nothing that could loop: not even parsed
    ],
)
def test_what_can_run_without_end_is_counted_and_bounded_loops_are_not(source, found):
    assert endless_constructs([source]) == Counter(found)


def test_code_past_what_is_read_of_a_notebook_is_not_parsed_and_counts_as_unread():
    huge = "while True: pass\n" + "x = 1\n" * 20_000
    assert endless_constructs([huge]) == Counter({"unread": 1})
    many = ["while True: pass"] * 30_000  # 16 characters each: 64 KiB is 4,096 of them
    assert endless_constructs(many) == Counter({"while": 4_096, "unread": 25_904})


def test_a_file_that_is_not_a_notebook_has_no_code_and_list_sources_are_joined():
    assert code_sources("this is not JSON") == []
    assert code_sources('{"cells": 3}') == []
    text = json.dumps(
        {
            "cells": [
                {"cell_type": "markdown", "source": "while"},
                {"cell_type": "code", "source": ["while 1:\n", "  pass"]},
            ]
        }
    )
    assert code_sources(text) == ["while 1:\n  pass"]


def _jobs(notebooks: dict[str, object], lesson: str) -> list[Job]:
    return [Job(n, name, nbformat.writes(nb), None, None, lesson, 10) for n, (name, nb) in enumerate(notebooks.items())]


def test_a_loop_the_solution_does_not_have_goes_first_and_the_rest_keep_their_order():
    solution = nbformat.read(SOLUTIONS_DIR / "00-start-here.ipynb", as_version=4)
    done, stub = cb.complete(solution), cb.untouched(solution)
    jobs = _jobs(
        {
            "ada": done,
            "bob": stub,
            "cy": cb.with_answer(done, "00.2", cb.looping(cb.answer_source(done, "00.2"))),
            "di": cb.with_answer(done, "00.1", cb.broken_syntax(cb.answer_source(done, "00.1"))),
            "ed": done,
        },
        "00",
    )
    has = endless_constructs(cell.source for cell in solution.cells if cell.cell_type == "code")
    assert [job.notebook_name for job in running_order(jobs, {"00": has})] == ["cy", "ada", "bob", "di", "ed"]


def test_the_loops_a_solution_has_move_nobody_but_one_more_does():
    solution = nbformat.read(SOLUTIONS_DIR / "07-sessions-at-scale.ipynb", as_version=4)
    has = endless_constructs(cell.source for cell in solution.cells if cell.cell_type == "code")
    assert has["while"] >= 1  # 07.1's answer waits in a loop
    done = cb.complete(solution)
    answer = next(cell for cell in solution.cells if "solution" in cell.metadata.get("tags", []))
    extra = cb.with_answer(done, answer.metadata["course"]["exercise"], answer.source + "\nwhile True:\n    pass\n")
    jobs = _jobs({"ada": done, "bob": cb.untouched(solution), "cy": extra}, "07")
    assert [job.notebook_name for job in running_order(jobs, {"07": has})] == ["cy", "ada", "bob"]


def test_grade_hands_its_workers_the_looping_notebook_first(tmp_path, monkeypatch):
    solution = nbformat.read(SOLUTIONS_DIR / "00-start-here.ipynb", as_version=4)
    done = cb.complete(solution)
    learners = {
        "ada": done,
        "bob": cb.untouched(solution),
        "cy": cb.with_answer(done, "00.2", cb.looping(cb.answer_source(done, "00.2"))),
        "di": done,
    }
    for name, notebook in learners.items():
        (tmp_path / name).mkdir()
        nbformat.write(notebook, tmp_path / name / "00-start-here-exercises.ipynb")
    handed: list[int] = []

    class Worker:
        def close(self) -> None:
            pass

    def run_jobs(jobs, **options):
        handed.extend(job.id for job in jobs)
        raise KeyboardInterrupt  # enough: the order is what this test is about

    monkeypatch.setattr(grading, "start_workers", lambda count, mode, run, lessons: deque([Worker()]))
    monkeypatch.setattr(grading, "run_jobs", run_jobs)
    with pytest.raises(KeyboardInterrupt):
        grading.grade(tmp_path, csv_path=tmp_path / "g.csv", md_path=tmp_path / "r.md", jobs=1)
    assert handed == [2, 0, 1, 3]  # job ids follow the learners' names: cy's loop first
