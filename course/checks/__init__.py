"""Exercise checks: ``check("00.1")`` in a notebook, and the same checks for
``course check`` and ``course grade``.

Each lesson's checks live in ``course/checks/lesson_NN.py``; a check is a
function of the learner's notebook namespace that raises AssertionError with
a message the learner can act on. Prefer defender checks: replay the attack
(it must fail) and the legitimate flow (it must still work).
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

from course.outcome import Outcome

RESULTS_FILE_ENV = "COURSE_RESULTS_FILE"
# Longer than any honest check takes; shorter than a learner's patience.
CHECK_TIME_LIMIT_SECONDS = 20

Namespace = dict[str, Any]
CheckFunction = Callable[[Namespace], None]


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    hints: tuple[str, ...]  # in steps: where to look first, the shape of the answer last
    points: int
    run: CheckFunction

    @property
    def hint(self) -> str:
        """The first hint step (what `course grade` reports and `course check --hint` shows first)."""
        return self.hints[0] if self.hints else ""


@dataclass(frozen=True)
class Result:
    id: str
    title: str
    status: Outcome
    message: str = ""
    kind: str = "check"  # or "hidden"
    name: str = ""

    @property
    def passed(self) -> bool:
        return self.status is Outcome.PASS

    def line(self) -> str:
        text = f"{self.status.mark} {self.id} {self.title}: {self.status.label}"
        if self.message:
            text += f" — {self.message}"
        return text


_exercises: dict[str, Exercise] = {}
_hidden_tests: list[tuple[str, str, CheckFunction]] = []
_last_check: dict[str, Result] = {}  # exercise id -> the latest check() result in this kernel
_hints_shown: dict[str, int] = {}  # exercise id -> the last hint step check(..., hint=True) showed


def exercise(
    exercise_id: str, title: str, *, hint: str | Sequence[str], points: int = 1
) -> Callable[[CheckFunction], CheckFunction]:
    """Register the check of one exercise (used in course/checks/lesson_NN.py).

    ``hint`` is one hint or a list of steps: the first says where to look, the
    last may show the shape of the answer; a learner gets one step at a time.
    """
    hints = (hint,) if isinstance(hint, str) else tuple(hint)
    if not hints or not all(isinstance(step, str) and step.strip() for step in hints):
        raise ValueError(f"exercise {exercise_id}: hint must be a non-empty string or a list of them")

    def register(function: CheckFunction) -> CheckFunction:
        _exercises[exercise_id] = Exercise(exercise_id, title, hints, points, function)
        return function

    return register


def hidden_test(exercise_id: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register an instructor's hidden test (used in solutions/hidden/*.py)."""

    def register(function: CheckFunction) -> CheckFunction:
        _hidden_tests.append((exercise_id, function.__name__, function))
        return function

    return register


def lesson_of(exercise_id: str) -> str:
    lesson, dot, number = exercise_id.partition(".")
    if not (dot and lesson.isdigit() and number.isdigit()):
        raise ValueError(f"an exercise id looks like '01.2' (lesson.number), not {exercise_id!r}")
    return lesson


def exercises_of(lesson: str) -> list[Exercise]:
    """The registered exercises of one lesson ('00', '01', ...), in order."""
    try:
        importlib.import_module(f"course.checks.lesson_{lesson}")
    except ModuleNotFoundError as error:
        if error.name != f"course.checks.lesson_{lesson}":
            raise
        return []
    found = [ex for ex in _exercises.values() if lesson_of(ex.id) == lesson]
    return sorted(found, key=lambda ex: int(ex.id.partition(".")[2]))


def find(exercise_id: str) -> Exercise:
    lesson = lesson_of(exercise_id)
    for candidate in exercises_of(lesson):
        if candidate.id == exercise_id:
            return candidate
    known = ", ".join(ex.id for ex in exercises_of(lesson)) or "none"
    raise KeyError(f"there is no exercise {exercise_id!r} (lesson {lesson} has: {known})")


