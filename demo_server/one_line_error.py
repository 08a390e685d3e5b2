"""Errors a learner did not cause (a stopped server, a missing browser, a port in use): in a
notebook they show as one line that says what to do, not as a traceback."""

from __future__ import annotations


class OneLineError(Exception):
    """Mix in first: ``class BrowserMissing(OneLineError, RuntimeError)``."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback (and Run All stops here).
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]
