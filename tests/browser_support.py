"""Tests that need Chromium: found, or a clear skip (a clear failure under CI, which installs it).

``.ci/run`` installs Debian's ``chromium`` package, so with ``CI=true`` a missing
browser is a failed test; elsewhere the test is skipped with one line naming the package.
"""

from __future__ import annotations

import functools
import os

import pytest

from course.layout import uses_the_browser  # noqa: F401 (conftest and tests import it from here)

MISSING = "needs Chromium: install the `chromium` package (or run `make browser`)"


@functools.cache
def chromium_found() -> bool:
    from course.lessons.browser.session import find_chromium

    return bool(find_chromium())


def require_chromium() -> None:
    if chromium_found():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but no Chromium was found: {MISSING}", pytrace=False)
    pytest.skip(MISSING)
