"""Run an assembled exercise notebook headless and collect what its checks said.

Every cell has a time limit: a cell that runs too long is interrupted and the
rest of the notebook still runs. If the learner's code kills the kernel
(``os._exit``, a crash), a new kernel replays the cells before it and the run
goes on after it, so one broken answer costs only that exercise.
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

from .checks import RESULTS_FILE_ENV
from .exercise_notebooks import exercise_of, is_check_cell

MAX_KERNEL_RESTARTS = 5
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
            interrupt_on_timeout=True,
            allow_errors=True,
            kernel_name="python3",
            resources={"metadata": {"path": str(cwd)}},
            log=_quiet_log,
            shutdown_kernel="immediate",  # nothing to save: don't wait for a polite exit
        )
        code_cells = [index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
        restarts = 0
        skipped: set[int] = set()
        position = 0
        client.km = client.create_kernel_manager()
        client.start_new_kernel(env=env)
        client.start_new_kernel_client()
        try:
            while position < len(code_cells):
                index = code_cells[position]
                cell = notebook.cells[index]
                if on_cell:
                    on_cell(position + 1, len(code_cells))
                cell_started = time.monotonic()
                try:
                    client.execute_cell(cell, index)
                    if not run_sync(client.km.is_alive)():
                        # The reply can arrive before the process is gone: same thing.
                        raise DeadKernelError("Kernel died")
                except DeadKernelError:
                    exercise = _exercise_near(notebook, index)
                    execution.problems.append(CellProblem(exercise, "kernel died", _what_died(cell, exercise)))
                    skipped.add(index)
                    restarts += 1
                    if restarts > MAX_KERNEL_RESTARTS:
                        execution.problems.append(CellProblem(None, "kernel died", "gave up after repeated kernel deaths"))
                        break
                    _restart(client, env)
                    for earlier in code_cells[:position]:
                        if earlier not in skipped and not _is_check_like(notebook.cells[earlier]):
                            client.execute_cell(notebook.cells[earlier], earlier)
                    position += 1
                    continue
                elapsed = time.monotonic() - cell_started
                if elapsed >= cell_timeout - 0.05:
                    execution.problems.append(
                        CellProblem(_exercise_near(notebook, index), "timeout", f"stopped after the {cell_timeout:g} s time limit")
                    )
                else:
                    error = _error_output(cell)
                    if error and not _is_check_like(cell):
                        execution.problems.append(CellProblem(_exercise_near(notebook, index), "error", error))
                position += 1
        finally:
            client._cleanup_kernel()
        for line in results_path.read_text(encoding="utf-8").splitlines():
            try:
                execution.records.append(json.loads(line))
            except ValueError:
                continue  # a half-written line from a killed kernel
    execution.seconds = time.monotonic() - started
    return execution


def _restart(client: NotebookClient, env: dict) -> None:
    client._cleanup_kernel()
    client.km = client.create_kernel_manager()
    client.start_new_kernel(env=env)
    client.start_new_kernel_client()


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
