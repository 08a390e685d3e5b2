"""The pins agree everywhere: pyproject.toml, requirements.lock, environment.yml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==([^\s#]+)")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = PIN.match(line)
        if match:
            pins[_normal(match.group(1))] = match.group(2)
    return pins


def test_every_direct_dependency_is_pinned_and_locked():
    lock = _lock()
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for requirement in dependencies:
        match = PIN.match(requirement)
        assert match, f"pyproject.toml: {requirement!r} is not pinned with =="
        name, version = _normal(match.group(1)), match.group(2)
        assert lock.get(name) == version, (
            f"requirements.lock has {name}=={lock.get(name)}, pyproject.toml says {version}"
        )


def test_environment_yml_uses_the_same_pins():
    lock = _lock()
    pins = [PIN.match(line) for line in (ROOT / "environment.yml").read_text().splitlines()]
    pins = [(m.group(1), m.group(2)) for m in pins if m]
    assert len(pins) >= 10
    for name, version in pins:
        assert lock.get(_normal(name)) == version, (
            f"environment.yml pins {name}=={version}, the lock has {lock.get(_normal(name))}"
        )


def test_lock_pins_everything_exactly():
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert PIN.match(line), f"requirements.lock: {line!r} is not an exact pin"
