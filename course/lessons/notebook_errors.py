"""One line instead of a traceback when a notebook cell talks to a server that is gone.

Lesson 07 kills and stops server processes on purpose, and a cell run after
Teardown finds nothing listening. ``explain_connection_errors()`` (in a
lesson's Setup) makes IPython print what happened and what to do, instead
of the thirty lines of a ``requests.ConnectionError``.
"""

from __future__ import annotations

import requests


def message(error: requests.ConnectionError) -> str:
    request = getattr(error, "request", None)
    where = getattr(request, "url", None) or "that address"
    return (
        f"Nothing answered at {where}: that server was stopped (by Teardown, or a step that stops it) "
        "or killed. Run the Setup cell and this step's cells from the top again."
    )


def explain_connection_errors() -> None:
    """In IPython, show a refused connection as one line (elsewhere, do nothing)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def one_line(shell, error_type, error, traceback, tb_offset=None):
        print(f"⚠️ {message(error)}")
        return None

    shell.set_custom_exc((requests.ConnectionError,), one_line)
