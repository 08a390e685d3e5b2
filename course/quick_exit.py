"""Leave a finished command at once, without Python taking its modules apart.

When a `course` command or a grading worker is done, every kernel, sandbox and process it
started is gone and every output is written; what is left is Python's teardown of the hundreds
of modules a check imports (Flask, jupyter_client, the demo server): about 0.15 s of CPU, a
seventh of a one-second `course check`. The exit handlers still run, and a thread still running
gets the ordinary exit, which waits for it.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading

BROKEN_PIPE_EXIT = 141  # as a shell reports a command whose reader left (128 + SIGPIPE)


def exit_now(code: int) -> None:
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()  # what atexit and weakref.finalize were asked to do at exit
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = BROKEN_PIPE_EXIT
    os._exit(code)
