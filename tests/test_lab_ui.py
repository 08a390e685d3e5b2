"""The course's own UI in a real browser: `make lab`'s JupyterLab, lessons 01 and 04, Run All, in Chromium.

For each lesson: every code cell runs and none shows an error, every Mermaid
diagram renders as an SVG, and the lesson's widget renders as a live widget and
answers when you type into it (the cookie builder's Set-Cookie header, the JWT
inspector's report). JupyterLab gets fresh settings (no autosave, every cell
rendered), and the test checks that the lessons on disk are left as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
import urllib.request
from pathlib import Path

import jwt
import pytest

from .browser_support import require_chromium
from .lab_support import free_port, make_lab_command, running_lab

ROOT = Path(__file__).resolve().parent.parent
TOKEN = secrets.token_hex(16)
RUN_ALL_SECONDS = 60
# JupyterLab settings for a test run: no autosave (the lessons on disk must not change), every
# cell in the page (a windowed notebook leaves cells out of view unrendered), no news.
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
LOGS: dict[str, Path] = {}  # the lab's URL -> its server log, quoted when Run All fails
CODE_PROMPTS = f"""() => [...document.querySelectorAll('{PANEL} .jp-CodeCell .jp-InputArea-prompt')]
    .map(prompt => prompt.textContent.trim())"""


def make_lab_command_opening_nothing(port: int) -> tuple[dict[str, str], list[str]]:
    """`make lab`'s command, without the lesson it opens: the test opens each one."""
    variables, words = make_lab_command(port)
    return variables, [word for word in words if not word.endswith(".ipynb")]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require_chromium()
    port = free_port()
    home = tmp_path_factory.mktemp("lab-home")
    for name, values in SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    variables, command = make_lab_command_opening_nothing(port)
    command += [f"--IdentityProvider.token={TOKEN}", "--ServerApp.port_retries=0", "--no-browser"]
    env = {
        **os.environ,
        **variables,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    base = f"http://127.0.0.1:{port}"
    LOGS[base] = home / "jupyter.log"
    with running_lab(command, env, LOGS[base], lambda: _answer(f"{base}/api/status?token={TOKEN}")):
        yield base


def _answer(url: str) -> None:
    urllib.request.urlopen(url, timeout=2).close()


@pytest.fixture(scope="module")
def browser(lab):
    from course.lessons.browser import open_browser

    return open_browser()


def run_all(lab: str, browser, notebook: str, evidence: Path):
    """Open the lesson in JupyterLab, Run > Run All Cells, and wait until the kernel is done."""
    tab = browser.new_window(viewport={"width": 1300, "height": 900})
    tab.context.set_default_timeout(30_000)
    # A workspace of its own, reset: only this lesson open (an earlier test's tabs would be restored).
    workspace = notebook.partition(".")[0]
    tab.goto(f"{lab}/lab/workspaces/{workspace}/tree/notebooks/{notebook}?reset&token={TOKEN}")
    panel = PANEL
    tab.wait_for_selector(f"{panel} .jp-Cell")
    idle = f"{panel} .jp-Notebook-ExecutionIndicator[data-status=idle]"
    tab.wait_for_selector(idle, timeout=60_000)
    wait_for_an_idle_kernel(lab, notebook)  # the page's indicator can say idle before the kernel has answered
    tab.locator(f"{panel} .jp-Cell").first.click()
    tab.locator(".lm-MenuBar-item", has_text="Run").first.click()
    tab.locator('.lm-Menu-item[data-command="runmenu:run-all"]:not(.lm-mod-disabled)').click()
    deadline = time.monotonic() + RUN_ALL_SECONDS
    while True:
        prompts = tab.evaluate(CODE_PROMPTS)
        if any(re.fullmatch(r"\[\d+\]:", p) for p in prompts) and not any("*" in p for p in prompts):
            if tab.locator(idle).count():
                break
        if time.monotonic() > deadline:
            tab.screenshot(path=str(evidence), full_page=True)
            log = LOGS[lab].read_text(errors="replace")[-3000:] if lab in LOGS else ""
            pytest.fail(
                f"{notebook}: Run All did not finish in {RUN_ALL_SECONDS} s (prompts: {prompts}); see {evidence}; "
                f"JupyterLab's log ends:\n{log}"
            )
        time.sleep(0.25)
    return tab, prompts


def call(lab: str, method: str, path: str):
    """A call to JupyterLab's REST API, its JSON answer."""
    request = urllib.request.Request(f"{lab}{path}", method=method, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def wait_for_an_idle_kernel(lab: str, notebook: str, seconds: float = 60) -> None:
    """Until the server says the notebook's kernel has started and is idle."""
    deadline = time.monotonic() + seconds
    while True:
        states = [s["kernel"]["execution_state"] for s in call(lab, "GET", "/api/sessions")
                  if s.get("path", "").endswith(notebook) and s.get("kernel")]  # fmt: skip
        if "idle" in states:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{notebook}: its kernel was not idle within {seconds:g} s (states: {states})")
        time.sleep(0.2)


def shut_down_kernels(lab: str) -> None:
    """End the lesson's kernel (and its demo server) before the next lesson starts."""
    for session in call(lab, "GET", "/api/sessions"):
        call(lab, "DELETE", f"/api/sessions/{session['id']}")


def mermaid_blocks(notebook: str) -> int:
    cells = json.loads((ROOT / "notebooks" / notebook).read_text())["cells"]
    return sum("".join(cell["source"]).count("```mermaid") for cell in cells if cell["cell_type"] == "markdown")


def type_into_the_cookie_builder(tab) -> None:
    """The builder's Name box: a new name must show up in its Set-Cookie header."""
    builder = tab.locator(".widget-vbox", has=tab.locator(".widget-html", has_text="Set-Cookie:")).last
    assert builder.count(), "the cookie builder did not render as a live widget (no Set-Cookie report)"
    name = f"ui{secrets.token_hex(3)}"
    builder.locator(".widget-text input").first.fill(name)
    builder.locator(".widget-html", has_text=f"Set-Cookie: {name}=").wait_for(timeout=10_000)


def paste_into_the_jwt_inspector(tab) -> None:
    """The inspector's token box: a pasted token's subject must show up in its report."""
    inspector = tab.locator(".widget-vbox", has=tab.locator(".widget-textarea textarea")).last
    assert inspector.count(), "the JWT inspector did not render as a live widget (no token box)"
    subject = f"ui-{secrets.token_hex(3)}"
    token = jwt.encode({"sub": subject}, "a key of at least thirty-two bytes!", algorithm="HS256")
    inspector.locator(".widget-textarea textarea").first.fill(token)
    inspector.locator(".widget-html", has_text=subject).wait_for(timeout=10_000)


@pytest.mark.parametrize(
    ("notebook", "try_the_widget"),
    [("01-cookies.ipynb", type_into_the_cookie_builder), ("04-jwt.ipynb", paste_into_the_jwt_inspector)],
    ids=["01", "04"],
)
def test_the_lesson_runs_in_jupyterlab(lab, browser, notebook, try_the_widget, tmp_path):
    on_disk = hashlib.sha256((ROOT / "notebooks" / notebook).read_bytes()).hexdigest()
    evidence = tmp_path / f"{notebook}.png"
    tab, prompts = run_all(lab, browser, notebook, evidence)
    try:
        errors = tab.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        assert errors.count() == 0, f"a cell shows an error: {errors.first.inner_text()[:500]}"
        unnumbered = [p for p in prompts if not re.fullmatch(r"\[\d+\]:", p)]
        assert not unnumbered, f"Run All stopped early: {len(unnumbered)} of {len(prompts)} code cells did not run"
        diagrams = tab.locator('.jp-RenderedMermaid img[src^="data:image/svg+xml"]')
        assert diagrams.count() == mermaid_blocks(notebook), "every Mermaid diagram renders as an SVG"
        assert tab.locator(".jupyter-widgets.widget-vbox").count(), "no live widget rendered"
        try_the_widget(tab)
    except Exception:
        tab.screenshot(path=str(evidence), full_page=False)
        raise
    finally:
        tab.context.close()
        shut_down_kernels(lab)
    assert hashlib.sha256((ROOT / "notebooks" / notebook).read_bytes()).hexdigest() == on_disk, "the lesson was saved"
