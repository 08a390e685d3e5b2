"""Checks as `course check` and `course grade` run them: one verdict per cell, with its nonce.

The grader writes each check cell as ``check("01.2", nonce=..., time_limit=...)``
and each hidden-tests cell as ``run_hidden_tests(source, "01.2", nonce=..., ...)``.
The verdict is displayed as one ``application/vnd.sessions-live.result+json``
bundle in that cell's output, carrying the cell's nonce, and the grader reads
verdicts from nowhere else: no file, nothing a learner can reach by path.
The check itself comes from a fresh load of its module, the machinery is looked
over before and after (``_integrity``), and an answer that hangs is stopped
inside the time limit and is not called again by later checks.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
import types
from pathlib import Path
from typing import Any

from course.checks import _integrity

MIME = "application/vnd.sessions-live.result+json"
HIDDEN_TESTS_FILENAME = "<hidden tests>"

try:  # taken before any learner code runs in a grading kernel
    from IPython.display import display as _display
except ImportError:  # pragma: no cover - the course always has IPython
    _display = None

_CHECKS_DIR = Path(__file__).resolve().parent
_NOT_LEARNER_CODE = tuple(
    str(folder).rstrip(os.sep) + os.sep
    for folder in {
        _CHECKS_DIR.parent,  # course/
        _CHECKS_DIR.parent.parent / "demo_server",
        _CHECKS_DIR.parent.parent / "solutions",
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(os.path.realpath(sys.base_prefix)),
        Path(sys.exec_prefix),
    }
)


def is_learner_code(filename: str) -> bool:
    """Whether a frame's file is the learner's (a notebook cell, a module of theirs), not the
    course's (checks, hidden tests, the demo server, solutions) or a library's."""
    return not (filename.startswith(("<frozen", "<hidden")) or filename.startswith(_NOT_LEARNER_CODE))


class HungAnswer(BaseException):
    """A learner function that did not finish in time earlier was called again: stop at once.

    A BaseException, so that ``except Exception`` in the learner's code does not swallow it."""

    def __init__(self, name: str, exercise: str) -> None:
        super().__init__(
            f"{name}() did not finish within the time limit when {exercise} was checked, so it was not run again"
        )


def publish(verdict: dict[str, Any]) -> None:
    if _display is not None:
        _display({MIME: verdict}, raw=True)


def result_json(result: Any) -> dict[str, str]:
    return {"name": result.name, "status": str(result.status), "message": result.message}


def pristine_module(lesson: str) -> types.ModuleType:
    """A fresh copy of course/checks/lesson_NN.py, run now (its @exercise calls register afresh)."""
    path = _CHECKS_DIR / f"lesson_{lesson}.py"
    spec = importlib.util.spec_from_file_location(f"course.checks.lesson_{lesson}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hidden_tests_in(source: str, registry: list, lesson: str) -> list[tuple[str, str, Any]]:
    """The tests a hidden-tests source registers (they never stay in the kernel's state)."""
    registry.clear()
    try:
        code = compile(source, HIDDEN_TESTS_FILENAME, "exec")
        exec(code, {"__name__": f"course_hidden_tests_{lesson}"})
        return list(registry)
    finally:
        registry.clear()


def hung_function(error: BaseException, namespace: dict[str, Any]) -> list[str]:
    """The learner's function that was running when ``error`` stopped it, by its name in the
    notebook ("parse_cookie_header", "SessionStore.load"); the innermost one that has a name."""
    frames = []
    trace = error.__traceback__
    while trace is not None:
        frames.append(trace.tb_frame.f_code)
        trace = trace.tb_next
    for code in reversed(frames):
        if not is_learner_code(code.co_filename):
            continue
        names = _names_of(code, namespace)
        if names:
            return names
    return []


def _names_of(code: types.CodeType, namespace: dict[str, Any]) -> list[str]:
    found = []
    for name, value in list(namespace.items()):
        if isinstance(value, types.FunctionType) and value.__code__ is code:
            found.append(name)
        elif isinstance(value, type) and value.__module__ == "__main__":
            for attribute, member in list(vars(value).items()):
                if isinstance(member, types.FunctionType) and member.__code__ is code:
                    found.append(f"{name}.{attribute}")
    return found


def stub_out(namespace: dict[str, Any], hung: dict[str, str]) -> None:
    """Replace each hung function (name -> the exercise it hung in) by one that stops at once."""
    for name, exercise in hung.items():
        owner_name, _, attribute = name.partition(".")
        stub = _stub(name, exercise)
        if not attribute:
            if owner_name in namespace:
                namespace[owner_name] = stub
        elif isinstance(namespace.get(owner_name), type):
            setattr(namespace[owner_name], attribute, stub)


def _stub(name: str, exercise: str):
    def hung(*args: Any, **kwargs: Any) -> Any:
        raise HungAnswer(name, exercise)

    hung.__qualname__ = hung.__name__ = name.rpartition(".")[2]
    return hung


class Deadline:
    """The time left in the cell, so that a check stops before the grader's cell limit."""

    def __init__(self, seconds: float | None) -> None:
        self.end = None if seconds is None else time.monotonic() + seconds

    def left(self) -> float | None:
        return None if self.end is None else max(0.0, self.end - time.monotonic())


def tampering_findings() -> list[str]:
    return _integrity.problems()


def write_copies(files: dict[str, str]) -> None:
    """The grader's first cell: copies of the learner's notebooks in the kernel's own work folder."""
    for name, text in files.items():
        if os.sep in name or name in ("", ".", ".."):
            raise ValueError(f"not a plain file name: {name!r}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(name, flags, 0o644), "w", encoding="utf-8") as copy:
            copy.write(text)
