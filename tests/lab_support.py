"""`make lab`'s JupyterLab for tests: the Makefile's own command, started on a free loopback port."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_lab_command(port: int) -> tuple[dict[str, str], list[str]]:
    """The exact command `make lab` runs, and the variables it sets (so tests test the Makefile)."""
    dry_run = subprocess.run(
        ["make", "-n", "lab", f"PORT={port}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    line = next(line for line in dry_run.stdout.splitlines() if " lab " in line and "jupyter" in line)
    words = shlex.split(line)
    variables = {}
    while "=" in words[0] and not words[0].startswith("-"):
        name, _, value = words.pop(0).partition("=")
        variables[name] = value
    assert "--ip=127.0.0.1" in words, "make lab must bind loopback only"
    words[0] = str(ROOT / words[0]) if not os.path.isabs(words[0]) else words[0]
    return variables, words


@contextmanager
def running_lab(command: list[str], env: dict[str, str], log: Path, answers: Callable[[], None]) -> Iterator[None]:
    """JupyterLab running until the block ends; ``answers()`` raises OSError until it serves."""
    with open(log, "w") as log_file:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            answers()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"JupyterLab did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
