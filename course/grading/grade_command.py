"""`course grade`: grade a class of submissions into CSV, Markdown and results.json.

SUBMISSIONS/<learner>/<NN-topic>-exercises.ipynb, one folder per learner (the
older name <NN-topic>.ipynb is accepted too). Every notebook is read first, then
checked by a worker in a sandboxed kernel with the pristine check cells and the
hidden tests put back in, under a time limit; a broken one scores 0 on what it
broke and never stops the others. Only this process writes the outputs, each
atomically and never through a link.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

# Nothing here imports nbformat, nbclient, jupyter_client or the checks as the command starts:
# the workers are started first, and those imports happen while they boot.
from course.grading import outputs, sandbox
from course.grading.job import Job
from course.grading.outputs import csv_cell, markdown_text, printable
from course.grading.report import NotebookReport, NotebookStatus, zero_outcomes
from course.grading.running_order import running_order
from course.grading.submissions import Learner, collect, handed_in_names, learner_folders
from course.grading.supervisor import WorkerProcess, close_workers, run_jobs, start_workers
from course.layout import SOLUTIONS_DIR, exercise_name, hidden_tests_for, solution_notebooks, uses_the_browser
from course.outcome import Outcome
from course.terminal import Terminal, bar

RESULTS_FILE = "results.json"
RESULTS_MARKER = "sessions-live course grade"
PROBLEM_OUTCOMES = (Outcome.ERROR, Outcome.TIMEOUT, Outcome.MISSING, Outcome.UNREADABLE)


@dataclass
class Lesson:
    solution: Path
    hidden: Path | None
    exercise_ids: list[str]  # the solution's check cells, in notebook order
    endless_constructs: Counter[str] = field(default_factory=Counter)  # running_order: what its code may loop on
    _exercises: list | None = field(default=None, repr=False, compare=False)
    _loading: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def exercises(self) -> list:
        """course.checks.Exercise for each check cell. The first use imports the lesson's checks
        (and the demo server), about half a second: grade() has it done while the first kernels
        start (load_exercises_meanwhile), and waits for it only where it needs them."""
        with self._loading:
            if self._exercises is None:
                from course.checks import exercises_for

                self._exercises = exercises_for(self.exercise_ids)
            return self._exercises


@dataclass
class LearnerResult:
    learner: str
    notebooks: dict[str, NotebookReport] = field(default_factory=dict)  # notebook name -> its report

    def points(self) -> dict[str, int]:
        return {ex_id: points for report in self.notebooks.values() for ex_id, points in report.points().items()}


def load_lessons(solutions_dir: Path, only: list[str] | None) -> list[Lesson]:
    import nbformat

    from course.exercise_format import exercise_ids, make_exercise
    from course.grading.running_order import endless_constructs

    lessons = []
    for solution in solution_notebooks(solutions_dir):
        if only is not None and solution.name[:2] not in only:
            continue
        solved = nbformat.read(solution, as_version=4)
        template = make_exercise(solved, solution.name)
        loops = endless_constructs(cell.source for cell in solved.cells if cell.cell_type == "code")
        lessons.append(Lesson(solution, hidden_tests_for(solution), exercise_ids(template), loops))
    return lessons


def load_exercises_meanwhile(lessons: list[Lesson]) -> threading.Thread:
    """Import the lessons' checks in the background (the workers are busy starting meanwhile)."""
    loader = threading.Thread(target=lambda: [lesson.exercises for lesson in lessons], daemon=True)
    loader.start()
    return loader


def _require_a_browser_for(solutions: list[Path]) -> None:
    """Lesson 06's checks attack the learner's app in Chromium: without one every learner would
    score 0, so say so before grading anything. A kernel finds the system's Chromium, or the one
    `make browser` downloaded (sandbox.playwright_browsers), nothing else."""
    needing = [solution.name[:2] for solution in solutions if uses_the_browser(solution)]
    if not needing:
        return
    from course.lessons.browser.chromium import system_candidates

    downloaded = sandbox.playwright_browsers()
    if downloaded is not None and any(path.name.startswith("chromium") for path in downloaded.iterdir()):
        return
    if needing and not system_candidates():
        raise ValueError(
            f"lesson {', '.join(needing)} is graded in Chromium and this machine has none: install the system's "
            "`chromium` package (Debian/Ubuntu: sudo apt-get install chromium) or run `make browser`, or leave "
            "the lesson out with --lessons"
        )


