"""Run an assembled exercise notebook in a sandboxed kernel, one time limit per cell.

Checks stop a looping answer themselves, inside the cell's limit (the kernel
lives on, and the function that hung is not called again by later checks). When
a cell still runs too long, or the learner's code kills the kernel (``os._exit``,
a crash), a fresh kernel from the pool replays the cells before it and the run
goes on after it, so one broken answer costs only its exercise and one time limit.
The outputs stay in the notebook's cells; ``verdicts`` reads them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Callable

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from course.exercise_format import exercise_of, is_check_cell
from course.grading import verdicts
from course.grading.assemble import CHECK, GRADER, GRADER_ROLES, HIDDEN, LEARNER_ROLES, grader_cell, role_of
from course.grading.kernels import GradingKernel, KernelPool

MAX_FRESH_KERNELS = 5
_quiet_log = logging.getLogger("course.execution")
_quiet_log.addHandler(logging.NullHandler())
_quiet_log.propagate = False


STUCK_AFTER = 0.2  # of a cell's time limit: a cell computing this long gives its notebook's place


def in_kernel_limit(cell_timeout: float) -> float:
    """How long a check may run: its cell's limit, less the time to report before the grader's."""
    return round(cell_timeout - min(1.0, cell_timeout * 0.1), 2)


@dataclass
class CellProblem:
    exercise: str | None  # the exercise the cell belongs to, if any
    kind: str  # "timeout", "error" or "kernel died"
    message: str
    cell_index: int = -1


@dataclass
class Execution:
    problems: list[CellProblem] = field(default_factory=list)
    hung: dict[str, str] = field(default_factory=dict)  # learner function -> the exercise it hung in
    cut_off: set[int] = field(default_factory=set)  # cells stopped at the limit or by a dead kernel
    ran: set[int] = field(default_factory=set)  # cells that were run (the rest never got their turn)
    stuck: set[int] = field(default_factory=set)  # cells that computed so long their notebook gave its place
    seconds: float = 0.0


async def execute(
    notebook: nbformat.NotebookNode,
    pool: KernelPool,
    *,
    cell_timeout: float,
    answer_names: dict[str, list[str]] | None = None,
    on_cell: Callable[[int, int], None] | None = None,
    deadline: float | None = None,
    on_stuck: Callable[[bool], None] | None = None,
) -> Execution:
    """Run every code cell of ``notebook`` (in place: outputs go into its cells).

    ``on_stuck(True)`` when a cell has computed through a fifth of its limit (see _run_cell),
    ``on_stuck(False)`` when that cell has ended: meanwhile `course grade` gives the notebook's
    place to another one, so that a loop costs its own time limit, not a place's."""
    started = time.monotonic()
    execution = Execution()
    code_cells = [index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    kernel = await pool.take()
    client = _client(notebook, kernel, cell_timeout)
    fresh_kernels = 0
    try:
        for position, index in enumerate(code_cells):
            if on_cell:
                on_cell(position + 1, len(code_cells))
            if deadline is not None and time.monotonic() > deadline:
                execution.problems.append(CellProblem(None, "timeout", "the notebook ran out of time", index))
                break
            execution.ran.add(index)
            problem = await _run_cell(client, kernel, notebook, index, cell_timeout, on_stuck, execution.stuck)
            if problem is None:
                _note_error(execution, notebook, index)
                _note_hung(execution, notebook.cells[index])
                continue
            # The kernel is dead, or may still be stuck in that cell: carry on in a fresh
            # kernel that has run everything before it except the cells that were cut off.
            execution.problems.append(problem)
            execution.cut_off.add(index)
            if role_of(notebook.cells[index]) in (CHECK, HIDDEN) and problem.exercise:
                # The check overran its own limit: treat what the answer defines as hung.
                for name in (answer_names or {}).get(problem.exercise, []):
                    execution.hung.setdefault(name, problem.exercise)
            pool.discard(kernel)
            while True:
                fresh_kernels += 1
                if fresh_kernels > MAX_FRESH_KERNELS:
                    message = "gave up after repeated time-outs or kernel deaths"
                    execution.problems.append(CellProblem(None, problem.kind, message, index))
                    return execution
                kernel = await pool.take()
                client.km, client.kc = kernel.km, kernel.kc
                replay_problem = await _replay(
                    client, kernel, notebook, code_cells[:position], execution, cell_timeout, on_stuck
                )
                if replay_problem is None:
                    break
                pool.discard(kernel)
    finally:
        pool.discard(kernel)
        execution.seconds = time.monotonic() - started
    return execution


def _client(notebook: nbformat.NotebookNode, kernel: GradingKernel, cell_timeout: float) -> NotebookClient:
    client = NotebookClient(
        notebook,
        km=kernel.km,
        timeout=max(1, round(cell_timeout)),
        # At the limit: interrupt, and don't wait for a reply that a loop ignoring
        # KeyboardInterrupt would never send; the kernel is then replaced.
        interrupt_on_timeout=True,
        error_on_timeout={"ename": "TimeoutError", "evalue": f"cell ran over {cell_timeout:g} s", "traceback": []},
        iopub_timeout=1,
        allow_errors=True,
        log=_quiet_log,
    )
    client.kc = kernel.kc
    client.kc.allow_stdin = False
    return client


async def _run_cell(
    client: NotebookClient,
    kernel: GradingKernel,
    notebook: nbformat.NotebookNode,
    index: int,
    cell_timeout: float,
    on_stuck: Callable[[bool], None] | None = None,
    stuck: set[int] | None = None,
) -> CellProblem | None:
    cell = notebook.cells[index]
    exercise = _exercise_near(notebook, index)
    started = time.monotonic()

    # A cell still computing after a fifth of its limit (an endless loop, most likely) is stuck:
    # its notebook shares the CPU with one more. A cell that waits (on Chromium, a server process)
    # is not: it needs little CPU, but promptly. Only in `course grade` (on_stuck), with others to run.
    was_stuck = False

    def look() -> None:
        nonlocal was_stuck
        if on_stuck and kernel.spinning():
            was_stuck = True
            if stuck is not None:
                stuck.add(index)
            on_stuck(True)

    kernel.cell_started()
    looking = asyncio.get_running_loop().call_later(cell_timeout * STUCK_AFTER, look)
    try:
        # The grader's cells stay out of IPython's history (In, _ih): later learner cells can't read them.
        await client.async_execute_cell(cell, index, store_history=role_of(cell) not in GRADER_ROLES)
        if not await kernel.km.is_alive():
            raise DeadKernelError("Kernel died")  # the reply can arrive before the process is gone
    except DeadKernelError:
        return CellProblem(exercise, "kernel died", _what_died(cell, exercise), index)
    finally:
        looking.cancel()
        if was_stuck:
            on_stuck(False)
    if time.monotonic() - started >= cell_timeout - 0.05:
        return CellProblem(exercise, "timeout", f"stopped after the {cell_timeout:g} s time limit", index)
    return None


async def _replay(client, kernel, notebook, earlier: list[int], execution: Execution, cell_timeout: float, on_stuck):
    """Run again, in a fresh kernel, the course's and learner's cells before the culprit."""
    for index in earlier:
        if role_of(notebook.cells[index]) in GRADER_ROLES or index in execution.cut_off:
            continue
        problem = await _run_cell(client, kernel, notebook, index, cell_timeout, on_stuck, execution.stuck)
        if problem is not None:
            execution.cut_off.add(index)
            return problem
    if execution.hung:
        cell = grader_cell(f'__import__("course.checks").checks.mark_hung({execution.hung!r})', GRADER)
        notebook.cells.append(cell)  # a place for its output; it is not run again
        return await _run_cell(client, kernel, notebook, len(notebook.cells) - 1, cell_timeout)
    return None


def _note_hung(execution: Execution, cell) -> None:
    """A check that stopped a hung answer names the function: remember it for fresh kernels."""
    if role_of(cell) in (CHECK, HIDDEN):
        for verdict in verdicts.genuine(cell):
            for name in verdict.get("hung", []) if isinstance(verdict.get("hung"), list) else []:
                if isinstance(name, str) and name.replace(".", "").isidentifier():
                    execution.hung.setdefault(name, cell.metadata["course"]["exercise"])


def _note_error(execution: Execution, notebook: nbformat.NotebookNode, index: int) -> None:
    cell = notebook.cells[index]
    if role_of(cell) not in LEARNER_ROLES or any(p.cell_index == index for p in execution.problems):
        return
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            message = f"{output.get('ename')}: {output.get('evalue')}".strip()
            execution.problems.append(CellProblem(_exercise_near(notebook, index), "error", message, index))
            return


def _exercise_near(notebook: nbformat.NotebookNode, index: int) -> str | None:
    """The exercise a cell belongs to: its own, or that of the next check cell."""
    own = notebook.cells[index].metadata.get("course", {}).get("exercise") or exercise_of(notebook.cells[index])
    if own and role_of(notebook.cells[index]) != "learner":
        return own
    for cell in notebook.cells[index + 1 :]:
        if is_check_cell(cell):
            return exercise_of(cell)
    return None


def _what_died(cell, exercise: str | None) -> str:
    role = role_of(cell)
    if role == CHECK:
        return f"the kernel died (os._exit or a crash) while checking {exercise}"
    if role == HIDDEN:
        return f"the kernel died (os._exit or a crash) in the hidden tests of {exercise}"
    first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
    return f"the kernel died (os._exit or a crash) in the cell starting {first_line[:60]!r}"
