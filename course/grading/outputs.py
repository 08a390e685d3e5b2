"""Writing the grader's outputs: atomically, by the grader only, and never through a link.

Each file is written to a new temporary file in its folder and renamed over the
old one, so a reader sees the old file or the new, never half of one, and a link
planted where an output goes is replaced, not followed. Names that come from
learners (folder names, file names, messages) are made safe for each format:
CSV cells that a spreadsheet would run as a formula, Markdown's table and
emphasis characters, and control characters that would break a line or a terminal.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import unicodedata
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


class LinkRefused(OSError):
    """An output would have been written through a link (or into a folder that is one)."""


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as one rename; ``path`` may be an old file or a link, never a folder."""
    folder = path.parent if str(path.parent) else Path(".")
    directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        _write_in(directory, path.name, text)
    finally:
        os.close(directory)


def write_in_learner_folder(folder: Path, name: str, text: str) -> None:
    """Write a file into a learner's folder, refusing a folder that is a link."""
    try:
        directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        raise LinkRefused(f"{folder} is not a folder (a link?): {error.strerror}") from None
    try:
        _write_in(directory, name, text)
    finally:
        os.close(directory)


def read_in_learner_folder(folder: Path, name: str) -> tuple[str, str | None]:
    """("file", its text) / ("link", None) / ("other", None) / ("none", None), never following a link."""
    try:
        directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return "other", None
    try:
        try:
            info = os.stat(name, dir_fd=directory, follow_symlinks=False)
        except FileNotFoundError:
            return "none", None
        if stat.S_ISLNK(info.st_mode):
            return "link", None
        if not stat.S_ISREG(info.st_mode):
            return "other", None
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=directory)
        with os.fdopen(fd, "rb") as file:
            return "file", file.read(1 << 20).decode("utf-8", "replace")
    finally:
        os.close(directory)


def _write_in(directory: int, name: str, text: str) -> None:
    try:
        if stat.S_ISDIR(os.stat(name, dir_fd=directory, follow_symlinks=False).st_mode):
            raise IsADirectoryError(f"{name} is a folder")
    except FileNotFoundError:
        pass
    temporary = f".{name}.{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(temporary, flags, 0o644, dir_fd=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, name, src_dir_fd=directory, dst_dir_fd=directory)
    except BaseException:
        try:
            os.unlink(temporary, dir_fd=directory)
        except OSError:
            pass
        raise


def printable(text: str) -> str:
    """``text`` with control and format characters (newlines, escape codes, bidi overrides) escaped."""
    out = []
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def csv_cell(text: str) -> str:
    """A learner's name as a CSV cell a spreadsheet shows, never runs (OWASP: CSV injection)."""
    text = printable(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def markdown_text(text: str) -> str:
    """Text that stays text inside a Markdown table row or a list item."""
    text = printable(text).replace("&", "&amp;")
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)
