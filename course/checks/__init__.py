"""Exercise checks: ``check("00.1")`` in a notebook, and the same checks for
``course check`` and ``course grade``.

Each lesson's checks live in ``course/checks/lesson_NN.py``; a check is a
function of the learner's notebook namespace that raises AssertionError with
a message the learner can act on. Prefer defender checks: replay the attack
(it must fail) and the legitimate flow (it must still work).

Checks see the learner's definitions through a guard (``_values``): what the
learner's code returns must be plain built-in values, so an impostor (a ``str``
subclass equal to everything) fails. `course check` and `course grade` call the
same functions with a nonce; the verdict then travels as one output of that cell
(``_graded``).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import signal
import threading
import traceback
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from course.checks import _graded, _integrity
from course.checks._values import GuardedNamespace
from course.outcome import Outcome

# Longer than any honest check takes; shorter than a learner's patience.
CHECK_TIME_LIMIT_SECONDS = 20
_CHECKS_DIR = Path(__file__).resolve().parent

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
_last_hang: BaseException | None = None  # the CheckTimeout that stopped the last check, if one did
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
    if known == "none" and len(lesson) == 1:
        number = exercise_id.partition(".")[2]
        raise KeyError(f"there is no exercise {exercise_id!r}: lessons have two digits, as in '0{lesson}.{number}'")
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


def check(
    exercise_id: str,
    hint: bool | int = False,
    namespace: Namespace | None = None,
    *,
    nonce: str | None = None,
    time_limit: float | None = None,
) -> None:
    """Check an exercise in this notebook and print one line, and a hint if asked.

    ``hint=True`` shows the next hint step each time it is asked; ``hint=2``
    shows step 2. `course check` and `course grade` pass a ``nonce`` (the verdict
    is then displayed for them, see ``_graded``) and the ``time_limit`` left in the cell.
    """
    if namespace is None:
        namespace = inspect.currentframe().f_back.f_globals  # the notebook's globals
    if nonce is not None:
        _graded_check(exercise_id, namespace, nonce, time_limit)
        return
    try:
        ex = find(exercise_id)
        shown_before = _hints_shown.get(ex.id, 0)
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
        if hint is True and step == shown_before == len(ex.hints):
            last = "the only hint" if len(ex.hints) == 1 else f"the last of {len(ex.hints)} hints"
            print(f"   That is {last} for {ex.id}; the lesson step the exercise practises shows the fix at work.")
    elif not result.passed:
        print(f'   Stuck? check("{ex.id}", hint=True) gives a hint.')


def _graded_check(exercise_id: str, namespace: Namespace, nonce: str, time_limit: float | None) -> None:
    tampering = _integrity.problems()
    try:
        _graded.pristine_module(lesson_of(exercise_id))  # registers its exercises afresh
        ex = _exercises[exercise_id]
    except (KeyError, ValueError, OSError) as error:
        result = Result(exercise_id, exercise_id, Outcome.ERROR, f"there is no exercise {exercise_id!r} ({error})")
        hung = []
    else:
        result = _run_function(ex.run, namespace, ex.id, ex.title, kind="check", name=ex.id, seconds=time_limit)
        _last_check[ex.id] = result
        hung = _stub_out_hung(namespace, ex.id)
    print(result.line())
    verdict = {"nonce": nonce, "exercise": exercise_id, "kind": "check", "results": [_graded.result_json(result)]}
    verdict.update(hung=hung, tampering=sorted(set(tampering + _integrity.problems())))
    _graded.publish(verdict)


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


def _stub_out_hung(namespace: Namespace, exercise_id: str) -> list[str]:
    """After a time-out: the learner's function that hung is not called again by later checks."""
    if _last_hang is None:
        return []
    names = _graded.hung_function(_last_hang, namespace)
    _graded.stub_out(namespace, dict.fromkeys(names, exercise_id))
    return names


def mark_hung(hung: dict[str, str], namespace: Namespace | None = None) -> None:
    """In a fresh kernel, stub out again what hung in the one it replaces (name -> exercise)."""
    if namespace is None:
        namespace = inspect.currentframe().f_back.f_globals
    _graded.stub_out(namespace, hung)


