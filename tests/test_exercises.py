"""exercises/ is generated from solutions/, and every check is real:
it passes on the solution and fails on the untouched exercise."""

from __future__ import annotations

import nbformat
import pytest

from course.authoring import make_exercises
from course.authoring import synthetic_class as class_builder
from course.exercise_format import NotebookFormatError, exercise_ids, looks_worked_on, make_exercise, strip_solution
from course.grading.assemble import CHECK, assemble, nonce_of, role_of
from course.grading.report import NotebookStatus
from course.grading.worker import check_notebook_file
from course.layout import EXERCISES_DIR, SOLUTIONS_DIR, exercise_path, hidden_tests_for, solution_notebooks

from .browser_support import require_chromium, uses_the_browser

SOLUTIONS = solution_notebooks()


def _run(solution, notebook, hidden=None):
    return check_notebook_file(solution, notebook, hidden=hidden, cell_timeout=20)


def test_there_are_exercise_notebooks():
    assert SOLUTIONS, "solutions/ has no NN-topic.ipynb"


def test_exercises_folder_is_what_the_generator_writes(tmp_path):
    make_exercises.write(SOLUTIONS_DIR, tmp_path)
    generated = sorted(p.name for p in tmp_path.glob("*.ipynb"))
    committed = sorted(p.name for p in EXERCISES_DIR.glob("[0-9][0-9]-*.ipynb"))
    assert generated == committed
    for name in generated:
        assert (tmp_path / name).read_text() == (EXERCISES_DIR / name).read_text(), (
            f"exercises/{name} is stale: run `make exercises`"
        )


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_every_check_passes_on_the_solution(solution):
    if uses_the_browser(solution):
        require_chromium()  # lesson 06's checks attack the learner's app in Chromium
    report = _run(solution, solution, hidden_tests_for(solution))
    assert report.status is NotebookStatus.CHECKED, report.message
    assert report.exercises, "no exercises found"
    failing = {o.id: o.message for o in report.exercises if not o.passed}
    assert not failing, f"checks fail on the solution: {failing}"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_every_check_fails_on_the_untouched_exercise(solution):
    report = _run(solution, exercise_path(solution))
    passing = [o.id for o in report.exercises if o.passed]
    assert not passing, f"checks that pass on a stub are defects: {passing}"
    assert report.exercises, "no exercises found"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_exercise_notebooks_are_clean_stubs(solution):
    exercise = nbformat.read(exercise_path(solution), as_version=4)
    assert not looks_worked_on(exercise)
    assert "### BEGIN SOLUTION" not in nbformat.writes(exercise)
    assert exercise_ids(exercise) == exercise_ids(nbformat.read(solution, as_version=4))
    numbers = [int(i.partition(".")[2]) for i in exercise_ids(exercise)]
    assert numbers == list(range(1, len(numbers) + 1)), "exercise ids must be NN.1, NN.2, ... in order"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n",
            "def f():\n    raise NotImplementedError()",
        ),
        ("x = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION\nz = 3", "x = 1\nraise NotImplementedError()\nz = 3"),
        (
            "class A:\n    def a(self):\n        ### BEGIN SOLUTION\n        return 1\n        ### END SOLUTION\n"
            "    def b(self):\n        ### BEGIN SOLUTION\n        return 2\n        ### END SOLUTION",
            "class A:\n    def a(self):\n        raise NotImplementedError()\n"
            "    def b(self):\n        raise NotImplementedError()",
        ),
    ],
)
def test_strip_solution(source, expected):
    assert strip_solution(source) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("### BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n### END SOLUTION", "without"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "nested"),
    ],
)
def test_strip_solution_rejects_broken_markers(source, message):
    with pytest.raises(NotebookFormatError, match=message):
        strip_solution(source)


def test_solution_cell_needs_an_exercise_id():
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION")
    cell.metadata["tags"] = ["solution"]
    notebook.cells.append(cell)
    with pytest.raises(NotebookFormatError, match="course.exercise"):
        make_exercise(notebook)


def _solution_00():
    return nbformat.read(SOLUTIONS_DIR / "00-start-here.ipynb", as_version=4)


def test_assemble_puts_pristine_checks_back():
    solution = _solution_00()
    template = make_exercise(solution)
    learner = class_builder.with_fake_checks(class_builder.without_check_cells(class_builder.complete(solution)))
    assembled = assemble(template, learner)
    checks = [c for c in assembled.notebook.cells if role_of(c) == CHECK]
    assert [c.source for c in checks] == [
        f'__import__("course.checks").checks.check("00.{n}", nonce="{nonce_of(c)}")'
        for n, c in zip((1, 2, 3), checks, strict=True)
    ]
    assert len({nonce_of(c) for c in checks}) == 3, "each check has a nonce of its own"
    assert assembled.missing_answers == []


def test_assemble_finds_a_recreated_answer_cell_by_its_names():
    solution = _solution_00()
    template = make_exercise(solution)
    learner = class_builder.complete(solution)
    answer = class_builder.answer_source(learner, "00.2")
    learner.cells = [
        c for c in learner.cells if "solution" not in c.metadata.get("tags", []) or "00.2" not in str(c.metadata)
    ]
    learner.cells.append(nbformat.v4.new_code_cell(answer))  # a new cell, no id or metadata match
    assembled = assemble(template, learner)
    assert assembled.missing_answers == []
    assert any(c.source == answer for c in assembled.notebook.cells)


def test_assemble_keeps_the_learners_helper_cells():
    solution = _solution_00()
    learner = class_builder.with_cell_before_first_answer(class_builder.complete(solution), "HELPER = 1")
    assembled = assemble(make_exercise(solution), learner)
    assert any(c.source == "HELPER = 1" for c in assembled.notebook.cells)


def test_make_exercises_never_overwrites_a_learners_work(tmp_path):
    make_exercises.write(SOLUTIONS_DIR, tmp_path)
    target = tmp_path / "00-start-here-exercises.ipynb"
    worked = class_builder.complete(_solution_00())
    worked.cells.append(nbformat.v4.new_markdown_cell("my notes"))
    nbformat.write(worked, target)
    before = target.read_text()
    written, refused = make_exercises.write(SOLUTIONS_DIR, tmp_path)
    assert refused == ["00-start-here-exercises.ipynb"] and "00-start-here-exercises.ipynb" not in written
    assert target.read_text() == before
    written, refused = make_exercises.write(SOLUTIONS_DIR, tmp_path, force=True)
    assert "00-start-here-exercises.ipynb" in written
    backups = list((tmp_path / "backups").glob("00-start-here-exercises.*.ipynb"))
    assert len(backups) == 1 and backups[0].read_text() == before


@pytest.mark.parametrize("name", ["00-start-here-exercises.ipynb", "00-start-here.ipynb"])
def test_check_works_without_the_solutions_folder(tmp_path, name):
    """Learners may get the course without solutions/: the registered checks still run,
    even for check cells they deleted, under the hand-out's name or the older one."""
    from course.grading.check_command import report_notebook
    from course.terminal import Terminal

    learner = class_builder.without_check_cells(class_builder.complete(_solution_00()))
    path = tmp_path / name
    nbformat.write(learner, path)
    empty_solutions = tmp_path / "no-solutions"
    empty_solutions.mkdir()
    assert report_notebook(path, cell_timeout=20, hints=0, terminal=Terminal(), solutions_dir=empty_solutions) == (
        3,
        3,
    )
