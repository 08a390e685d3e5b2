"""`make lab`'s JupyterLab: it starts on loopback, prints and serves the first lesson, its terminals
find `course`, and it has the widgets extension."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .lab_support import free_port, make_lab_command, running_lab

ROOT = Path(__file__).resolve().parent.parent
JUPYTER = Path(sys.executable).parent / "jupyter"
TOKEN = "sessions-live-test"


@pytest.fixture(scope="module")
def lab_log(tmp_path_factory):
    return tmp_path_factory.mktemp("lab") / "jupyter.log"


@pytest.fixture(scope="module")
def lab(tmp_path_factory, lab_log):
    port = free_port()
    home = tmp_path_factory.mktemp("home")
    variables, command = make_lab_command(port)
    command += ["--ServerApp.port_retries=0", "--no-browser"]
    env = {
        **os.environ,
        **variables,
        "JUPYTER_PLATFORM_DIRS": "1",
        "HOME": str(home),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_TOKEN": TOKEN,
    }
    base = f"http://127.0.0.1:{port}"
    with running_lab(command, env, lab_log, lambda: _get(f"{base}/api/status")):
        yield base


def _get(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_api_status_answers(lab):
    assert "started" in _get(f"{lab}/api/status")


def test_no_network_features(lab):
    command = " ".join(make_lab_command(8888)[1])
    assert "--LabApp.extension_manager=readonly" in command and "--LabApp.news_url=None" in command


def test_first_lesson_is_served(lab):
    contents = _get(f"{lab}/api/contents/notebooks/00-start-here.ipynb?content=0")
    assert contents["type"] == "notebook"


def test_it_prints_the_first_lessons_url_with_its_token(lab, lab_log):
    assert f"{lab}/lab/tree/notebooks/00-start-here.ipynb?token=" in lab_log.read_text()


def test_its_terminals_find_course(lab):
    request = urllib.request.Request(
        f"{lab}/api/terminals", method="POST", data=b"{}", headers={"Authorization": f"token {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        name = json.loads(response.read())["name"]
    output = asyncio.run(_terminal_output(lab, name, "command -v course; echo done-$((6*7))", until="done-42"))
    assert str(ROOT / ".venv" / "bin" / "course") in output


async def _terminal_output(base: str, name: str, command: str, until: str) -> str:
    from tornado.websocket import websocket_connect

    url = f"{base.replace('http', 'ws', 1)}/terminals/websocket/{name}?token={TOKEN}"
    socket = await asyncio.wait_for(websocket_connect(url), timeout=10)
    await socket.write_message(json.dumps(["stdin", command + "\r"]))
    output = ""
    deadline = time.monotonic() + 20
    while until not in output and time.monotonic() < deadline:  # the typed echo says $((6*7)), not 42
        message = await asyncio.wait_for(socket.read_message(), timeout=20)
        if message is None:
            break
        kind, *content = json.loads(message)
        output += "".join(content) if kind == "stdout" else ""
    socket.close()
    return output


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
