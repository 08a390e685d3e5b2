"""Notebooks that drive Chromium (lesson 06) skip without one, as the browser tests do.

nbval collects every notebook under notebooks/ and solutions/; a notebook that
uses ``course.lessons.browser`` needs a Chromium on this machine. Without one it
is skipped with one line naming the package, except under CI (``CI=true``),
where it runs and fails: CI installs Chromium.
"""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config, items):
    notebooks = {item.path for item in items if item.path.suffix == ".ipynb"}
    if not notebooks or os.environ.get("CI") == "true":
        return
    from tests.browser_support import MISSING, chromium_found, uses_the_browser

    needing = {path for path in notebooks if uses_the_browser(path)}
    if needing and not chromium_found():
        for item in items:
            if item.path in needing:
                item.add_marker(pytest.mark.skip(reason=MISSING))
