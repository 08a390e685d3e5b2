"""`make bench-anchors`: `course grade` beside nbgrader, on the same class, in the same run.

Builds a venv of its own (bench/.anchors/venv: nbgrader and what lesson 00's checks
import; never the course's .venv), turns lesson 00 into the equivalent nbgrader
assignment (the same answers, the same checks and hidden tests as autograder
cells, the same 10 s cell limit), gives nbgrader the class of twenty of
course/authoring/synthetic_class.py, and times, interleaved, `course grade` at
--jobs 1 and --jobs 2 and `nbgrader autograde`; then prints medians and ratios.
Never part of `make test`: it installs from the package index and takes minutes.
"""

from __future__ import annotations

import json
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import nbformat

from course.authoring import synthetic_class as cb
from course.exercise_format import exercise_of, is_check_cell, is_solution_cell

ROOT = Path(__file__).resolve().parent.parent
ANCHORS = ROOT / "bench" / ".anchors"
VENV = ANCHORS / "venv"
NBGRADER = "nbgrader==0.9.6"
# What lesson 00's notebook and checks import, at the course's own pins.
RUNTIME = (
    "flask", "werkzeug", "jinja2", "itsdangerous", "markupsafe", "blinker", "click", "requests", "urllib3",
    "idna", "certifi", "charset-normalizer", "cryptography", "cffi", "pycparser", "pyjwt", "ipykernel",
    "flask-limiter", "limits", "flask-wtf", "wtforms",  # create_app registers lesson 05's fixed twins too
)  # fmt: skip
ASSIGNMENT = "ps00"
NOTEBOOK = "00-start-here.ipynb"
CELL_TIMEOUT = 10


def build_venv() -> Path:
    python = VENV / "bin" / "python"
    stamp = VENV / ".installed"
    if stamp.exists():
        return python
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pins = [
        line.split(";")[0].strip()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if re.split(r"[=<>;\[ ]", line.strip(), maxsplit=1)[0].lower().replace("_", "-") in RUNTIME
    ]
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", NBGRADER, *pins], check=True)
    stamp.touch()
    return python


def test_cell_source(exercise_id: str, hidden: str) -> str:
    """An nbgrader autograder cell that does what `course grade` does for one exercise:
    the visible check, then (hidden from students) the hidden tests."""
    return (
        "import course.checks as _checks\n"
        f"_result = _checks.run(_checks.find({exercise_id!r}), globals())\n"
        f"_checks._last_check[{exercise_id!r}] = _result\n"
        "assert _result.passed, _result.message\n"
        "### BEGIN HIDDEN TESTS\n"
        f"_hidden = _checks.run_hidden_tests({hidden!r}, {exercise_id!r}, globals())\n"
        "assert all(r.passed for r in _hidden), [r.message for r in _hidden if not r.passed]\n"
        "### END HIDDEN TESTS\n"
    )


def nbgrader_source(solution: nbformat.NotebookNode, hidden: str) -> nbformat.NotebookNode:
    """Lesson 00's solution notebook in nbgrader's format."""
    notebook = nbformat.v4.new_notebook(metadata=solution.metadata)
    for index, cell in enumerate(solution.cells):
        new = nbformat.from_dict(json.loads(json.dumps(cell)))
        new.setdefault("id", f"cell-{index}")
        if cell.cell_type == "code":
            new.outputs, new.execution_count = [], None
        base = {"schema_version": 3, "grade": False, "solution": False, "locked": False}
        if is_solution_cell(cell):
            new.metadata["nbgrader"] = {**base, "solution": True, "grade_id": _grade_id("answer", exercise_of(cell))}
        elif is_check_cell(cell):
            exercise_id = exercise_of(cell)
            new.source = test_cell_source(exercise_id, hidden)
            new.metadata["nbgrader"] = {
                **base,
                "grade": True,
                "locked": True,
                "points": 1,
                "grade_id": _grade_id("check", exercise_id),
            }
        else:
            new.metadata["nbgrader"] = {**base, "locked": True, "grade_id": f"cell-{index}"}
        notebook.cells.append(new)
    return notebook


def _grade_id(kind: str, exercise_id: str) -> str:
    return f"{kind}-{exercise_id.replace('.', '_')}"  # nbgrader's ids have no dots