def run_hidden_tests(
    source: str,
    exercise_id: str | None = None,
    namespace: Namespace | None = None,
    *,
    nonce: str | None = None,
    time_limit: float | None = None,
    lesson: str = "",
) -> list[Result]:
    """Run an instructor's hidden tests (``source``: the text of solutions/hidden/lesson_NN.py;
    all of them, or one exercise's) against the namespace.

    Used by `course grade` (with a nonce: the verdict is displayed for it); prints nothing,
    so learners' outputs stay theirs. A learner's exception is reported by its type only.
    """
    if namespace is None:
        namespace = inspect.currentframe().f_back.f_globals
    tampering = _integrity.problems() if nonce is not None else []
    deadline = _graded.Deadline(time_limit)
    skipped, hung, results = "", [], []
    if exercise_id is not None and not (exercise_id in _last_check and _last_check[exercise_id].passed):
        # The visible check failed, so the exercise scores nothing anyway; don't spend
        # another time limit on an answer that may loop forever.
        skipped = "the check did not pass"
    else:
        tests = _graded.hidden_tests_in(source, _hidden_tests, lesson or (exercise_id or "").partition(".")[0])
        for test_exercise_id, name, function in tests:
            if exercise_id not in (None, test_exercise_id):
                continue
            left = deadline.left()
            if hung or left == 0:
                why = "an answer hung in an earlier test" if hung else "the time limit was used up"
                result = Result(test_exercise_id, name, Outcome.TIMEOUT, f"not run: {why}", "hidden", name)
            else:
                result = _run_function(
                    function, namespace, test_exercise_id, name, kind="hidden", name=name, seconds=left
                )
                hung += _stub_out_hung(namespace, test_exercise_id)
            results.append(_without_learner_text(result))
    if nonce is not None:
        verdict = {"nonce": nonce, "exercise": exercise_id, "kind": "hidden", "skipped": skipped}
        verdict.update(results=[_graded.result_json(r) for r in results], hung=hung)
        verdict["tampering"] = sorted(set(tampering + _integrity.problems()))
        _graded.publish(verdict)
    return results


def _without_learner_text(result: Result) -> Result:
    # A learner's exception text could carry what a hidden test passed it; say what it was only.
    if result.status is Outcome.ERROR:
        return dataclasses.replace(result, message=f"{result.message.partition(':')[0]} raised by your code")
    return result


def preload(lessons: list[str] | None = None) -> None:
    """Run by a grading kernel as it starts, before any learner code: import what checks and
    notebooks need (so notebooks start faster) and take the checks' own references (_integrity).
    ``lessons``: the lessons whose checks to load (None: every lesson's)."""
    import requests  # noqa: F401

    import course  # noqa: F401
    import demo_server  # noqa: F401

    for path in sorted(_CHECKS_DIR.glob("lesson_[0-9][0-9].py")):
        if lessons is None or path.stem.removeprefix("lesson_") in lessons:
            importlib.import_module(f"course.checks.{path.stem}")
    _integrity.capture()


class CheckTimeout(BaseException):
    """A check ran past its time limit (an endless loop in the answer, most likely).

    A BaseException, so that ``except Exception`` in the learner's loop does not swallow it."""


def _run_function(
    function: CheckFunction,
    namespace: Namespace,
    exercise_id: str,
    title: str,
    *,
    kind: str,
    name: str,
    seconds: float | None = None,
) -> Result:
    global _last_hang
    _last_hang = None
    limit = CHECK_TIME_LIMIT_SECONDS if seconds is None else seconds
    try:
        with _time_limit(limit):
            function(namespace if isinstance(namespace, GuardedNamespace) else GuardedNamespace(namespace))
    except CheckTimeout as error:
        _last_hang = error
        message = f"still running after {limit:g} s: is there an endless loop in your answer?"
        return Result(exercise_id, title, Outcome.TIMEOUT, message, kind, name)
    except _graded.HungAnswer as error:
        return Result(exercise_id, title, Outcome.TIMEOUT, str(error), kind, name)
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


def in_your_code(error: BaseException) -> str:
    """Where in the learner's code ``error`` was raised, as " (in your code: ...)", or ""."""
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        if not _graded.is_learner_code(frame.filename) or frame.filename == "<string>":
            continue  # "<string>": code a library made with exec (a dataclass's __init__), no cell of theirs
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
    # Again every 0.2 s, in case the learner's code catches the first one with a bare except.
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001), 0.2)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _failed_assert_source(error: AssertionError) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    return f"assertion failed: {frames[-1].line}" if frames else "assertion failed"


def needs(namespace: Namespace, *names: str) -> list[Any]:
    """The learner's definitions by name, with a clear failure if one is missing."""
    missing = [name for name in names if name not in namespace]
    assert not missing, f"define {', '.join(missing)} first (run the exercise cell above)"
    return [namespace[name] for name in names]
