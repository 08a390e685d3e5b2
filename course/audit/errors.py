"""Why an audit could not run (exit status 2, one line each) or had to stop a probe early."""

from __future__ import annotations

from demo_server.one_line_error import OneLineError


class AuditError(OneLineError, Exception):
    """The audit cannot run: ``str(error)`` is the one-line reason shown to the user."""


class UnsafeTarget(AuditError):
    """The target is not on this machine and --allow-remote was not given."""


class Unreachable(AuditError):
    """Nothing answers at the target (not started, wrong port, timed out)."""


class SetupError(AuditError):
    """The app answered, but not as the options say it would (login or profile)."""


class BudgetSpent(Exception):
    """The request budget (--max-requests) is used up; the remaining probes are skipped."""
