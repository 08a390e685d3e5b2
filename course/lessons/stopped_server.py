"""One clear line, not a traceback, when a notebook cell talks to a demo server that was stopped.

    explain_when_stopped(server)   # in a lesson's Setup cell

After Teardown (``server.stop()``), a cell that sends a request fails with a
``ConnectionError`` and a screen of urllib3 internals. Inside IPython this
replaces that screen with what happened and what to do; any other error, or a
connection error while the server is running, shows its traceback as usual.
"""

from __future__ import annotations

import sys
from typing import Any

import requests

MESSAGE = "The demo server is stopped (the Teardown cell ran). Run the Setup cell again, then this cell."


def explain_when_stopped(server: Any) -> bool:
    """Install the explanation in the running IPython shell; False when not in IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False

    def explain(shell, error_type, error, traceback, tb_offset=None):
        if server.running:
            shell.showtraceback((error_type, error, traceback), tb_offset=tb_offset)
            return None
        print(MESSAGE, file=sys.stderr)
        return None

    shell.set_custom_exc((requests.exceptions.ConnectionError,), explain)
    return True
