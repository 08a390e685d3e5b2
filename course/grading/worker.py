"""Check learner notebooks one at a time: assemble, execute in a sandboxed kernel, score.

`course check` does this in its own process (``check_notebook_file``); `course grade`
runs one worker process per job slot::

    python -m course.grading.worker --serve --sandbox bubblewrap

which reads one job per line on stdin (the notebook's text comes with it: the worker
never opens a learner's files) and writes one JSON line per job on stdout (progress
lines, then the report). No kernel inherits stdout: it is the worker's alone. The
worker keeps a spare kernel started, so no notebook waits for a cold one.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Callable

import nbformat

from course.checks import Exercise, exercises_for, exercises_of
from course.exercise_format import NotebookFormatError, exercise_ids, make_exercise
from course.grading import verdicts
from course.grading.assemble import GRADER, LEARNER_ROLES, assemble, grader_cell, role_of, template_from_learner
from course.grading.execute import execute, in_kernel_limit
from course.grading.job import Job
from course.grading.kernels import KernelPool, KernelStartError
from course.grading.learner_notebook import UnreadableNotebook, parse_notebook
from course.grading.report import NotebookReport, NotebookStatus, zero_outcomes
from course.grading.sandbox import choose
from course.grading.scan import scan_cells
from course.grading.score import Evidence, outcomes
from course.layout import lesson_number
from course.outcome import Outcome

PR_SET_PDEATHSIG = 1


class Checker:
    """Checks jobs with kernels from one pool; keeps each lesson's pristine exercise notebook."""

    def __init__(self, pool: KernelPool) -> None:
        self.pool = pool
        self._templates: dict[str, nbformat.NotebookNode] = {}

    async def check(
        self,
        job: Job,
        on_progress: Callable[[int, int], None] | None = None,
        on_stuck: Callable[[bool], None] | None = None,
    ) -> NotebookReport:
        started = time.monotonic()
        try:
            template = self._template(job.solution) if job.solution else None
        except NotebookFormatError as error:
            return NotebookReport(NotebookStatus.ERROR, f"course bug: {error}")
        exercises = exercises_for(exercise_ids(template)) if template is not None else exercises_of(job.lesson)
        try:
            learner = parse_notebook(job.notebook_text, job.notebook_name)
        except UnreadableNotebook as error:
            return _unusable(exercises, NotebookStatus.UNREADABLE, str(error))
        if template is None:
            template = template_from_learner(learner, [ex.id for ex in exercises])
        hidden_source = Path(job.hidden).read_text(encoding="utf-8") if job.hidden else None
        if not job.spare_after:
            self.pool.spares = 0

        assembled = assemble(
            template, learner, hidden_source, time_limit=in_kernel_limit(job.cell_timeout), lesson=job.lesson
        )
        notebook = assembled.notebook
        copies = {job.notebook_name: job.notebook_text}
        prologue = f'__import__("course.checks._graded").checks._graded.write_copies({copies!r})'
        notebook.cells.insert(0, grader_cell(prologue, GRADER))
        code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
        learner_cells = {i: c.source for i, c in enumerate(notebook.cells) if role_of(c) in LEARNER_ROLES}
        findings = scan_cells(learner_cells, code)
        try:
            execution = await execute(
                notebook,
                self.pool,
                cell_timeout=job.cell_timeout,
                answer_names=assembled.answer_names,
                on_cell=on_progress,
                deadline=started + job.hard_limit(),
                on_stuck=on_stuck,
            )
        except KernelStartError as error:
            return _unusable(exercises, NotebookStatus.ERROR, f"the sandboxed kernel did not start: {error}")
        evidence = Evidence(
            notebook=notebook,
            execution=execution,
            reading=verdicts.read(notebook, execution.ran, execution.cut_off),
            findings=findings,
            missing_answers=assembled.missing_answers,
            hidden_source=hidden_source or "",
        )
        results = outcomes(exercises, evidence, with_hidden=hidden_source is not None)
        return NotebookReport(NotebookStatus.CHECKED, "", round(time.monotonic() - started, 2), results)

    def _template(self, solution: str) -> nbformat.NotebookNode:
        if solution not in self._templates:
            path = Path(solution)
            self._templates[solution] = make_exercise(nbformat.read(path, as_version=4), path.name)
        return self._templates[solution]