def submission(release: nbformat.NotebookNode, learner: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A learner's answers (from the course's synthetic class) in nbgrader's released notebook."""
    answers = {_grade_id("answer", exercise_of(cell)): cell.source for cell in learner.cells if is_solution_cell(cell)}
    notebook = nbformat.from_dict(json.loads(json.dumps(release)))
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id in answers:
            lines = answers[grade_id].splitlines()
            cell.source = "\n".join(
                line for line in lines if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
            )
    return notebook


def prepare(folder: Path, python: Path) -> tuple[Path, Path]:
    """An nbgrader course with the class of twenty submitted; and the same class for `course grade`."""
    solution = nbformat.read(ROOT / "solutions" / NOTEBOOK, as_version=4)
    hidden = (ROOT / "solutions" / "hidden" / "lesson_00.py").read_text()
    course = folder / "nbgrader-course"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'sessions-live'\n"
        f"c.ExecutePreprocessor.timeout = {CELL_TIMEOUT}\n"
        f"c.Execute.timeout = {CELL_TIMEOUT}\n"
    )
    nbformat.write(nbgrader_source(solution, hidden), course / "source" / ASSIGNMENT / NOTEBOOK)
    run_nbgrader(python, course, "generate_assignment", ASSIGNMENT, "--force")
    release = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    ours = folder / "submissions"
    for name, learner in cb.class_of_twenty(solution).items():
        target = course / "submitted" / name / ASSIGNMENT
        target.mkdir(parents=True)
        nbformat.write(submission(release, learner), target / NOTEBOOK)
        (ours / name).mkdir(parents=True)
        nbformat.write(learner, ours / name / NOTEBOOK)
    return course, ours


def run_nbgrader(python: Path, course: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(course), "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8",
           "JUPYTER_PLATFORM_DIRS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}  # fmt: skip
    return subprocess.run([str(python.parent / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True)


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout[-1000:]}\n{result.stderr[-2000:]}")
    return time.perf_counter() - started


def nbgrader_scores(python: Path, course: Path) -> dict[str, float]:
    code = (
        "from nbgrader.api import Gradebook\n"
        "import json\n"
        "with Gradebook('sqlite:///gradebook.db') as book:\n"
        f"    print(json.dumps({{s.id: book.find_submission({ASSIGNMENT!r}, s.id).score for s in book.students}}))\n"
    )
    result = subprocess.run([str(python), "-c", code], cwd=course, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def main() -> int:
    python = build_venv()
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    times: dict[str, list[float]] = {"course grade --jobs 1": [], "course grade --jobs 2": [], "nbgrader autograde": []}
    with tempfile.TemporaryDirectory() as folder:
        course, ours = prepare(Path(folder), python)
        for _ in range(rounds):
            for jobs in (1, 2):
                command = [sys.executable, "-m", "course.cli", "grade", str(ours), "--csv", f"{folder}/g.csv",
                           "--md", f"{folder}/r.md", "--jobs", str(jobs), "--timeout", str(CELL_TIMEOUT)]  # fmt: skip
                times[f"course grade --jobs {jobs}"].append(timed(command))
            times["nbgrader autograde"].append(_time_nbgrader(python, course))
        scores = nbgrader_scores(python, course)
    medians = {name: statistics.median(samples) for name, samples in times.items()}
    anchor = medians["nbgrader autograde"]
    wrong = {name: score for name, score in scores.items() if score != cb.expected_points_of_twenty(name)}
    print(f"Lesson 00, class of twenty, {CELL_TIMEOUT} s per cell, {date.today()}, {platform.machine()}, "
          f"Python {platform.python_version()}, medians of {rounds} interleaved runs:")  # fmt: skip
    print("| grader | wall time | × nbgrader |")
    print("|---|---|---|")
    for name, seconds in medians.items():
        print(f"| {name} | {seconds:.1f} s | {seconds / anchor:.2f} |")
    print("nbgrader's scores agree with the course's" if not wrong else f"nbgrader scored differently: {wrong}")
    return 0


def _time_nbgrader(python: Path, course: Path) -> float:
    started = time.perf_counter()
    result = run_nbgrader(python, course, "autograde", ASSIGNMENT, "--force", "--create")
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"nbgrader autograde failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return seconds


if __name__ == "__main__":
    sys.exit(main())
