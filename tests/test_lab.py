"""`make lab`'s JupyterLab: it starts on loopback, serves the first lesson, and has the widgets extension."""

from __future__ import annotations

import json
import os
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
    command = [
        str(JUPYTER), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={TOKEN}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={ROOT}", "notebooks/00-start-here.ipynb",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
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


def _get(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_api_status_answers(lab):
    assert "started" in _get(f"{lab}/api/status")


def test_first_lesson_is_served(lab):
    contents = _get(f"{lab}/api/contents/notebooks/00-start-here.ipynb?content=0")
    assert contents["type"] == "notebook"


def test_python3_kernel_is_this_environment(lab):
    specs = _get(f"{lab}/api/kernelspecs")
    assert "python3" in specs["kernelspecs"]


def test_widgets_extension_is_installed():
    result = subprocess.run([str(JUPYTER), "labextension", "list"], capture_output=True, text=True,
                            env={**os.environ, "JUPYTER_PLATFORM_DIRS": "1"})
    assert "@jupyter-widgets/jupyterlab-manager" in result.stdout + result.stderr
