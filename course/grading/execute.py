"""Run an assembled exercise notebook headless and collect what its checks said.

Every cell has a time limit. When a cell runs too long, or the learner's code
kills the kernel (``os._exit``, a crash), a fresh kernel replays the cells
before it and the run goes on after it, so one broken answer costs only that
exercise, even code that ignores KeyboardInterrupt.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbclient.util import run_sync

from course.checks import RESULTS_FILE_ENV
from course.exercise_format import exercise_of, is_check_cell

MAX_FRESH_KERNELS = 5
_quiet_log = logging.getLogger("course.execution")
_quiet_log.addHandler(logging.NullHandler())
_quiet_log.propagate = False


@dataclass
class CellProblem:
    exercise: str | None  # the exercise the cell belongs to, if any
    kind: str  # "timeout", "error" or "kernel died"
    message: str


@dataclass
class Execution:
    records: list[dict] = field(default_factory=list)  # what check()/run_hidden_tests() recorded
    problems: list[CellProblem] = field(default_factory=list)
    seconds: float = 0.0


def execute(
    notebook: nbformat.NotebookNode,
    *,
    cwd: Path,
    cell_timeout: float,
    on_cell: Callable[[int, int], None] | None = None,
    on_kernel: Callable[[int], None] | None = None,
) -> Execution:
    """Run every code cell of ``notebook`` (in place) in a fresh python3 kernel."""
    started = time.monotonic()
    execution = Execution()
    with tempfile.TemporaryDirectory(prefix="course-results-") as scratch:
        results_path = Path(scratch) / "results.jsonl"
        results_path.touch()
        env = {**os.environ, RESULTS_FILE_ENV: str(results_path), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        client = NotebookClient(
            notebook,
            timeout=max(1, int(cell_timeout)),
            # At the limit: interrupt, and don't wait for a reply that a loop ignoring
            # KeyboardInterrupt would never send; the kernel is then replaced (below).
            interrupt_on_timeout=True,
            error_on_timeout={"ename": "TimeoutError", "evalue": f"cell ran over {cell_timeout:g} s", "traceback": []},
            allow_errors=True,
            kernel_name="python3",
            resources={"metadata": {"path": str(cwd)}},
            log=_quiet_log,
            shutdown_kernel="immediate",  # nothing to save: don't wait for a polite exit
        )
        code_cells = [index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
        fresh_kernels = 0
        skipped: set[int] = set()
        _start_kernel(client, env, on_kernel)
        try:
            for position, index in enumerate(code_cells):
                cell = notebook.cells[index]
                if on_cell:
                    on_cell(position + 1, len(code_cells))
                exercise = _exercise_near(notebook, index)
                cell_started = time.monotonic()
                try:
                    client.execute_cell(cell, index)
                    if not run_sync(client.km.is_alive)():
                        # The reply can arrive before the process is gone: same thing.
                        raise DeadKernelError("Kernel died")
                    problem = None
                    if time.monotonic() - cell_started >= cell_timeout - 0.05:
                        problem = CellProblem(exercise, "timeout", f"stopped after the {cell_timeout:g} s time limit")
                except DeadKernelError:
                    problem = CellProblem(exercise, "kernel died", _what_died(cell, exercise))
                if problem is None:
                    error = _error_output(cell)
                    if error and not _is_check_like(cell):
                        execution.problems.append(CellProblem(exercise, "error", error))
                    continue
                # The kernel is dead, or may still be stuck in that cell: carry on in a
                # fresh kernel that has run everything before it except the culprit.
                execution.problems.append(problem)
                skipped.add(index)
                fresh_kernels += 1
                if fresh_kernels > MAX_FRESH_KERNELS:
                    execution.problems.append(
                        CellProblem(None, problem.kind, "gave up after repeated time-outs or kernel deaths")
                    )
                    break
                client._cleanup_kernel()
                _start_kernel(client, env, on_kernel)
                for earlier in code_cells[:position]:
                    if earlier not in skipped and not _is_check_like(notebook.cells[earlier]):
                        client.execute_cell(notebook.cells[earlier], earlier)
        finally:
            client._cleanup_kernel()
        for line in results_path.read_text(encoding="utf-8").splitlines():
            try:
                execution.records.append(json.loads(line))
            except ValueError:
                continue  # a half-written line from a killed kernel
    execution.seconds = time.monotonic() - started
    return execution


def _start_kernel(client: NotebookClient, env: dict, on_kernel: Callable[[int], None] | None) -> None:
    client.km = client.create_kernel_manager()
    client.start_new_kernel(env=env)
    client.start_new_kernel_client()
    # The kernel runs in its own process group; whoever may have to kill us must know it.
    process_group = getattr(client.km.provisioner, "pgid", None)
    if on_kernel and process_group:
        on_kernel(process_group)


def _is_check_like(cell) -> bool:
    return is_check_cell(cell) or "hidden" in cell.metadata.get("tags", [])


def _exercise_near(notebook: nbformat.NotebookNode, index: int) -> str | None:
    """The exercise a cell belongs to: its own, or that of the next check cell."""
    own = exercise_of(notebook.cells[index])
    if own:
        return own
    for cell in notebook.cells[index + 1 :]:
        if is_check_cell(cell):
            return exercise_of(cell)
    return None


def _error_output(cell) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename')}: {output.get('evalue')}".strip()
    return None


def _what_died(cell, exercise: str | None) -> str:
    if is_check_cell(cell):
        return f"the kernel died (os._exit or a crash) while checking {exercise}"
    if "hidden" in cell.metadata.get("tags", []):
        return f"the kernel died (os._exit or a crash) in the hidden tests of {exercise}"
    first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
    return f"the kernel died (os._exit or a crash) in the cell starting {first_line[:60]!r}"
