"""Start a course.grading.worker process with a hard time limit and read its report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

# Kernel start-up, the server, imports: what a notebook needs beyond its cells.
BASE_SECONDS = 30.0
UNREADABLE_NOTEBOOK_CELLS = 20


def run_worker(
    solution: Path | None,
    notebook: Path,
    *,
    hidden: Path | None,
    cell_timeout: float,
    cwd: Path,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Run one notebook's checks in a new process group; kill the whole group at the limit."""
    command = [
        sys.executable,
        "-m",
        "course.grading.worker",
        "--notebook",
        str(notebook),
        "--cell-timeout",
        str(cell_timeout),
        "--cwd",
        str(cwd),
    ]
    if solution:
        command += ["--solution", str(solution)]
    if hidden:
        command += ["--hidden", str(hidden)]
    if on_progress:
        command.append("--progress")
    # Every cell may use its whole limit (and a hidden-tests cell follows each check).
    hard_limit = BASE_SECONDS + cell_timeout * _code_cells(solution or notebook) * 2
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    stderr_lines: list[str] = []
    stdout_lines: list[str] = []
    kernel_groups: list[int] = []
    readers = [
        threading.Thread(target=_read_stderr, args=(process, on_progress, kernel_groups, stderr_lines), daemon=True),
        threading.Thread(target=lambda: stdout_lines.extend(process.stdout), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        process.wait(timeout=hard_limit)
    except subprocess.TimeoutExpired:
        _kill_group(process.pid)
        for group in kernel_groups:  # kernels live in process groups of their own
            _kill_group(group)
        process.wait()
        return {"status": "timeout", "message": f"the notebook did not finish within {hard_limit:g} s", "exercises": []}
    finally:
        _kill_group(process.pid)  # anything the worker started and left behind
        for reader in readers:
            reader.join(timeout=2)
        process.stdout.close()
        process.stderr.close()
    stdout = "".join(stdout_lines)
    for line in reversed(stdout.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    detail = "".join(stderr_lines[-5:]).strip()
    return {"status": "error", "message": f"the checker crashed ({detail[-300:] or 'no output'})", "exercises": []}


def _code_cells(notebook: Path) -> int:
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        return sum(1 for cell in cells if cell.get("cell_type") == "code")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return UNREADABLE_NOTEBOOK_CELLS  # the worker will say what is wrong with it


def _read_stderr(process: subprocess.Popen, on_progress, kernel_groups: list[int], stderr_lines: list[str]) -> None:
    for line in process.stderr:
        if line.startswith('{"progress"'):
            if on_progress:
                done, total = json.loads(line)["progress"]
                on_progress(done, total)
        elif line.startswith('{"kernel_process_group"'):
            kernel_groups.append(json.loads(line)["kernel_process_group"])
        else:
            stderr_lines.append(line)


def _kill_group(group: int) -> None:
    try:
        os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
