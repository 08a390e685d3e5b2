"""`course check`'s kernels: the first one starts as the command starts.

The kernel boots in its own process (most of a second) while this one imports jupyter_client
(check_command.open_session launches it before this module is imported), reads the notebooks
and imports the checker; so a learner waits for one, not for both.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Callable

from course.grading.kernel_sandboxes import Launched
from course.grading.kernels import KernelPool
from course.grading.report import NotebookReport
from course.grading.sandbox import Choice, choose


class CheckSession:
    """``launched``: the first kernel, launched before this module was imported (open_session)."""

    def __init__(
        self, lessons: list[str], notebooks: int, choice: Choice | None = None, launched: Launched | None = None
    ) -> None:
        self.loop = asyncio.new_event_loop()
        # A spare only helps when there is a next notebook (or a kernel to replace).
        spares = 1 if notebooks > 1 else 0
        self.pool = KernelPool(choice or choose("auto"), spares=spares, lessons=tuple(lessons), launched=launched)
        self.loop.run_until_complete(self.pool.spawn(1))

    def check(
        self,
        solution: Path | None,
        notebook: Path,
        *,
        cell_timeout: float,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> NotebookReport:
        from course.grading.worker import Checker, check_file

        return self.loop.run_until_complete(
            check_file(Checker(self.pool), solution, notebook, cell_timeout, on_progress)
        )

    def close(self) -> None:
        try:
            self.loop.run_until_complete(self.pool.close())
        finally:
            self.loop.close()
