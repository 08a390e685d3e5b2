"""Reading a learner's notebook: anything a learner hands in, or a clear reason why not."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nbformat

MAX_NOTEBOOK_BYTES = 20 << 20


class UnreadableNotebook(ValueError):
    """Not a notebook the checker can run; the message says what is wrong, for the learner."""


def parse_notebook(text: str, name: str) -> nbformat.NotebookNode:
    """The notebook in ``text`` (a version-4 NotebookNode), or UnreadableNotebook."""
    if len(text) > MAX_NOTEBOOK_BYTES:
        raise UnreadableNotebook(f"{name} is larger than {MAX_NOTEBOOK_BYTES >> 20} MB")
    try:
        data = json.loads(text)
    except ValueError:
        raise UnreadableNotebook(f"{name} is not a readable notebook (not JSON)") from None
    if type(data) is not dict or type(data.get("cells", [])) is not list:
        raise UnreadableNotebook(f"{name} is not a readable notebook (no list of cells)")
    for number, cell in enumerate(data.get("cells", []), start=1):
        problem = _cell_problem(cell)
        if problem:
            raise UnreadableNotebook(f"{name}, cell {number}: {problem}")
    logging.getLogger("traitlets").setLevel(logging.CRITICAL)  # schema complaints: we said what matters
    import nbformat  # here, not above: the grader's own process imports this module for its size limit

    try:
        return nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises many kinds for a bad file
        raise UnreadableNotebook(f"{name} is not a readable notebook ({type(error).__name__})") from None


def _cell_problem(cell) -> str | None:
    if type(cell) is not dict:
        return f"a cell should be a JSON object, not {_kind(cell)}"
    if cell.get("cell_type") not in ("code", "markdown", "raw"):
        return f"unknown cell_type {str(cell.get('cell_type'))[:40]!r}"
    source = cell.get("source", "")
    if type(source) is list:
        if not all(type(line) is str for line in source):
            return "its source should be text, but a line of it is not"
    elif type(source) is not str:
        return f"its source should be text, not {_kind(source)}"
    if type(cell.get("metadata", {})) is not dict:
        return "its metadata should be a JSON object"
    return None


def _kind(value) -> str:
    return {int: "a number", float: "a number", bool: "true/false", type(None): "null", dict: "an object"}.get(
        type(value), "a list" if type(value) is list else type(value).__name__
    )
