"""Turn what a notebook run showed into one outcome per exercise.

Points come from the registered exercises (the grader's copy), never from the
kernel; the kernel's verdicts only say pass or fail, and only where they are
genuine (``verdicts``). Tampering anywhere taints every exercise checked from
there on. Messages are cut short, and withheld where they quote the hidden tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import nbformat

from course.checks import Exercise
from course.grading.assemble import CHECK, HIDDEN, role_of
from course.grading.execute import Execution
from course.grading.report import ExerciseOutcome, TestOutcome
from course.grading.scan import Finding
from course.grading.verdicts import Reading
from course.outcome import Outcome

MAX_MESSAGE = 400
STUCK = (
    " (it computed without a pause, so from a fifth of the time limit on its notebook shared the CPU"
    " with one more: if the answer is slow but right, a longer --timeout lets it finish)"
)
WITHHELD = "(message withheld: it quotes the hidden tests)"


@dataclass
class Evidence:
    """Everything scoring looks at for one notebook."""

    notebook: nbformat.NotebookNode  # the assembled notebook, after the run
    execution: Execution
    reading: Reading
    findings: list[Finding] = field(default_factory=list)
    missing_answers: list[str] = field(default_factory=list)
    hidden_source: str = ""


def outcomes(exercises: list[Exercise], evidence: Evidence, *, with_hidden: bool) -> list[ExerciseOutcome]:
    tainted = _tampering_by_exercise(exercises, evidence)
    secret = _secret_lines(evidence.hidden_source)
    results = []
    for ex in exercises:
        check = evidence.reading.checks.get(ex.id)
        result = check.results[0] if check else None
        problems = [p for p in evidence.execution.problems if p.exercise == ex.id]
        if ex.id in evidence.missing_answers:
            status, message = Outcome.MISSING, "the answer cell is missing from the notebook"
        elif tainted.get(ex.id):
            status, message = Outcome.TAMPERING, "tampering suspected: " + "; ".join(tainted[ex.id])
        elif problems and (result is None or result["status"] != Outcome.PASS):
            # A stuck, dead or broken cell (a SyntaxError, say) explains a failing check best.
            first = problems[0]
            status = Outcome.TIMEOUT if first.kind == "timeout" else Outcome.ERROR
            if result is not None and result["status"] not in (Outcome.ERROR, Outcome.FAIL):
                status = Outcome(result["status"])
            then = result["message"] if result is not None and result["message"] != first.message else ""
            message = first.message + (f" (then: {then})" if then else "")
        elif result is not None:
            status, message = Outcome(result["status"]), result["message"]
        else:
            status, message = Outcome.ERROR, "the check did not run"
        if status is Outcome.TIMEOUT and _timed_out_stuck(ex.id, problems, result, evidence):
            message += STUCK
        message = _safe(message, secret)
        tests = [TestOutcome(ex.id, status, message)]

        if with_hidden and status is not Outcome.TAMPERING:
            hidden = evidence.reading.hidden.get(ex.id)
            for test in hidden.results if hidden else []:
                name = f"{ex.id}/hidden/{test['name']}"
                tests.append(TestOutcome(name, Outcome(test["status"]), _safe(test["message"], secret)))
            if status is Outcome.PASS and (hidden is None or hidden.skipped):
                # Cut off (time limit, dead kernel) or skipped although the check passed: nothing earned.
                tests.append(TestOutcome(f"{ex.id}/hidden", Outcome.ERROR, "the hidden tests did not finish"))
        failing = next((test for test in tests if test.status is not Outcome.PASS), None)
        if status is Outcome.PASS and failing is not None:
            status = Outcome.FAIL
            message = f"hidden test {failing.name.rpartition('/')[2]}: {failing.message or failing.status}"
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


def _timed_out_stuck(exercise_id: str, problems: list, result: dict | None, evidence: Evidence) -> bool:
    """Was the cell that ran out of time one that gave its notebook's place (execute.STUCK_AFTER)?"""
    stuck = evidence.execution.stuck
    if any(problem.kind == "timeout" and problem.cell_index in stuck for problem in problems):
        return True
    if result is None or result["status"] != Outcome.TIMEOUT:
        return False
    check = [i for i, cell in enumerate(evidence.notebook.cells) if role_of(cell) == CHECK
             and cell.metadata["course"].get("exercise") == exercise_id]  # fmt: skip
    return any(index in stuck for index in check)  # the check stopped the answer itself


def _tampering_by_exercise(exercises: list[Exercise], evidence: Evidence) -> dict[str, list[str]]:
    """exercise id -> why its verdicts cannot be trusted (each reason taints every exercise
    whose check or hidden tests ran at or after the cell where it was seen)."""
    cells: dict[str, list[int]] = {}
    for index, cell in enumerate(evidence.notebook.cells):
        if role_of(cell) in (CHECK, HIDDEN):
            cells.setdefault(cell.metadata["course"]["exercise"], []).append(index)
    reasons: list[tuple[int, str]] = [(f.cell_index, f.describe()) for f in evidence.findings]
    reasons += evidence.reading.tampering
    for verdict, role in [(v, CHECK) for v in evidence.reading.checks.values()] + [
        (v, HIDDEN) for v in evidence.reading.hidden.values()
    ]:
        if verdict.tampering:
            index = next(i for i in cells.get(verdict.exercise, []) if role_of(evidence.notebook.cells[i]) == role)
            reasons.append((index, "the check machinery was changed: " + ", ".join(verdict.tampering[:5])))
    tainted: dict[str, list[str]] = {}
    for ex in exercises:
        for index, reason in sorted(reasons):
            if any(cell >= index for cell in cells.get(ex.id, [])) and reason not in tainted.get(ex.id, []):
                tainted.setdefault(ex.id, []).append(reason)
    return tainted


def _secret_lines(source: str) -> list[str]:
    lines = (" ".join(line.split()) for line in source.splitlines())
    return [line for line in lines if len(line) >= 20]


def _safe(message: str, secret: list[str]) -> str:
    flat = " ".join(message.split())
    if any(line in flat for line in secret):
        return WITHHELD
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"
