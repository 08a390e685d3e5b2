"""Without any Chromium, lesson 06 (and its exercises) stop at Setup with one line saying how to get one.

The notebook runs in a fresh kernel that cannot see a browser: no Chromium on PATH,
no Playwright download, no SESSIONS_LIVE_CHROMIUM. Run All must stop at the Setup
cell (later cells never run), and that cell must show one line, not a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
# The lesson, and its exercise hand-out (whatever make exercises names it).
NOTEBOOKS = [ROOT / "notebooks" / "06-in-a-real-browser.ipynb", *sorted((ROOT / "exercises").glob("06-*.ipynb"))]


@pytest.fixture
def no_browser(tmp_path, monkeypatch):
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # this venv's tools, no chromium
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(empty))  # no Playwright download either
    monkeypatch.delenv("SESSIONS_LIVE_CHROMIUM", raising=False)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_setup_says_how_to_get_a_browser_in_one_line(no_browser, path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None  # the lesson's saved outputs are not this run's
    client = NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    with pytest.raises(CellExecutionError):
        client.execute()
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    setup = next(cell for cell in code if "open_browser()" in cell.source)
    (output,) = setup.outputs
    assert output.output_type == "error" and output.ename == "BrowserMissing"
    assert len(output.traceback) == 1, f"a traceback instead of one line: {output.traceback}"
    assert "make browser" in output.traceback[0] and "`chromium`" in output.traceback[0]
    after = code[code.index(setup) + 1 :]
    assert all(cell.execution_count is None for cell in after), "Run All must stop at Setup"
