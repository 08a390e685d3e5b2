"""Committed notebooks were run top to bottom in a fresh kernel, and say nothing about the machine."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from course.authoring.hygiene import problems

ROOT = Path(__file__).resolve().parent.parent
RUN_NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb")])
HANDOUTS = sorted(ROOT.glob("exercises/*.ipynb"))
MAX_IGNORED_SHARE = 0.1  # at most 1 code cell in 10 excused from output comparison


def test_there_are_notebooks():
    assert (ROOT / "notebooks" / "00-start-here.ipynb") in RUN_NOTEBOOKS


@pytest.mark.parametrize("path", RUN_NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_run_in_order_in_a_fresh_kernel(path):
    found = problems(nbformat.read(path, as_version=4))
    assert not found, f"{path.name}: " + "; ".join(found)


@pytest.mark.parametrize("path", RUN_NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_few_cells_are_excused_from_output_comparison(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    ignored = [
        cell
        for cell in code
        if "nbval-ignore-output" in cell.metadata.get("tags", []) or cell.source.startswith("# NBVAL_IGNORE_OUTPUT")
    ]
    assert len(ignored) <= MAX_IGNORED_SHARE * len(code), (
        f"{len(ignored)} of {len(code)} code cells skip output comparison"
    )
    for cell in ignored:
        reasons = [line for line in cell.source.splitlines() if line.strip().startswith("#") and len(line.split()) >= 5]
        assert reasons, f"a cell excused from output comparison must say why in a comment: {cell.source[:80]!r}"


@pytest.mark.parametrize("path", RUN_NOTEBOOKS + HANDOUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_metadata_is_clean(path):
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert set(notebook.metadata) <= {"kernelspec", "language_info"}, (
        f"noisy notebook metadata: {sorted(notebook.metadata)}"
    )
    for cell in notebook.cells:
        assert set(cell.metadata) <= {"tags", "course", "editable", "deletable"}, (
            f"noisy cell metadata: {sorted(cell.metadata)}"
        )


@pytest.mark.parametrize("path", sorted(ROOT.glob("notebooks/*.ipynb")), ids=lambda p: p.name)
def test_lesson_skeleton(path):
    headings = [
        line.strip()
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("## ")
    ]
    for required in ["## Setup", "## Key points", "## Test yourself", "## Further reading", "## Teardown"]:
        assert required in headings, f"{path.name} has no '{required}' section"
    assert any(h.startswith("## Step 1") for h in headings), f"{path.name} has no '## Step 1 — ...'"


def test_merge_streams_joins_consecutive_pieces():
    from course.authoring.hygiene import merge_streams

    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('a'); print('b')")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a\n"),
        nbformat.v4.new_output("stream", name="stdout", text="b\n"),
        nbformat.v4.new_output("stream", name="stderr", text="!\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
        nbformat.v4.new_output("stream", name="stdout", text="c\n"),
    ]
    notebook.cells.append(cell)
    merge_streams(notebook)
    assert [(o.output_type, o.get("text")) for o in cell.outputs] == [
        ("stream", "a\nb\n"),
        ("stream", "!\n"),
        ("execute_result", None),
        ("stream", "c\n"),
    ]
