"""What a worker reports for one notebook, as the worker writes it and the grader reads it.

The worker sends ``NotebookReport.to_json()`` as one line on its stdout (a pipe no kernel
inherits); the grader reads it back with ``NotebookReport.from_json``, which refuses
anything that is not a well-formed report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from course.outcome import Outcome

if TYPE_CHECKING:
    from course.checks import Exercise


class ReportError(ValueError):
    """A worker's report that is not one (a crashed or confused worker)."""


class NotebookStatus(StrEnum):
    CHECKED = "checked"  # the notebook ran; each exercise has its own outcome
    MISSING = "missing"  # no such notebook was handed in
    UNREADABLE = "unreadable"  # the file is not a notebook (or is a link, or too large)
    TIMEOUT = "timeout"  # the whole notebook ran past its hard time limit
    ERROR = "error"  # the checker itself failed


@dataclass
class TestOutcome:
    name: str  # "00.1" for the visible check, "00.1/hidden/<test>" for a hidden test
    status: Outcome
    message: str = ""

    @classmethod
    def from_json(cls, data: Any) -> TestOutcome:
        _expect(data, dict, "a test")
        return cls(_text(data, "name"), _outcome(data), _text(data, "message"))


@dataclass
class ExerciseOutcome:
    id: str
    title: str
    points_possible: int
    points: int
    status: Outcome
    message: str = ""
    hint: str = ""
    tests: list[TestOutcome] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status is Outcome.PASS

    @classmethod
    def from_json(cls, data: Any) -> ExerciseOutcome:
        _expect(data, dict, "an exercise")
        tests = data.get("tests", [])
        _expect(tests, list, "tests")
        return cls(
            id=_text(data, "id"),
            title=_text(data, "title"),
            points_possible=_count(data, "points_possible"),
            points=_count(data, "points"),
            status=_outcome(data),
            message=_text(data, "message"),
            hint=_text(data, "hint"),
            tests=[TestOutcome.from_json(test) for test in tests],
        )


@dataclass
class NotebookReport:
    status: NotebookStatus
    message: str = ""
    seconds: float = 0.0
    exercises: list[ExerciseOutcome] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> NotebookReport:
        _expect(data, dict, "a report")
        try:
            status = NotebookStatus(data.get("status"))
        except ValueError:
            raise ReportError(f"not a notebook status: {data.get('status')!r}") from None
        seconds = data.get("seconds", 0.0)
        if type(seconds) not in (int, float):
            raise ReportError("seconds is not a number")
        exercises = data.get("exercises", [])
        _expect(exercises, list, "exercises")
        return cls(status, _text(data, "message"), float(seconds), [ExerciseOutcome.from_json(e) for e in exercises])

    def points(self) -> dict[str, int]:
        return {exercise.id: exercise.points for exercise in self.exercises}


def _expect(value: Any, kind: type, what: str) -> None:
    if type(value) is not kind:
        raise ReportError(f"{what} should be a {kind.__name__}, got {type(value).__name__}")


def _text(data: dict, key: str) -> str:
    value = data.get(key, "")
    if type(value) is not str:
        raise ReportError(f"{key} should be text, got {type(value).__name__}")
    return value


def _count(data: dict, key: str) -> int:
    value = data.get(key)
    if type(value) is not int or value < 0:
        raise ReportError(f"{key} should be a whole number, got {value!r}")
    return value


def _outcome(data: dict) -> Outcome:
    try:
        return Outcome(data.get("status"))
    except ValueError:
        raise ReportError(f"not an outcome: {data.get('status')!r}") from None


def zero_outcomes(exercises: list[Exercise], status: Outcome, message: str) -> list[ExerciseOutcome]:
    """Every exercise scores 0 for one reason (a missing, unreadable or timed-out notebook)."""
    return [
        ExerciseOutcome(ex.id, ex.title, ex.points, 0, status, message, ex.hint, [TestOutcome(ex.id, status, message)])
        for ex in exercises
    ]
