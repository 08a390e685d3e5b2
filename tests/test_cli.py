"""The `course` command as a learner meets it: exit codes, messages, no colour in pipes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = ROOT / "exercises" / "00-start-here-exercises.ipynb"
SOLUTION = ROOT / "solutions" / "00-start-here.ipynb"


def course(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "course.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_check_on_the_untouched_exercise_exits_1_and_names_each_exercise():
    result = course("check", str(EXERCISE))
    assert result.returncode == 1
    for line in [
        "00.1 Read a response header: not done yet",
        "00.2 Send a cookie: not done yet",
        "00.3 See what the server saw: not done yet",
    ]:
        assert line in result.stdout
    assert "0/3 exercises pass." in result.stdout
    assert "Next: in" in result.stdout and "work on 00.1 (Read a response header)" in result.stdout
    assert "\033[" not in result.stdout + result.stderr, "no colour or progress codes when piped"


def test_check_on_the_solution_exits_0(tmp_path):
    learner_copy = tmp_path / "00-start-here.ipynb"
    shutil.copy(SOLUTION, learner_copy)
    before = learner_copy.read_bytes()
    result = course("check", str(learner_copy))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3/3 exercises pass. Well done!" in result.stdout
    assert learner_copy.read_bytes() == before, "course check must never modify the learner's notebook"


def test_hints_only_when_asked_and_in_steps():
    assert "Hint" not in course("check", str(EXERCISE)).stdout
    first = course("check", "--hint", str(EXERCISE)).stdout
    assert "Hint 1 of 3: Lesson 00, Setup: show(response) lists the headers" in first
    assert "Still stuck? `" in first and "00-start-here-exercises.ipynb --hint 2` gives hint 2 of 3." in first
    second = course("check", "--hint", "2", str(EXERCISE)).stdout
    assert "Hint 2 of 3: response.headers is a case-insensitive dict" in second


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "no-such.ipynb"], "No such notebook: no-such.ipynb"),
        (["check", "pyproject.toml"], "is not one of the course's exercise notebooks"),
    ],
)
def test_check_explains_bad_arguments(args, message):
    result = course(*args)
    assert result.returncode == 2
    assert message in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--timeout", "0"], "must be more than 0"),
        (["grade", "x", "--jobs", "zero"], "expected a whole number"),
    ],
)
def test_bad_options_are_refused_by_argparse(args, message):
    result = course(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_grade_explains_a_missing_folder(tmp_path):
    result = course("grade", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "is not a folder" in result.stdout


def test_make_exercises_check_says_up_to_date():
    result = course("make-exercises", "--check")
    assert result.returncode == 0, result.stdout
    assert "exercises/ is up to date." in result.stdout


def test_make_check_prints_the_report_without_makes_error_noise():
    result = subprocess.run(["make", "check"], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, "an unfinished exercise is not make's error"
    assert "make: ***" not in result.stdout + result.stderr and "Error 1" not in result.stderr
    assert "0/3 exercises pass." in result.stdout
    assert "then run `make check` again. Stuck? `make check HINT=1`." in result.stdout


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"COURSE_CHECK_COMMAND": "make check"}, "make check HINT=2"),
        ({"PATH": f"{Path(sys.prefix) / 'bin'}"}, "course check --hint 2"),
        ({"PATH": "/nowhere"}, ".venv/bin/course check --hint 2"),
    ],
)
def test_the_advice_names_a_command_that_works_here(monkeypatch, environment, expected):
    from course.grading.check_command import check_command

    monkeypatch.delenv("COURSE_CHECK_COMMAND", raising=False)
    monkeypatch.chdir(ROOT)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert check_command(hint=2) == expected


def test_the_advice_names_the_notebook_the_learner_named(monkeypatch, tmp_path):
    from course.grading.check_command import check_command

    notebook = tmp_path / "my work" / "05-common-mistakes-exercises.ipynb"
    monkeypatch.setenv("PATH", f"{Path(sys.prefix) / 'bin'}")
    monkeypatch.delenv("COURSE_CHECK_COMMAND", raising=False)
    assert check_command(hint=1, notebook=notebook) == f"course check '{notebook}' --hint 1"
    monkeypatch.setenv("COURSE_CHECK_COMMAND", "make check")
    assert check_command(hint=1, notebook=notebook) == f"make check NOTEBOOK='{notebook}' HINT=1"


def test_a_reader_that_stops_early_gets_no_traceback():
    """`course check | head -1`: the command ends quietly when the pipe closes. (A reader that leaves
    after the first line may still find the whole report in the pipe's buffer: no broken pipe.)"""
    process = subprocess.Popen(
        [sys.executable, "-m", "course.cli", "check", "--hint", str(EXERCISE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    process.stdout.close()  # a reader that is gone before the first line (so the write surely fails)
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 141 and b"Traceback" not in errors, errors.decode()


@pytest.mark.parametrize("thread", [False, True])
def test_the_command_exits_with_its_code_after_its_output_and_exit_handlers(tmp_path, thread):
    """course.cli.run skips Python's teardown, not what the command printed or asked atexit to do,
    and waits for a thread that is still running as the ordinary exit does."""
    script = f"""
import atexit, sys, threading, time
import course.cli
atexit.register(lambda: print("exit handler ran"))
if {thread}:
    threading.Thread(target=lambda: (time.sleep(0.5), print("thread finished"))).start()
sys.argv = ["course", "grade", {str(tmp_path / "missing")!r}]
course.cli.run()
"""
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert process.returncode == 2, process.stderr
    lines = process.stdout.splitlines()
    assert lines[0] == f"course grade: {tmp_path / 'missing'} is not a folder"
    assert lines[1:] == (["thread finished", "exit handler ran"] if thread else ["exit handler ran"])


def test_the_command_starts_without_the_notebook_machinery():
    # `course grade` starts its workers before it imports what only they need, and `course
    # audit` or `course --help` never pay for nbformat, jupyter_client or the checks.
    probe = (
        "import sys, course.cli, course.grading.grade_command; "
        "print(sorted(m for m in ('nbformat', 'jupyter_client', 'nbclient', 'course.checks', 'demo_server') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
