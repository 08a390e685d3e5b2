"""The one vocabulary for how an exercise went, with its mark and its words.

Checks in the kernel, the grading worker, ``course check`` and ``course grade``
all speak it; JSON carries the plain string value (``Outcome("pass")``).
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    PASS = "pass"  # the check (and, when grading, every hidden test) passed
    FAIL = "fail"  # an assertion of the check failed: the answer is wrong
    TODO = "todo"  # the answer still raises NotImplementedError
    ERROR = "error"  # the answer (or its cell) raised something else
    TIMEOUT = "timeout"  # the answer ran past its time limit
    MISSING = "missing"  # no answer cell, or no notebook, to check
    UNREADABLE = "unreadable"  # the notebook file is not a notebook
    TAMPERING = "tampering"  # the check machinery was replaced or its verdict forged: no points

    @property
    def mark(self) -> str:
        return _MARKS[self]

    @property
    def label(self) -> str:
        """What a learner reads after the exercise's title."""
        return _LABELS[self]

    @property
    def passed(self) -> bool:
        return self is Outcome.PASS


_MARKS = {
    Outcome.PASS: "✅",
    Outcome.FAIL: "❌",
    Outcome.TODO: "⬜",
    Outcome.ERROR: "💥",
    Outcome.TIMEOUT: "⏱",
    Outcome.MISSING: "❓",
    Outcome.UNREADABLE: "💥",
    Outcome.TAMPERING: "🚩",
}
_LABELS = {
    Outcome.PASS: "passed",
    Outcome.FAIL: "failed",
    Outcome.TODO: "not done yet",
    Outcome.ERROR: "error",
    Outcome.TIMEOUT: "too slow",
    Outcome.MISSING: "missing",
    Outcome.UNREADABLE: "unreadable",
    Outcome.TAMPERING: "tampering suspected",
}
