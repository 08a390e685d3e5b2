"""Turn what a notebook run recorded into one outcome per exercise."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from course.checks import Exercise
from course.grading.execute import Execution
from course.outcome import Outcome


@dataclass
class TestOutcome:
    name: str  # "00.1" for the visible check, "00.1/hidden/<test>" for a hidden test
    status: Outcome
    message: str = ""


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

    def as_dict(self) -> dict:
        return asdict(self)


def outcomes(
    exercises: list[Exercise], execution: Execution, missing_answers: list[str], *, with_hidden: bool
) -> list[ExerciseOutcome]:
    results = []
    for ex in exercises:
        checks = [r for r in execution.records if r["id"] == ex.id and r["kind"] == "check"]
        check = checks[-1] if checks else None
        problems = [p for p in execution.problems if p.exercise == ex.id]
        if ex.id in missing_answers:
            status, message = Outcome.MISSING, "the answer cell is missing from the notebook"
        elif problems and (check is None or check["status"] != Outcome.PASS):
            # A stuck, dead or broken cell (a SyntaxError, say) explains a failing check best.
            first = problems[0]
            status = Outcome.TIMEOUT if first.kind == "timeout" else Outcome.ERROR
            if check is not None and check["status"] not in (Outcome.ERROR, Outcome.FAIL):
                status = Outcome(check["status"])
            then = check["message"] if check is not None and check["message"] != first.message else ""
            message = first.message + (f" (then: {then})" if then else "")
        elif check is not None:
            status, message = Outcome(check["status"]), check["message"]
        else:
            status, message = Outcome.ERROR, "the check did not run"
        tests = [TestOutcome(ex.id, status, message)]

        if with_hidden:
            hidden = [r for r in execution.records if r["id"] == ex.id and r["kind"] == "hidden"]
            tests += [TestOutcome(f"{ex.id}/hidden/{r['name']}", Outcome(r["status"]), r["message"]) for r in hidden]
            finished = any(r["kind"] == "hidden-done" and r["id"] in (ex.id, "*") for r in execution.records)
            if not finished and status is Outcome.PASS:
                # The hidden tests were cut off (time limit, dead kernel): they earn nothing.
                tests.append(TestOutcome(f"{ex.id}/hidden", Outcome.ERROR, "the hidden tests did not finish"))
        failing = next((test for test in tests if test.status is not Outcome.PASS), None)
        if status is Outcome.PASS and failing is not None:
            status, message = (
                Outcome.FAIL,
                f"hidden test {failing.name.rpartition('/')[2]}: {failing.message or failing.status}",
            )
        results.append(
            ExerciseOutcome(
                id=ex.id,
                title=ex.title,
                points_possible=ex.points,
                points=0 if failing else ex.points,
                status=status,
                message=message,
                hint=ex.hint,
                tests=tests,
            )
        )
    return results


def zero_outcomes(exercises: list[Exercise], status: Outcome, message: str) -> list[dict]:
    """Every exercise scores 0 for one reason (a missing, unreadable or timed-out notebook)."""
    return [
        ExerciseOutcome(
            ex.id, ex.title, ex.points, 0, status, message, ex.hint, [TestOutcome(ex.id, status, message)]
        ).as_dict()
        for ex in exercises
    ]
