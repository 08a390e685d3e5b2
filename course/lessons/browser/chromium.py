"""Which Chromium to drive, and the switches that keep it on loopback.

Lesson 06 needs a real browser. ``candidates()`` lists, in order, where one may
be: the executable named by ``SESSIONS_LIVE_CHROMIUM``, Playwright's own
download (``make browser``), and the system's Chromium or Chrome. Nothing is
downloaded at run time: if none is there, the lesson says how to get one.

``launch_args()`` are the switches every launch uses. Chromium talks to Google
services on its own (component updates, autofill hints, field trials); these
switches stop that, so the browser only ever visits what the lesson opens.
"""

from __future__ import annotations

import os
import platform
import shutil
from dataclasses import dataclass

EXECUTABLE_ENV = "SESSIONS_LIVE_CHROMIUM"
INSTALL_HINT = (
    "No Chromium found: run `make browser` in a terminal (downloads Playwright's Chromium once), "
    "or install your system's `chromium` package, then run this cell again."
)

# Names on PATH, most specific first (Debian/Ubuntu, Fedora/Arch, Google's packages).
COMMANDS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
# Where Chrome and Chromium live when they are not on PATH.
APPLICATION_PATHS = {
    "Darwin": (
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
    ),
    "Windows": (
        r"C:\Program Files\Google\Chrome\Application\chrome.exe",
        r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    ),
}

# Playwright 1.65 passes one --disable-features and one --enable-features switch itself.
# Chromium keeps only the LAST switch of each name (measured: repeated switches are not
# merged), so ours must repeat Playwright's lists and add to them, never replace them.
# tests/test_browser_harness.py checks these against the Playwright driver we pin.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
PLAYWRIGHT_ENABLED_FEATURES = ("CDPScreenshotNewSurface", "SkipListAccountsWithoutGaiaCookies")
# Autofill asks a Google server about every form it sees; the lesson fills in forms.
COURSE_DISABLED_FEATURES = ("AutofillServerCommunication",)

QUIET_SWITCHES = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--disable-client-side-phishing-detection",
    "--metrics-recording-only",
    "--no-pings",
    "--no-first-run",
    "--no-default-browser-check",
    # Components fetched on demand would come from Google; point the updater at a closed loopback port.
    "--component-updater=url-source=http://127.0.0.1:9/",
)

# Chromium's own short version of its 2-minute "Lax allowing unsafe" window (about 10 s),
# so lesson 06 can show the window close while you watch. See samesite_window() in session.py.
SHORT_LAX_WINDOW_FEATURE = "ShortLaxAllowUnsafeThreshold"


@dataclass(frozen=True)
class Candidate:
    """A Chromium to try: ``executable`` None means Playwright's own download."""

    executable: str | None
    source: str  # where it was found, for the one line the lesson prints


def launch_args(enable: tuple[str, ...] = (), disable: tuple[str, ...] = ()) -> list[str]:
    """Every switch a launch passes: quiet networking, and the feature lists merged with Playwright's."""
    disabled = (*PLAYWRIGHT_DISABLED_FEATURES, *COURSE_DISABLED_FEATURES, *disable)
    enabled = (*PLAYWRIGHT_ENABLED_FEATURES, *enable)
    return [
        *QUIET_SWITCHES,
        "--disable-features=" + ",".join(disabled),
        "--enable-features=" + ",".join(enabled),
    ]


def candidates(playwright_executable: str | None) -> list[Candidate]:
    """Where a Chromium is, in the order to try them (``playwright_executable``: Playwright's own path)."""
    chosen = os.environ.get(EXECUTABLE_ENV, "").strip()
    if chosen:
        # An explicit choice is the only one: a typo should not silently pick another browser.
        return [Candidate(chosen, f"${EXECUTABLE_ENV}")] if os.path.isfile(chosen) else []
    found = []
    if playwright_executable and os.path.isfile(playwright_executable):
        found.append(Candidate(None, "Playwright's own Chromium"))
    return found + system_candidates()


def system_candidates() -> list[Candidate]:
    """The machine's own Chrome or Chromium (on PATH, or where applications live): what a
    grading sandbox can use, since it sees neither your home folder nor your environment."""
    found = []
    for command in COMMANDS:
        path = shutil.which(command)
        if path:
            found.append(Candidate(path, f"the system's {command}"))
    for path in APPLICATION_PATHS.get(platform.system(), ()):
        if os.path.isfile(path):
            found.append(Candidate(path, os.path.basename(path)))
    return found


def can_sandbox() -> bool:
    """Chromium's sandbox refuses to start as root (containers, CI); everyone else gets it."""
    return not (hasattr(os, "geteuid") and os.geteuid() == 0)