def grade(
    submissions: Path,
    *,
    csv_path: Path,
    md_path: Path,
    jobs: int = 2,
    cell_timeout: float = 10.0,
    lessons_wanted: list[str] | None = None,
    solutions_dir: Path = SOLUTIONS_DIR,
    terminal: Terminal | None = None,
    sandbox_wanted: str = "auto",
    run_id: str | None = None,
) -> list[LearnerResult]:
    terminal = terminal or Terminal()
    run_id = run_id or secrets.token_hex(8)
    learners = learner_folders(submissions)
    if not learners:
        raise ValueError(
            f"{submissions} has no learner folders (expected SUBMISSIONS/<learner>/<NN-topic>-exercises.ipynb)"
        )
    if lessons_wanted is not None:
        known = [solution.name[:2] for solution in solution_notebooks(solutions_dir)]
        unknown = [number for number in lessons_wanted if number not in known]
        if unknown or not lessons_wanted:
            raise ValueError(
                f"--lessons names {'lesson ' + ', '.join(unknown) if unknown else 'no lesson'}: "
                f"the course's lessons are {', '.join(known)}"
            )
    # By default grade the lessons someone handed in, not every lesson of the course (and load
    # only their checks: importing them all costs about a second before the first notebook).
    numbers = lessons_wanted or sorted(handed_in_names(learners))
    graded = [solution for solution in solution_notebooks(solutions_dir) if solution.name[:2] in numbers]
    if not graded:
        raise ValueError(
            "no submitted notebook has the name of a course exercise notebook "
            f"({', '.join(exercise_name(p.name) for p in solution_notebooks(solutions_dir))})"
        )
    _require_a_browser_for(graded)
    choice = sandbox.choose(sandbox_wanted)
    if choice.warning:
        terminal.say(choice.warning)
    # The workers start first: each boots (its imports, its first kernel) while this process
    # reads the lessons and the notebooks, instead of after.
    booting = tuple(solution.name[:2] for solution in graded)
    workers = start_workers(min(jobs, len(learners) * len(booting)), choice.mode, run_id, booting)
    try:
        lessons = load_lessons(solutions_dir, numbers)
        results = _grade_lessons(learners, lessons, workers, choice, run_id, jobs, cell_timeout, terminal)
    finally:
        close_workers(workers)  # those no notebook needed

    ordered = [results[learner.name] for learner in learners]
    exercise_columns = [ex for lesson in lessons for ex in lesson.exercises]
    outputs.write_atomically(csv_path, csv_text(ordered, exercise_columns))
    outputs.write_atomically(md_path, markdown_report(ordered, exercise_columns))
    for learner in learners:
        write_results_json(learner, results[learner.name], terminal)
    return ordered


def _grade_lessons(
    learners: list[Learner],
    lessons: list[Lesson],
    workers: deque[WorkerProcess],
    choice: sandbox.Choice,
    run_id: str,
    jobs: int,
    cell_timeout: float,
    terminal: Terminal,
) -> dict[str, LearnerResult]:
    """Every learner's report on every lesson: read all the notebooks, then check them in ``workers``
    (started already) and the workers run_jobs adds."""
    loader = load_exercises_meanwhile(lessons)
    # Read everything before any learner code runs.
    for learner in learners:
        collect(learner, [lesson.solution.name for lesson in lessons])
    results = {learner.name: LearnerResult(learner.name) for learner in learners}
    pending: list[Job] = []
    owners: dict[int, tuple[Learner, Lesson, str]] = {}
    for learner in learners:
        for lesson in lessons:
            handed = learner.notebooks[lesson.solution.name]
            if handed.text is None:
                exercises = zero_outcomes(lesson.exercises, Outcome(handed.status), handed.message)
                report = NotebookReport(handed.status, handed.message, 0, exercises)
                results[learner.name].notebooks[handed.name] = report
                continue
            hidden = str(lesson.hidden) if lesson.hidden else None
            job = Job(len(pending), handed.name, handed.text, str(lesson.solution), hidden,
                      lesson.solution.name[:2], cell_timeout)  # fmt: skip
            pending.append(job)
            owners[job.id] = (learner, lesson, handed.name)

    total = len(learners) * len(lessons)
    done = [total - len(pending)]
    terminal.progress(f"Grading {bar(done[0], total)}")

    def on_report(job: Job, report: NotebookReport) -> None:
        learner, lesson, name = owners[job.id]
        if not report.exercises:
            # The worker died or timed out: every exercise of the lesson scores 0 with the reason.
            report.exercises = zero_outcomes(lesson.exercises, Outcome(report.status), report.message)
        results[learner.name].notebooks[name] = report
        done[0] += 1
        terminal.progress(f"Grading {bar(done[0], total)}")

    try:
        solutions_have = {lesson.solution.name[:2]: lesson.endless_constructs for lesson in lessons}
        ordered = running_order(pending, solutions_have)
        run_jobs(ordered, workers=jobs, sandbox=choice.mode, run=run_id, on_report=on_report, started=workers)
        loader.join()
    finally:
        # Nothing a learner started outlives the run (the sandboxes see to it; this makes sure).
        close_workers(workers)
        sandbox.kill_the_run(run_id)
        sandbox.sweep_sandbox_uids()
    terminal.clear_progress()
    return results