def exercises_for(exercise_ids: list[str]) -> list[Exercise]:
    """The registered exercises with these ids, in that order (a notebook's check cells)."""
    found = []
    for exercise_id in exercise_ids:
        try:
            found.append(find(exercise_id))
        except KeyError:
            # A check cell with no registered check is a course defect; it scores nothing.
            found.append(Exercise(exercise_id, f"(unknown exercise {exercise_id})", (), 1, _no_such_check))
    return found


def _no_such_check(namespace: Namespace) -> None:
    raise AssertionError("this exercise has no check registered (a course bug)")


def run(ex: Exercise, namespace: Namespace) -> Result:
    """Run one exercise's check against a namespace; never raises."""
    return _run_function(ex.run, namespace, ex.id, ex.title, kind="check", name=ex.id)


def check(exercise_id: str, hint: bool | int = False, namespace: Namespace | None = None) -> None:
    """Check an exercise in this notebook and print one line, and a hint if asked.

    ``hint=True`` shows the next hint step each time it is asked; ``hint=2``
    shows step 2.
    """
    if namespace is None:
        namespace = inspect.currentframe().f_back.f_globals  # the notebook's globals
    try:
        ex = find(exercise_id)
        step = _hint_step(ex, hint)
    except (KeyError, ValueError) as error:
        print(f"💥 {error.args[0]}")
        return
    result = run(ex, namespace)
    _last_check[ex.id] = result
    print(result.line())
    if step:
        for line in hint_lines(ex, step, f'check("{ex.id}", hint=True) again'):
            print(f"   {line}")
    elif not result.passed:
        print(f'   Stuck? check("{ex.id}", hint=True) gives a hint.')
    _record(result)


def _hint_step(ex: Exercise, hint: bool | int) -> int:
    """Which hint step to show (0: none); hint=True moves on one step per call."""
    if hint is False or hint is None:
        return 0
    if hint is True:
        step = min(_hints_shown.get(ex.id, 0) + 1, len(ex.hints))
    elif isinstance(hint, int) and 1 <= hint <= len(ex.hints):
        step = hint
    else:
        raise ValueError(f"{ex.id} has hints 1 to {len(ex.hints)}: use hint=True for the next one, not hint={hint!r}")
    _hints_shown[ex.id] = step
    return step


def hint_lines(ex: Exercise, step: int, next_hint: str) -> list[str]:
    """Hint ``step`` of an exercise, and how to get the next one (``next_hint``: what to run)."""
    total = len(ex.hints)
    label = "Hint" if total == 1 else f"Hint {step} of {total}"
    lines = [f"{label}: {ex.hints[step - 1]}"]
    if step < total:
        lines.append(f"Still stuck? {next_hint} gives hint {step + 1} of {total}.")
    return lines


def run_hidden_tests(path: str, exercise_id: str | None = None, namespace: Namespace | None = None) -> list[Result]:
    """Run an instructor's hidden tests (all, or one exercise's) against the namespace.

    Used by `course grade`; prints nothing, so learners' outputs stay theirs.
    """
    if namespace is None:
        namespace = inspect.currentframe().f_back.f_globals
    if exercise_id is not None and not (exercise_id in _last_check and _last_check[exercise_id].passed):
        # The visible check failed, so the exercise scores nothing anyway; don't spend
        # another time limit on an answer that may loop forever.
        _record(Result(exercise_id, "hidden tests skipped: the check did not pass", Outcome.PASS, kind="hidden-done"))
        return []
    _hidden_tests.clear()
    with open(path, encoding="utf-8") as hidden_file:
        source = hidden_file.read()
    exec(compile(source, path, "exec"), {"__name__": "course_hidden_tests"})
    selected = [test for test in _hidden_tests if exercise_id in (None, test[0])]
    results = []
    for test_exercise_id, name, function in selected:
        result = _run_function(function, namespace, test_exercise_id, name, kind="hidden", name=name)
        results.append(result)
        _record(result)
    # Tells the grader these tests finished (a time limit or a dead kernel would stop before).
    _record(Result(exercise_id or "*", "hidden tests finished", Outcome.PASS, kind="hidden-done"))
    return results


