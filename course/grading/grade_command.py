"""`course grade`: grade a class of submissions into CSV, Markdown and results.json.

SUBMISSIONS/<learner>/<NN-topic>-exercises.ipynb, one folder per learner (the
older name <NN-topic>.ipynb is accepted too). Each notebook
is checked in its own process, with the pristine check cells and the hidden
tests put back in, under a time limit; a broken one scores 0 on what it broke
and never stops the others.
"""

from __future__ import annotations

import csv
import json
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course.checks import exercises_for
from course.exercise_format import exercise_ids, make_exercise
from course.grading.score import zero_outcomes
from course.grading.supervisor import run_worker
from course.layout import (
    EXERCISES_DIR,
    SOLUTIONS_DIR,
    exercise_name,
    hidden_tests_for,
    solution_notebooks,
    submitted_notebook,
)
from course.terminal import Terminal, bar

RESULTS_FILE = "results.json"
RESULTS_MARKER = "sessions-live course grade"


@dataclass
class Lesson:
    solution: Path
    hidden: Path | None
    exercises: list  # course.checks.Exercise, in notebook order


@dataclass
class LearnerResult:
    learner: str
    notebooks: dict[str, dict] = field(default_factory=dict)  # notebook name -> worker report

    def points(self) -> dict[str, int]:
        return {
            outcome["id"]: outcome["points"] for report in self.notebooks.values() for outcome in report["exercises"]
        }


def load_lessons(solutions_dir: Path, only: list[str] | None) -> list[Lesson]:
    lessons = []
    for solution in solution_notebooks(solutions_dir):
        if only and solution.name[:2] not in only:
            continue
        template = make_exercise(nbformat.read(solution, as_version=4), solution.name)
        lessons.append(Lesson(solution, hidden_tests_for(solution), exercises_for(exercise_ids(template))))
    return lessons


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
) -> list[LearnerResult]:
    terminal = terminal or Terminal()
    learners = sorted(path for path in submissions.iterdir() if path.is_dir() and not path.name.startswith("."))
    if not learners:
        raise ValueError(
            f"{submissions} has no learner folders (expected SUBMISSIONS/<learner>/<NN-topic>-exercises.ipynb)"
        )
    lessons = load_lessons(solutions_dir, lessons_wanted)
    if lessons_wanted is None:
        # By default grade the lessons someone handed in, not every lesson of the course.
        lessons = [
            lesson
            for lesson in lessons
            if any(submitted_notebook(learner, lesson.solution).is_file() for learner in learners)
        ]
    if not lessons:
        raise ValueError(
            "no submitted notebook has the name of a course exercise notebook "
            f"({', '.join(exercise_name(p.name) for p in solution_notebooks(solutions_dir))})"
        )

    results = {learner.name: LearnerResult(learner.name) for learner in learners}
    tasks = [
        (learner, lesson, submitted_notebook(learner, lesson.solution)) for learner in learners for lesson in lessons
    ]
    done = 0
    terminal.progress(f"Grading {bar(0, len(tasks))}")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            pool.submit(
                run_worker,
                lesson.solution,
                notebook,
                hidden=lesson.hidden,
                cell_timeout=cell_timeout,
                cwd=EXERCISES_DIR if EXERCISES_DIR.is_dir() else learner,
            ): (learner, lesson, notebook)
            for learner, lesson, notebook in tasks
        }
        for future in as_completed(futures):
            learner, lesson, notebook = futures[future]
            report = future.result()
            if not report.get("exercises"):
                # The worker died or timed out: every exercise of the lesson scores 0 with the reason.
                report["exercises"] = zero_outcomes(lesson.exercises, report["status"], report["message"])
            results[learner.name].notebooks[notebook.name] = report
            done += 1
            terminal.progress(f"Grading {bar(done, len(tasks))}")
    terminal.clear_progress()

    ordered = [results[learner.name] for learner in learners]
    exercise_columns = [ex for lesson in lessons for ex in lesson.exercises]
    write_csv(csv_path, ordered, exercise_columns)
    write_markdown(md_path, ordered, exercise_columns)
    for learner in learners:
        write_results_json(learner / RESULTS_FILE, results[learner.name], terminal)
    return ordered


def write_csv(path: Path, results: list[LearnerResult], exercises: list) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["learner", *[ex.id for ex in exercises], "total"])
        for result in results:
            points = result.points()
            row = [points.get(ex.id, 0) for ex in exercises]
            writer.writerow([result.learner, *row, sum(row)])


def write_markdown(path: Path, results: list[LearnerResult], exercises: list) -> None:
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
        lines.append(f"| {ex.id} | {ex.title} | {passed}/{len(results)} | {rate:.0f}% |")
    lines += ["", "## Totals", "", "| learner | points |", "|---|---|"]
    for r in results:
        lines.append(f"| {r.learner} | {sum(r.points().values())}/{possible} |")
    lines += ["", "## Errors and time-outs", ""]
    problems = []
    for r in results:
        for notebook, report in sorted(r.notebooks.items()):
            if report["status"] != "checked":
                problems.append(f"- **{r.learner}** `{notebook}`: {report['status']}: {report['message']}")
                continue
            for outcome in report["exercises"]:
                if outcome["status"] in ("error", "timeout", "missing"):
                    problems.append(f"- **{r.learner}** {outcome['id']}: {outcome['status']}: {outcome['message']}")
    lines += problems or ["None."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_results_json(path: Path, result: LearnerResult, terminal: Terminal) -> None:
    if path.exists():
        try:
            ours = json.loads(path.read_text(encoding="utf-8")).get("graded_by") == RESULTS_MARKER
        except (ValueError, AttributeError):
            ours = False
        if not ours:
            terminal.say(f"warning: {path} was not written by course grade; left it alone")
            return
    statuses = {report["status"] for report in result.notebooks.values()}
    tests = [
        test for report in result.notebooks.values() for outcome in report["exercises"] for test in outcome["tests"]
    ]
    body = {
        "graded_by": RESULTS_MARKER,
        "learner": result.learner,
        "status": "checked" if statuses == {"checked"} else "problems",
        "points": sum(result.points().values()),
        "points_possible": sum(o["points_possible"] for rep in result.notebooks.values() for o in rep["exercises"]),
        "notebooks": {
            name: {"status": rep["status"], "message": rep["message"]} for name, rep in sorted(result.notebooks.items())
        },
        "tests": tests,
    }
    path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
