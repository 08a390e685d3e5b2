"""Every step of every lesson can be run again after the later ones, in the same kernel.

Lesson 00 promises it, and learners do it: they scroll back and re-run a step.
Each lesson runs top to bottom (up to its Teardown), then every `## Step` and
the cells under it run again, in order, in the same kernel; no cell may fail.
Then Teardown runs, and Setup and Step 1 once more (Run All a second time).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("0[0-5]-*.ipynb"))


def _parts(notebook) -> tuple[list[int], list[list[int]], list[int]]:
    """Code cells before the first step, each step's code cells, and the Teardown's."""
    before, steps, teardown = [], [], []
    current = before
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            headings = [line for line in cell.source.splitlines() if line.startswith("## ")]
            if headings and headings[-1].startswith("## Step"):
                current = []
                steps.append(current)
            elif headings and headings[-1].startswith("## Teardown"):
                current = teardown
            elif headings and steps:
                current = []  # Key points, Test yourself, ...: nothing to run
        elif cell.cell_type == "code":
            current.append(index)
    return before, steps, teardown


def test_every_lesson_has_steps_and_a_teardown():
    for path in LESSONS:
        before, steps, teardown = _parts(nbformat.read(path, as_version=4))
        assert before and len(steps) >= 3 and teardown, path.name


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_steps_run_again_after_the_later_ones(path):
    notebook = nbformat.read(path, as_version=4)
    before, steps, teardown = _parts(notebook)
    everything_but_teardown = [index for index in range(len(notebook.cells)) if index not in teardown]
    plan = [("top to bottom", index) for index in everything_but_teardown]
    plan += [(f"Step {number} again", index) for number, cells in enumerate(steps, start=1) for index in cells]
    plan += [("Teardown", index) for index in teardown]
    plan += [("Run All again", index) for index in before + steps[0]]

    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    with client.setup_kernel():
        for when, index in plan:
            cell = notebook.cells[index]
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                pytest.fail(f"{path.name}, {when}: cell {index} failed:\n{cell.source}\n{str(error)[-1500:]}")
