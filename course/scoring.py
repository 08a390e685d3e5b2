"""Turn what a notebook run recorded into one outcome per exercise."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .checks import Exercise
from .notebook_execution import Execution


@dataclass
class TestOutcome:
    name: str  # "00.1" for the visible check, "00.1/hidden/<test>" for a hidden test
    status: str  # pass, fail, todo, error, timeout, missing
    message: str = ""


@dataclass
class ExerciseOutcome:
    id: str
    title: str
    points_possible: int
    points: int
    status: str  # pass, fail, todo, error, timeout, missing
    message: str = ""
    hint: str = ""
    tests: list[TestOutcome] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def as_dict(self) -> dict:
        return asdict(self)


def outcomes(exercises: list[Exercise], execution: Execution, missing_answers: list[str], *, with_hidden: bool) -> list[ExerciseOutcome]:
    results = []
    for ex in exercises:
        checks = [r for r in execution.records if r["id"] == ex.id and r["kind"] == "check"]
        hidden = [r for r in execution.records if r["id"] == ex.id and r["kind"] == "hidden"]
        problems = [p for p in execution.problems if p.exercise == ex.id]
        tests: list[TestOutcome] = []

        if ex.id in missing_answers:
            status, message = "missing", "the answer cell is missing from the notebook"
        elif checks:
            last = checks[-1]
            status, message = last["status"], last["message"]
        elif problems:
            status, message = _status_of(problems[0].kind), problems[0].message
        else:
            status, message = "error", "the check did not run"
        # An error in the answer cell (a SyntaxError, say) explains a failing check best.
        answer_problems = [p for p in problems if p.kind in ("error", "timeout", "kernel died")]
        if status != "pass" and answer_problems and status not in ("missing",):
            first = answer_problems[0]
            status = _status_of(first.kind) if status in ("error", "fail") else status
            message = f"{first.message}" + (f" (then: {message})" if message and message != first.message else "")
        tests.append(TestOutcome(ex.id, status, message))

        if with_hidden:
            for record in hidden:
                tests.append(TestOutcome(f"{ex.id}/hidden/{record['name']}", record["status"], record["message"]))
            finished = any(r["kind"] == "hidden-done" and r["id"] in (ex.id, "*") for r in execution.records)
            if not finished and status == "pass":
                # The hidden tests were cut off (time limit, dead kernel): they earn nothing.
                tests.append(TestOutcome(f"{ex.id}/hidden", "error", "the hidden tests did not finish"))
        passed = all(test.status == "pass" for test in tests)
        if status == "pass" and not passed:
            failing = next(test for test in tests if test.status != "pass")
            status, message = "fail", f"hidden test {failing.name.rpartition('/')[2]}: {failing.message or failing.status}"
        results.append(
            ExerciseOutcome(
                id=ex.id,
                title=ex.title,
                points_possible=ex.points,
                points=ex.points if passed else 0,
                status=status,
                message=message,
                hint=ex.hint,
                tests=tests,
            )
        )
    return results


def _status_of(problem_kind: str) -> str:
    return {"timeout": "timeout", "kernel died": "error", "error": "error"}.get(problem_kind, "error")