def _unusable(exercises: list[Exercise], status: NotebookStatus, message: str) -> NotebookReport:
    return NotebookReport(status, message, 0.0, zero_outcomes(exercises, Outcome(status), message))


def check_notebook_file(
    solution: Path | None,
    notebook: Path,
    *,
    hidden: Path | None = None,
    cell_timeout: float = 10.0,
    on_progress: Callable[[int, int], None] | None = None,
    sandbox: str = "auto",
) -> NotebookReport:
    """Check one notebook file in this process (tests; `course check` uses CheckSession)."""

    async def check() -> NotebookReport:
        pool = KernelPool(choose(sandbox), spares=0)
        try:
            return await check_file(Checker(pool), solution, notebook, cell_timeout, on_progress, hidden)
        finally:
            await pool.close()

    return asyncio.run(check())


async def check_file(
    checker: Checker,
    solution: Path | None,
    notebook: Path,
    cell_timeout: float,
    on_progress: Callable[[int, int], None] | None = None,
    hidden: Path | None = None,
) -> NotebookReport:
    lesson = lesson_number(notebook.name) or ""
    try:
        text = notebook.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        exercises = exercises_of(lesson) if solution is None else []
        return _unusable(exercises, NotebookStatus.UNREADABLE, f"cannot read {notebook.name}: {error}")
    job = Job(0, notebook.name, text, str(solution) if solution else None, str(hidden) if hidden else None,
              lesson, cell_timeout)  # fmt: skip
    return await checker.check(job, on_progress)


# --- the worker process of `course grade` -----------------------------------------------------


async def serve(sandbox: str, run: str, lessons: tuple[str, ...] | None = None) -> None:
    channel = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # anything else that prints goes to stderr, never into the reports

    def send(message: dict) -> None:
        channel.write(json.dumps(message) + "\n")

    pool = KernelPool(choose(sandbox), run=run, lessons=lessons)
    pool.fill()
    checker = Checker(pool)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=64 << 20)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        while line := await reader.readline():
            job = Job.from_json(json.loads(line))

            def progress(done: int, total: int, job_id: int = job.id) -> None:
                send({"job": job_id, "progress": [done, total]})

            def stuck(now: bool, job_id: int = job.id) -> None:
                send({"job": job_id, "stuck": now})

            try:
                report = await checker.check(job, progress, stuck)
            except Exception as error:  # a bug in the checker: report it, go on with the next notebook
                report = NotebookReport(NotebookStatus.ERROR, f"the checker failed: {type(error).__name__}: {error}")
            send({"job": job.id, "report": report.to_json()})
    finally:
        await pool.close()
        channel.close()


def _die_with_parent() -> None:
    """If `course grade` dies, so does this worker (and with it, its sandboxes)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:
            sys.exit(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.grading.worker")
    parser.add_argument("--serve", action="store_true", help="check the jobs given on stdin, one per line")
    parser.add_argument("--sandbox", default="auto", choices=["auto", "bubblewrap", "fallback"])
    parser.add_argument("--run", default="", help="a mark for every process of this grading run")
    parser.add_argument("--lessons", help="comma-separated lessons whose checks kernels load first (default: all)")
    args = parser.parse_args(argv)
    if not args.serve:
        parser.error("only --serve is supported")
    _die_with_parent()
    lessons = None if args.lessons is None else tuple(args.lessons.split(","))
    asyncio.run(serve(args.sandbox, args.run, lessons))
    return 0


if __name__ == "__main__":
    from course.quick_exit import exit_now

    exit_now(main())  # its kernels are gone; `course grade` need not wait for its teardown
