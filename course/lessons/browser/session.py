"""The headless Chromium lesson 06 drives: ``open_browser()``, then ``browser.new_window()``.

``open_browser()`` finds a Chromium (``chromium.candidates()``), launches it
headless with the quiet switches, and returns a ``Browser``; calling it again
returns the same one, so re-running a Setup cell is harmless. Each
``new_window()`` is a fresh private window: its own cookie jar and storage.
Without any Chromium it raises ``BrowserMissing``, which a notebook shows as
one line saying how to get one.

Variants, each a browser of its own with one setting changed:
``open_browser(third_party_cookies=True)`` (the profile setting "allow
third-party cookies"), ``open_browser(short_lax_window=True)`` (Chromium's
10-second test length of its 2-minute Lax window).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Any

from course.lessons.browser import chromium
from course.lessons.browser.thread import BrowserClosed, PlaywrightThread, Remote
from demo_server.one_line_error import OneLineError

WINDOW_SIZE = {"width": 720, "height": 180}  # screenshots grow to the page's height (full_page)
ACTION_TIMEOUT_MS = 10_000  # a lesson step that waits longer than this is broken, not slow
# Only loopback: bank.test is a name for 127.0.0.1 that is NOT localhost (Step 6), like a hosts-file line.
HOST_RULES = "--host-resolver-rules=MAP bank.test 127.0.0.1"


class BrowserMissing(OneLineError, RuntimeError):
    """No Chromium on this machine (nothing is downloaded at run time)."""


@dataclass
class Browser:
    """A running headless Chromium: ``new_window()``, ``close()``; ``version``, ``source``, ``sandboxed``."""

    options: tuple[tuple[str, bool], ...]
    version: str
    source: str
    sandboxed: bool
    _browser: Remote = field(repr=False)
    _profile: Remote | None = field(default=None, repr=False)  # a persistent profile, when one was needed
    _profile_dir: str | None = field(default=None, repr=False)
    closed: bool = False

    def new_window(self, **context_options: Any) -> Remote:
        """A new private window (its own cookies and storage) with one tab; returns the tab (a Page)."""
        if self.closed:
            raise BrowserClosed("this browser was closed (Teardown): run the Setup cell to open a new one")
        options = {"viewport": dict(WINDOW_SIZE), "locale": "en-US", "timezone_id": "UTC", **context_options}
        context = self._browser.new_context(**options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        return context.new_page()

    def close(self) -> None:
        """Close the browser and every window of it (safe to call twice)."""
        with _lock:
            if _browsers.get(self.options) is self:
                del _browsers[self.options]
        if self.closed:
            return
        self.closed = True
        try:
            (self._profile or self._browser).close()
        except Exception:  # already gone with its driver; nothing left to close
            pass
        if self._profile_dir:
            shutil.rmtree(self._profile_dir, ignore_errors=True)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "running"
        sandbox = "sandboxed" if self.sandboxed else "no sandbox (Chromium's sandbox needs a user other than root)"
        return f"<Browser Chromium {self.version} from {self.source}, headless, {sandbox} ({state})>"


_lock = threading.RLock()
_thread: PlaywrightThread | None = None
_browsers: dict[tuple[tuple[str, bool], ...], Browser] = {}


def open_browser(*, third_party_cookies: bool = False, short_lax_window: bool = False) -> Browser:
    """The running browser with these settings, or a newly launched one; BrowserMissing if none is installed."""
    options = (("third_party_cookies", third_party_cookies), ("short_lax_window", short_lax_window))
    with _lock:
        running = _browsers.get(options)
        if running is not None and not running.closed and _thread is not None and _thread.alive:
            return running
        browser = _launch(_playwright_thread(), options, third_party_cookies, short_lax_window)
        _browsers[options] = browser
        return browser


def close_all() -> None:
    """Close every browser this kernel opened (the Teardown cell)."""
    with _lock:
        for browser in list(_browsers.values()):
            browser.close()


def find_chromium() -> list[chromium.Candidate]:
    """Every Chromium this machine has, in the order open_browser() tries them."""
    return chromium.candidates(_playwright_thread().playwright.chromium.executable_path)


def _playwright_thread() -> PlaywrightThread:
    global _thread
    with _lock:
        if _thread is None or not _thread.alive:
            _thread = PlaywrightThread()
        return _thread


def _launch(thread: PlaywrightThread, options, third_party_cookies: bool, short_lax_window: bool) -> Browser:
    found = chromium.candidates(thread.playwright.chromium.executable_path)
    if not found:
        chosen = os.environ.get(chromium.EXECUTABLE_ENV, "").strip()
        if chosen:
            raise BrowserMissing(f"${chromium.EXECUTABLE_ENV} names {chosen}, which is not a file")
        raise BrowserMissing(chromium.INSTALL_HINT)
    enable = (chromium.SHORT_LAX_WINDOW_FEATURE,) if short_lax_window else ()
    args = [*chromium.launch_args(enable=enable), HOST_RULES]
    problems = []
    for candidate in found:
        for sandbox in (True, False) if chromium.can_sandbox() else (False,):
            try:
                return _launch_one(thread, candidate, args, sandbox, options, third_party_cookies)
            except Exception as error:  # a broken install: try the next one, report all if none starts
                problems.append(f"{candidate.source}: {str(error).splitlines()[0][:200]}")
    raise BrowserMissing("no Chromium would start: " + "; ".join(problems))


def _launch_one(thread, candidate, args, sandbox, options, third_party_cookies) -> Browser:
    chromium_type = thread.playwright.chromium
    launch = {"headless": True, "args": args, "chromium_sandbox": sandbox}
    if candidate.executable:
        launch["executable_path"] = candidate.executable
    if not third_party_cookies:
        browser = chromium_type.launch(**launch)
        return Browser(options, browser.version, candidate.source, sandbox, browser)
    # The "allow third-party cookies" setting is a profile preference; only a persistent profile has one.
    # Windows opened from its browser (new_context) follow it and still get their own cookie jars.
    profile_dir = tempfile.mkdtemp(prefix="sessions-live-profile-")
    os.makedirs(os.path.join(profile_dir, "Default"))
    with open(os.path.join(profile_dir, "Default", "Preferences"), "w") as preferences:
        json.dump({"profile": {"cookie_controls_mode": 0}}, preferences)
    try:
        profile = chromium_type.launch_persistent_context(profile_dir, **launch)
    except Exception:
        shutil.rmtree(profile_dir, ignore_errors=True)
        raise
    browser = profile.browser
    return Browser(options, browser.version, candidate.source, sandbox, browser, profile, profile_dir)


@atexit.register
def _stop_at_exit() -> None:
    close_all()
    if _thread is not None:
        _thread.stop()
