"""What a committed notebook must look like, and how to make it so."""

from __future__ import annotations

import re

import nbformat

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# Paths that only exist on the machine that ran the notebook.
MACHINE_PATH = re.compile(r"(/home/|/root/|/Users/|/tmp/|/work/|/private/var/|[A-Za-z]:\\\\Users\\\\|site-packages)")


def clean_metadata(notebook: nbformat.NotebookNode) -> None:
    """Keep only metadata that means something to the course (no timings, no machine data)."""
    language_info = notebook.metadata.get("language_info", {})
    notebook.metadata = nbformat.NotebookNode(
        {
            "kernelspec": dict(KERNELSPEC),
            "language_info": {"name": language_info.get("name", "python")},
        }
    )
    for cell in notebook.cells:
        kept = {
            key: value for key, value in cell.metadata.items() if key in ("tags", "course", "editable", "deletable")
        }
        cell.metadata = nbformat.NotebookNode(kept)


def merge_streams(notebook: nbformat.NotebookNode) -> None:
    """Join consecutive stdout (or stderr) pieces of a cell into one output.

    How a print arrives in pieces depends on timing, so without this every
    re-run would change the saved notebook even when nothing else did.
    """
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        merged = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                previous is not None
                and output.get("output_type") == "stream"
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")
            ):
                previous["text"] = previous["text"] + output["text"]
            else:
                merged.append(output)
        cell.outputs = merged


def problems(notebook: nbformat.NotebookNode, *, outputs_expected: bool = True) -> list[str]:
    """Why a committed notebook is not clean, one sentence per problem (empty: clean)."""
    found = []
    if notebook.metadata.get("kernelspec", {}).get("name") != "python3":
        found.append("kernelspec is not python3")
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    counts = [cell.execution_count for cell in code_cells]
    if outputs_expected and counts != list(range(1, len(code_cells) + 1)):
        found.append(f"execution counts are {counts}, not 1..{len(code_cells)}: Restart & Run All, then save")
    for index, cell in enumerate(code_cells, start=1):
        for output in cell.get("outputs", []):
            text = str(output.get("text", "")) + str(output.get("data", ""))
            match = MACHINE_PATH.search(text)
            if match:
                found.append(f"code cell {index} prints a machine path ({match.group(0)!r})")
            if output.get("output_type") == "error" and "raises-exception" not in cell.metadata.get("tags", []):
                found.append(f"code cell {index} ends in an error ({output.get('ename')})")
    return found
