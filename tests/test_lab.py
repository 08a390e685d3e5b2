"""`make lab`'s JupyterLab: it starts on loopback, serves the first lesson, and has the widgets extension."""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JUPYTER = Path(sys.executable).parent / "jupyter"
TOKEN = "sessions-live-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port = _free_port()
    home = tmp_path_factory.mktemp("home")
    command = _make_lab_command(port) + [
        f"--IdentityProvider.token={TOKEN}",
        "--ServerApp.port_retries=0",
        "--no-browser",
    ]
    env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1", "HOME": str(home), "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            _get(f"{base}/api/status")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"JupyterLab did not start: {process.stderr.read()[-2000:]}")
            time.sleep(0.3)
    yield base
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    process.stderr.close()


def _make_lab_command(port: int) -> list[str]:
    """The exact command `make lab` runs (so this tests the Makefile, not a copy of it)."""
    dry_run = subprocess.run(
        ["make", "-n", "lab", f"PORT={port}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    line = next(line for line in dry_run.stdout.splitlines() if " lab " in line and "jupyter" in line)
    command = shlex.split(line)
    assert "--ip=127.0.0.1" in command, "make lab must bind loopback only"
    command[0] = str(ROOT / command[0]) if not os.path.isabs(command[0]) else command[0]
    return command


def _get(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_api_status_answers(lab):
    assert "started" in _get(f"{lab}/api/status")


def test_no_network_features(lab):
    command = " ".join(_make_lab_command(8888))
    assert "--LabApp.extension_manager=readonly" in command and "--LabApp.news_url=None" in command


def test_first_lesson_is_served(lab):
    contents = _get(f"{lab}/api/contents/notebooks/00-start-here.ipynb?content=0")
    assert contents["type"] == "notebook"


def test_python3_kernel_is_this_environment(lab):
    specs = _get(f"{lab}/api/kernelspecs")
    assert "python3" in specs["kernelspecs"]


def test_widgets_extension_is_installed():
    result = subprocess.run(
        [str(JUPYTER), "labextension", "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "JUPYTER_PLATFORM_DIRS": "1"},
    )
    assert "@jupyter-widgets/jupyterlab-manager" in result.stdout + result.stderr


def test_no_news_pop_up():
    page_config = Path(sys.prefix) / "etc" / "jupyter" / "labconfig" / "page_config.json"
    disabled = json.loads(page_config.read_text()).get("disabledExtensions", {})
    assert disabled.get("@jupyterlab/apputils-extension:announcements") is True