def csv_text(results: list[LearnerResult], exercises: list) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["learner", *[ex.id for ex in exercises], "total"])
    for result in results:
        points = result.points()
        row = [points.get(ex.id, 0) for ex in exercises]
        writer.writerow([csv_cell(result.learner), *row, sum(row)])
    return out.getvalue()


def markdown_report(results: list[LearnerResult], exercises: list) -> str:
    possible = sum(ex.points for ex in exercises)
    lines = [
        "# Grading report",
        "",
        f"{len(results)} learners, {len(exercises)} exercises, {possible} points possible.",
        "",
    ]
    lines += ["## Pass rate per exercise", "", "| exercise | title | passed | pass rate |", "|---|---|---|---|"]
    for ex in exercises:
        passed = sum(1 for r in results if r.points().get(ex.id, 0) == ex.points)
        rate = 100 * passed / len(results) if results else 0
        lines.append(f"| {ex.id} | {markdown_text(ex.title)} | {passed}/{len(results)} | {rate:.0f}% |")
    lines += ["", "## Totals", "", "| learner | points |", "|---|---|"]
    for r in results:
        lines.append(f"| {markdown_text(r.learner)} | {sum(r.points().values())}/{possible} |")
    problems, tampering = [], []
    for r in results:
        who = f"**{markdown_text(r.learner)}**"
        for notebook, report in sorted(r.notebooks.items()):
            if report.status is not NotebookStatus.CHECKED:
                line = f"- {who} `{markdown_text(notebook)}`: {report.status}: {markdown_text(report.message)}"
                problems.append(line)
                continue
            for outcome in report.exercises:
                line = f"- {who} {outcome.id}: {outcome.status}: {markdown_text(outcome.message)}"
                if outcome.status is Outcome.TAMPERING:
                    tampering.append(line)
                elif outcome.status in PROBLEM_OUTCOMES:
                    problems.append(line)
    lines += ["", "## Errors and time-outs", "", *(problems or ["None."])]
    lines += ["", "## Tampering suspected", ""]
    lines += tampering or ["None."]
    if tampering:
        lines += ["", "These scored 0. docs/instructors.md says what grading can and cannot prevent."]
    return "\n".join(lines) + "\n"


def write_results_json(learner: Learner, result: LearnerResult, terminal: Terminal) -> None:
    where = printable(str(learner.folder / RESULTS_FILE))
    if learner.is_link:
        terminal.say(f"warning: {printable(str(learner.folder))} is a link, not a folder; no {RESULTS_FILE} there")
        return
    kind, text = outputs.read_in_learner_folder(learner.folder, RESULTS_FILE)
    if kind in ("link", "other"):
        terminal.say(f"warning: {where} is a link or not a file; left it alone")
        return
    if kind == "file":
        try:
            ours = json.loads(text).get("graded_by") == RESULTS_MARKER
        except (ValueError, AttributeError):
            ours = False
        if not ours:
            terminal.say(f"warning: {where} was not written by course grade; left it alone")
            return
    reports = [report for _, report in sorted(result.notebooks.items())]
    body = {
        "graded_by": RESULTS_MARKER,
        "learner": result.learner,
        "status": "checked" if all(r.status is NotebookStatus.CHECKED for r in reports) else "problems",
        "points": sum(result.points().values()),
        "points_possible": sum(o.points_possible for report in reports for o in report.exercises),
        "notebooks": {name: {"status": r.status, "message": r.message} for name, r in sorted(result.notebooks.items())},
        "tests": [
            {"name": test.name, "status": test.status, "message": test.message}
            for report in reports
            for outcome in report.exercises
            for test in outcome.tests
        ],
    }
    try:
        outputs.write_in_learner_folder(learner.folder, RESULTS_FILE, json.dumps(body, indent=2) + "\n")
    except OSError as error:
        terminal.say(f"warning: could not write {where}: {error}")
