"""Sessions, Live: tooling for learners and instructors.

In a notebook::

    from course import new_client, show, check

``show(response)`` displays an HTTP exchange, ``new_client()`` is a requests
session with stable headers, ``check("00.1")`` checks an exercise. On the
command line: ``course check`` and ``course grade`` (see ``course --help``).
"""

import importlib

from course import _fast_imports  # noqa: F401  (first: speeds up every later import)

__all__ = ["check", "new_client", "show"]
_HOMES = {"check": "course.checks", "new_client": "course.lessons.client", "show": "course.lessons.display"}


def __getattr__(name: str):
    # Imported when a notebook asks for them, so the command line does not pay for requests and IPython.
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'course' has no attribute {name!r}")