class CheckTimeout(Exception):
    """A check ran past CHECK_TIME_LIMIT_SECONDS (an endless loop in the answer, most likely)."""


def _run_function(
    function: CheckFunction, namespace: Namespace, exercise_id: str, title: str, *, kind: str, name: str
) -> Result:
    try:
        with _time_limit(CHECK_TIME_LIMIT_SECONDS):
            function(namespace)
    except CheckTimeout:
        message = f"still running after {CHECK_TIME_LIMIT_SECONDS} s: is there an endless loop in your answer?"
        return Result(exercise_id, title, Outcome.TIMEOUT, message, kind, name)
    except NotImplementedError:
        return Result(
            exercise_id, title, Outcome.TODO, "replace `raise NotImplementedError()` with your answer", kind, name
        )
    except AssertionError as error:
        where = in_your_code(error)
        message = (str(error) or ("an assert failed" if where else _failed_assert_source(error))) + where
        return Result(exercise_id, title, Outcome.FAIL, message, kind, name)
    except Exception as error:  # the learner's code may raise anything; report it, don't crash the notebook
        during = getattr(error, CALL_ATTRIBUTE, "")
        message = f"{type(error).__name__}: {error}" + (f", in {during}" if during else "") + in_your_code(error)
        return Result(exercise_id, title, Outcome.ERROR, message, kind, name)
    return Result(exercise_id, title, Outcome.PASS, "", kind, name)


CALL_ATTRIBUTE = "course_check_call"


@contextmanager
def trying(call_text: str):
    """Run a call of the learner's code; if it raises, the report names this call (its input)."""
    try:
        yield
    except (NotImplementedError, AssertionError, CheckTimeout):
        raise
    except Exception as error:
        if not hasattr(error, CALL_ATTRIBUTE):
            setattr(error, CALL_ATTRIBUTE, call_text)
        raise


# Frames from these folders are the course's (checks, hidden tests, the demo server) or a
# library's; any other frame is the learner's: a notebook cell, or a module of their own.
_COURSE_ROOT = Path(__file__).resolve().parents[2]
_NOT_LEARNER_CODE = tuple(
    str(folder).rstrip(os.sep) + os.sep
    for folder in {
        _COURSE_ROOT / "course",
        _COURSE_ROOT / "demo_server",
        _COURSE_ROOT / "solutions",
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
    }
)


def in_your_code(error: BaseException) -> str:
    """Where in the learner's code ``error`` was raised, as " (in your code: ...)", or ""."""
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        filename = frame.filename
        if filename.startswith("<frozen") or filename.startswith(_NOT_LEARNER_CODE):
            continue
        where = f"{frame.name}()" if frame.name != "<module>" else "a cell"
        line = f": {frame.line.strip()}" if frame.line else ""
        return f" (in your code: {where}, line {frame.lineno}{line})"
    return ""


@contextmanager
def _time_limit(seconds: float):
    """Stop a check that runs too long, so a looping answer does not hang the notebook.

    Uses SIGALRM, so it works where notebooks run code: the main thread on Unix.
    Elsewhere checks simply run without a limit (course check/grade still have theirs).
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def stop(signum, frame):
        raise CheckTimeout()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _failed_assert_source(error: AssertionError) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    return f"assertion failed: {frames[-1].line}" if frames else "assertion failed"


def _record(result: Result) -> None:
    path = os.environ.get(RESULTS_FILE_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as results_file:
            results_file.write(json.dumps(asdict(result)) + "\n")


def needs(namespace: Namespace, *names: str) -> list[Any]:
    """The learner's definitions by name, with a clear failure if one is missing."""
    missing = [name for name in names if name not in namespace]
    assert not missing, f"define {', '.join(missing)} first (run the exercise cell above)"
    return [namespace[name] for name in names]
