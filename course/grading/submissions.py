"""Finding and reading what learners handed in: SUBMISSIONS/<learner>/<NN-topic>-exercises.ipynb
(or the older name, <NN-topic>.ipynb).

Everything is read once, before any learner code runs: a learner's code can
then change no one's notebook before it is graded. Links are never followed (a
notebook that is a link to the solutions is not a notebook), nor are files that
are not regular files; names are taken as they are (spaces, any script).
"""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from course.grading.learner_notebook import MAX_NOTEBOOK_BYTES
from course.grading.report import NotebookStatus
from course.layout import exercise_name


@dataclass
class HandedIn:
    """One learner's notebook for one lesson: its text, or why there is none to grade."""

    name: str  # the file's name in the learner's folder (or the lesson's, if missing)
    text: str | None = None
    status: NotebookStatus = NotebookStatus.CHECKED
    message: str = ""


@dataclass
class Learner:
    name: str  # the folder's name
    folder: Path
    is_link: bool = False
    notebooks: dict[str, HandedIn] = field(default_factory=dict)  # lesson notebook name -> what was handed in


def learner_folders(submissions: Path) -> list[Learner]:
    """Every learner folder (sorted), links included so that they can be reported, not followed."""
    learners = []
    with os.scandir(submissions) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                learners.append(Learner(entry.name, Path(entry.path), is_link=True))
            elif entry.is_dir(follow_symlinks=False):
                learners.append(Learner(entry.name, Path(entry.path)))
    return sorted(learners, key=lambda learner: learner.name)


def collect(learner: Learner, lesson_names: list[str]) -> None:
    """Read the learner's notebook for each lesson (by its name, e.g. 00-start-here.ipynb)."""
    if learner.is_link:
        for name in lesson_names:
            learner.notebooks[name] = HandedIn(
                name, status=NotebookStatus.UNREADABLE, message="the learner's folder is a link, not a folder"
            )
        return
    try:
        files = [entry.name for entry in os.scandir(learner.folder) if entry.name.endswith(".ipynb")]
    except OSError as error:
        files = []
        problem = f"the learner's folder cannot be read ({error.strerror})"
        for name in lesson_names:
            learner.notebooks[name] = HandedIn(name, status=NotebookStatus.UNREADABLE, message=problem)
        return
    for name in lesson_names:
        learner.notebooks[name] = _read(learner.folder, name, files)


def handed_in_names(learners: list[Learner]) -> set[str]:
    """The lesson notebook names somebody handed something in for (their NN- prefix)."""
    prefixes = set()
    for learner in learners:
        if learner.is_link:
            continue
        try:
            prefixes |= {entry.name[:2] for entry in os.scandir(learner.folder) if entry.name.endswith(".ipynb")}
        except OSError:
            continue
    return prefixes


def _read(folder: Path, lesson_name: str, files: list[str]) -> HandedIn:
    found = _match(lesson_name, files)
    wanted = exercise_name(lesson_name)
    if found is None:
        return HandedIn(wanted, status=NotebookStatus.MISSING, message=f"no notebook {wanted} was handed in")
    if isinstance(found, list):
        message = f"several notebooks could be {wanted}: {', '.join(sorted(found))}; keep only one"
        return HandedIn(wanted, status=NotebookStatus.UNREADABLE, message=message)
    try:
        fd = os.open(folder / found, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        why = "is a link, not a notebook (hand in the file itself)" if _is_link(folder / found) else error.strerror
        return HandedIn(found, status=NotebookStatus.UNREADABLE, message=f"{found} {why}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return HandedIn(found, status=NotebookStatus.UNREADABLE, message=f"{found} is not a regular file")
        if info.st_size > MAX_NOTEBOOK_BYTES:
            message = f"{found} is larger than {MAX_NOTEBOOK_BYTES >> 20} MB"
            return HandedIn(found, status=NotebookStatus.UNREADABLE, message=message)
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(MAX_NOTEBOOK_BYTES + 1)
    finally:
        os.close(fd)
    try:
        return HandedIn(found, data.decode("utf-8"))
    except UnicodeDecodeError:
        return HandedIn(found, status=NotebookStatus.UNREADABLE, message=f"{found} is not UTF-8 text")


def _match(lesson_name: str, files: list[str]) -> str | list[str] | None:
    """The file that is this lesson's notebook: the hand-out's name, else the lesson's own
    (the older name); either in another Unicode form; or the only notebook whose name starts
    with the lesson's number."""
    for name in (exercise_name(lesson_name), lesson_name):
        if name in files:
            return name
        wanted = unicodedata.normalize("NFC", name).casefold()
        same = [file for file in files if unicodedata.normalize("NFC", file).casefold() == wanted]
        if len(same) == 1:
            return same[0]
    number = lesson_name[:2]
    candidates = [name for name in files if name[:2] == number and not name[2:3].isdigit()]
    if len(candidates) == 1:
        return candidates[0]
    return candidates or None


def _is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False
