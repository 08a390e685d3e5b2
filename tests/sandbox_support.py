"""What grading tests need from the machine: bubblewrap, and ways to look at what a run left behind."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from course.grading import sandbox


def require_bubblewrap() -> None:
    """Skip (fail under CI) where the grading sandbox cannot run."""
    why = sandbox.bubblewrap_unusable()
    if why is None:
        return
    message = f"needs the grading sandbox, bubblewrap (apt-get install bubblewrap): {why}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def processes_with(marker: bytes) -> list[int]:
    """Live processes whose command line or environment holds ``marker``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                text = cmdline.read()
            try:
                with open(f"/proc/{entry}/environ", "rb") as environ:
                    text += environ.read()
            except OSError:
                pass
        except (OSError, IndexError):
            continue
        if marker in text:
            found.append(int(entry))
    return found


SKIPPED_FOLDERS = {".git", ".venv", ".pytest_cache", ".ruff_cache", "node_modules"}


def tree_snapshot(root: Path, *, contents: bool) -> dict[str, tuple]:
    """Every file under ``root``: its size, times, inode and mode (and its SHA-256 with ``contents``).

    Any write changes the ctime, which nobody can set back: equal snapshots mean unchanged files.
    New compiled bytecode (``__pycache__``) that the grader's own imports write is left out.
    """
    snapshot = {}
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if name not in SKIPPED_FOLDERS or Path(folder) != root]
        for name in files:
            path = Path(folder) / name
            try:
                info = path.lstat()
            except OSError:
                continue
            entry = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_mode)
            if contents and path.is_file() and not path.is_symlink():
                entry += (hashlib.sha256(path.read_bytes()).hexdigest(),)
            snapshot[str(path.relative_to(root))] = entry
    return snapshot


def changes(before: dict[str, tuple], after: dict[str, tuple]) -> list[str]:
    changed = [path for path in before if after.get(path) != before[path]]
    added = [path for path in after.keys() - before.keys() if "__pycache__" not in path.split(os.sep)]
    return sorted(changed + added)


def venv_root() -> Path:
    return Path(sys.prefix)
