"""`course check`: run a learner's exercise notebook headless and say how it went."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from course.grading.report import NotebookStatus
from course.layout import EXERCISES_DIR, SOLUTIONS_DIR, lesson_number, template_for
from course.outcome import Outcome
from course.terminal import Terminal, bar

if TYPE_CHECKING:
    from course.grading.check_session import CheckSession

DEFAULT_CELL_TIMEOUT = 10.0
# `make check` sets this, so the advice printed names the command the learner typed.
COMMAND_ENV = "COURSE_CHECK_COMMAND"


def check_command(hint: int = 0, notebook: Path | None = None) -> str:
    """The command that runs this check again, spelled so it works where the learner is
    (``notebook``: the one the learner named, to name it again)."""
    typed = os.environ.get(COMMAND_ENV, "").strip()
    named = f" {shlex.quote(_shown(notebook))}" if notebook is not None else ""
    if typed == "make check":
        return "make check" + (f" NOTEBOOK={named.strip()}" if named else "") + (f" HINT={hint}" if hint else "")
    script = Path(sys.prefix) / "bin" / "course"
    on_path = shutil.which("course")
    if typed:
        command = typed
    elif on_path and Path(on_path).resolve() == script.resolve():
        command = "course check"
    else:
        command = f"{_shown(script)} check"
    return command + named + (f" --hint {hint}" if hint else "")


def open_session(lessons: list[str], notebooks: int) -> CheckSession:
    """A check session whose first kernel is launched before jupyter_client is imported: the
    kernel boots (most of a second) while this process loads jupyter_client (about 0.15 s)."""
    from course.grading.kernel_sandboxes import launch_now
    from course.grading.sandbox import choose

    choice = choose("auto")
    launched = launch_now(choice.mode, tuple(lessons))
    try:
        from course.grading.check_session import CheckSession
    except BaseException:
        launched.discard()
        raise
    return CheckSession(lessons, notebooks, choice, launched)  # which owns the kernel from here


def report_notebook(
    notebook: Path,
    *,
    cell_timeout: float,
    hints: int,
    terminal: Terminal,
    solutions_dir: Path = SOLUTIONS_DIR,
    session: CheckSession | None = None,
    named: bool = False,
) -> tuple[int, int]:
    """Check one notebook and print its report; returns (passed, total). ``hints``: the hint step to
    show; ``named``: the learner named this notebook, so the advice names it too."""
    again = notebook if named else None
    own_session = session is None
    if own_session:
        session = open_session([lesson_number(notebook.name) or ""], notebooks=1)
    try:
        solution = template_for(notebook, solutions_dir)
        terminal.progress(f"Checking {notebook.name} ...")
        report = session.check(
            solution,
            notebook,
            cell_timeout=cell_timeout,
            on_progress=lambda done, total: terminal.progress(f"Checking {notebook.name} {bar(done, total)}"),
        )
    finally:
        if own_session:
            session.close()
    terminal.clear_progress()
    terminal.say(terminal.paint(f"{_shown(notebook)}", "bold"))
    if report.status is not NotebookStatus.CHECKED:
        terminal.say(f"  {Outcome.ERROR.mark} {report.message}")
    exercises = report.exercises
    for outcome in exercises:
        status = outcome.status
        line = f"  {status.mark} {outcome.id} {outcome.title}"
        if status is Outcome.PASS:
            terminal.say(terminal.paint(line, "green"))
            continue
        terminal.say(terminal.paint(f"{line}: {status.label}", "yellow" if status is Outcome.TODO else "red"))
        if outcome.message:
            terminal.say(f"       {outcome.message}")
        if hints:
            for line in _hint_lines(outcome.id, hints, again):
                terminal.say(terminal.paint(f"       {line}", "dim"))
    passed = sum(1 for outcome in exercises if outcome.passed)
    unfinished = [outcome for outcome in exercises if not outcome.passed]
    if unfinished:
        first = unfinished[0]
        terminal.say(f"  {passed}/{len(exercises)} exercises pass.")
        terminal.say(
            f"  Next: in {_shown(notebook)}, work on {first.id} ({first.title}), "
            f"then run `{check_command(notebook=again)}` again."
            + ("" if hints else f" Stuck? `{check_command(hint=1, notebook=again)}`.")
        )
    elif exercises:
        terminal.say(terminal.paint(f"  {passed}/{len(exercises)} exercises pass. Well done!", "green"))
    return passed, len(exercises)


def run_check(
    notebooks: list[Path],
    *,
    cell_timeout: float = DEFAULT_CELL_TIMEOUT,
    hints: int = 0,
    terminal: Terminal | None = None,
) -> int:
    """The whole `course check` command; returns the exit code (0: all pass)."""
    terminal = terminal or Terminal()
    explicit = bool(notebooks)
    if not explicit:
        notebooks = sorted(EXERCISES_DIR.glob("[0-9][0-9]-*.ipynb"))
        if not notebooks:
            terminal.say(f"No exercise notebooks in {EXERCISES_DIR}. Run `make exercises` first.")
            return 2
    for notebook in notebooks:
        if not notebook.is_file():
            terminal.say(f"No such notebook: {notebook}")
            return 2
    # The first kernel boots while the notebooks are looked over.
    session = open_session([lesson_number(n.name) or "" for n in notebooks], notebooks=len(notebooks))
    try:
        for notebook in notebooks:
            try:
                template_for(notebook)
            except LookupError as error:
                terminal.say(str(error))
                return 2
        all_passed = True
        for notebook in notebooks:
            passed, total = report_notebook(
                notebook, cell_timeout=cell_timeout, hints=hints, terminal=terminal, session=session, named=explicit
            )
            terminal.say()
            if passed == total and total:
                continue
            all_passed = False
            if not explicit:
                break  # by default, stop at the next unfinished notebook
    finally:
        session.close()
    if all_passed:
        terminal.say("Every exercise passes.")
    return 0 if all_passed else 1


def _shown(path: Path) -> str:
    """A path as the learner would type it: relative to where they are if it is below, else in full."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def _hint_lines(exercise_id: str, step: int, notebook: Path | None) -> list[str]:
    from course.checks import find, hint_lines  # loads that lesson's checks: only when a hint is asked for

    try:
        ex = find(exercise_id)
    except (KeyError, ValueError):
        return []
    step = min(step, len(ex.hints))
    return hint_lines(ex, step, f"`{check_command(hint=step + 1, notebook=notebook)}`") if step else []
