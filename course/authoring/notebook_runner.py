"""Restart & Run All, from the command line, for maintainers.

    python -m course.authoring.notebook_runner notebooks/01-cookies.ipynb [...]

Runs each notebook top to bottom in a fresh ``python3`` kernel from the
notebook's own folder, saves the outputs (execution counts 1..N) and strips
metadata that differs between machines. Stops at the first cell that raises,
unless the cell is tagged ``raises-exception``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course.authoring.hygiene import clean_metadata, merge_streams

CELL_TIMEOUT_SECONDS = 120


def run_notebook(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    client.execute()
    merge_streams(notebook)
    clean_metadata(notebook)
    nbformat.write(notebook, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course.authoring.notebook_runner", description=__doc__.splitlines()[0]
    )
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    failed = 0
    for path in args.notebooks:
        if not path.is_file():
            print(f"✗ {path}: no such notebook", file=sys.stderr)
            failed += 1
            continue
        try:
            run_notebook(path)
        except CellExecutionError as error:
            print(f"✗ {path}: a cell raised\n{error}", file=sys.stderr)
            failed += 1
            continue
        print(f"✓ {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
