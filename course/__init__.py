"""Sessions, Live: tooling for learners and instructors.

In a notebook::

    from course import new_client, show, check

``show(response)`` displays an HTTP exchange, ``new_client()`` is a requests
session with stable headers, ``check("00.1")`` checks an exercise. On the
command line: ``course check`` and ``course grade`` (see ``course --help``).
"""

from course import _fast_imports  # noqa: F401  (first: speeds up every later import)
from course.checks import check
from course.lessons.client import new_client
from course.lessons.display import show

__all__ = ["check", "new_client", "show"]
