"""`course check`'s kernels: the first one starts as the command starts.

The kernel boots in its own process (about half a second) while this one reads the
notebooks and imports the checker; so a learner waits for one, not for both.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Callable

from course.grading.kernels import KernelPool
from course.grading.report import NotebookReport
from course.grading.sandbox import choose


class CheckSession:
    def __init__(self, lessons: list[str], notebooks: int, sandbox: str = "auto") -> None:
        self.loop = asyncio.new_event_loop()
        # A spare only helps when there is a next notebook (or a kernel to replace).
        self.pool = KernelPool(choose(sandbox), spares=1 if notebooks > 1 else 0, lessons=tuple(lessons))
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
