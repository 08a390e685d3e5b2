"""One notebook for a grading worker to check, as the grader sends it (one JSON line).

Kept apart from the worker, so that the grader's own process can make jobs and start
workers without importing what only a worker needs (nbclient, jupyter_client, the checks).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

# Kernel start-up, the server, imports: what a notebook needs beyond its cells.
BASE_SECONDS = 30.0
UNREADABLE_NOTEBOOK_CELLS = 20


@dataclass
class Job:
    """One notebook to check: its text, and the course files to check it against."""

    id: int
    notebook_name: str
    notebook_text: str
    solution: str | None  # the solution notebook (None: only the registered checks)
    hidden: str | None  # the hidden tests (grading only)
    lesson: str
    cell_timeout: float
    # Start a kernel for the next notebook while this one runs; False when none will follow
    # (a kernel started for nothing costs about 0.6 s of CPU that the last notebooks need).
    spare_after: bool = True

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Job:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__})

    def hard_limit(self) -> float:
        """Seconds the whole notebook may take: every cell its limit (a hidden-tests cell follows each check)."""
        sources = _code_cells(self.notebook_text)
        code_cells = UNREADABLE_NOTEBOOK_CELLS if sources is None else len(sources)  # the worker says what is wrong
        return BASE_SECONDS + self.cell_timeout * max(code_cells, 1) * 2


def code_sources(notebook_text: str) -> list[str]:
    """The code cells of a notebook file's text; none when it is not a notebook (its worker says why)."""
    return _code_cells(notebook_text) or []


def _code_cells(notebook_text: str) -> list[str] | None:
    """The sources of the code cells, or None when the text is not a notebook."""
    try:
        cells = json.loads(notebook_text)["cells"]
        sources = [cell["source"] for cell in cells if cell.get("cell_type") == "code"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return ["".join(source) if isinstance(source, list) else str(source) for source in sources]
