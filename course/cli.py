"""The `course` command: check your exercises, grade a class, regenerate exercises."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from course.arguments import positive_int, positive_number
from course.audit import arguments as audit_arguments
from course.grading import check_command as checking
from course.layout import EXERCISES_DIR, SOLUTIONS_DIR
from course.quick_exit import BROKEN_PIPE_EXIT, exit_now
from course.terminal import Terminal


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course", description="Sessions, Live: check exercises, grade a class, audit an app's sessions."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="check your exercise notebook(s) and say what to do next")
    check.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        metavar="NOTEBOOK",
        help="exercise notebook(s) to check (default: the next unfinished one in exercises/)",
    )
    check.add_argument(
        "--hint",
        nargs="?",
        const="1",
        default="0",
        metavar="STEP",
        help="show a hint for each unfinished exercise: step 1, or step STEP (hints come in steps)",
    )
    check.add_argument(
        "--timeout",
        type=positive_number,
        default=checking.DEFAULT_CELL_TIMEOUT,
        help="seconds each cell may run (default: %(default)s)",
    )

    grade = commands.add_parser("grade", help="grade a folder of submissions (one folder per learner)")
    grade.add_argument("submissions", type=Path, metavar="SUBMISSIONS")
    grade.add_argument("--csv", type=Path, default=Path("grades.csv"), help="CSV of points (default: %(default)s)")
    grade.add_argument("--md", type=Path, default=Path("report.md"), help="Markdown report (default: %(default)s)")
    grade.add_argument("--jobs", type=positive_int, default=2, help="notebooks graded at once (default: %(default)s)")
    grade.add_argument(
        "--timeout",
        type=positive_number,
        default=10.0,
        help="seconds each cell may run before it is cut off (default: %(default)s)",
    )
    grade.add_argument(
        "--lessons", help="comma-separated lesson numbers to grade, e.g. 00,01 (default: those handed in)"
    )
    grade.add_argument(
        "--sandbox",
        choices=["auto", "bubblewrap", "fallback"],
        default="auto",
        help="where learners' code runs: bubblewrap, or a weaker fallback where it is missing (default: %(default)s)",
    )

    audit = commands.add_parser(
        "audit",
        help="audit the session management of an app on this machine (exit 1 on findings, 2 on errors)",
        description="Log in to an app running on this machine and probe its session management from outside. "
        "Every finding comes with its ASVS 5.0.0 and CWE ids, the exact requests that show it, and the lesson "
        "that teaches the fix.",
    )
    audit_arguments.add_arguments(audit)

    make = commands.add_parser("make-exercises", help="write exercises/ from solutions/ (maintainers)")
    make.add_argument("--check", action="store_true", help="only report whether exercises/ is up to date")
    make.add_argument("--force", action="store_true", help="also replace notebooks with work in them (after a backup)")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:
        # `course check | head`: the reader left. Say nothing more (Python would print a traceback
        # when it flushes stdout on exit) and exit as a closed pipe does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE_EXIT


def run() -> None:
    """The `course` command and ``python -m course.cli``: main(), then course.quick_exit."""
    exit_now(main())


def _run(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "check":
        _hint_step(args)
    terminal = Terminal()
    if args.command == "check":
        return checking.run_check(args.notebooks, cell_timeout=args.timeout, hints=args.hint, terminal=terminal)
    if args.command == "grade":
        return _grade(args, terminal)
    if args.command == "audit":
        from course.audit import command as auditing  # requests and the probes: only for an audit

        return auditing.run(args, terminal)
    return _make_exercises(args, terminal)


def _hint_step(args: argparse.Namespace) -> None:
    """`--hint NOTEBOOK` means hint step 1 for that notebook (argparse took the notebook as STEP)."""
    if not args.hint.isdigit():
        args.notebooks.insert(0, Path(args.hint))
        args.hint = "1"
    args.hint = int(args.hint)


def _grade(args: argparse.Namespace, terminal: Terminal) -> int:
    from course.grading import grade_command as grading

    if not args.submissions.is_dir():
        terminal.say(f"course grade: {args.submissions} is not a folder")
        return 2
    lessons = None
    if args.lessons:
        lessons = [part.strip().zfill(2) for part in args.lessons.split(",") if part.strip()]
    try:
        results = grading.grade(
            args.submissions,
            csv_path=args.csv,
            md_path=args.md,
            jobs=args.jobs,
            cell_timeout=args.timeout,
            lessons_wanted=lessons,
            terminal=terminal,
            sandbox_wanted=args.sandbox,
        )
    except (ValueError, RuntimeError) as error:
        terminal.say(f"course grade: {error}")
        return 2
    terminal.say(f"Graded {len(results)} learners: {args.csv}, {args.md}, and results.json in each learner's folder.")
    return 0


def _make_exercises(args: argparse.Namespace, terminal: Terminal) -> int:
    from course.authoring import make_exercises

    if args.check:
        problems = make_exercises.differences(SOLUTIONS_DIR, EXERCISES_DIR)
        for problem in problems:
            terminal.say(f"exercises/{problem}")
        if not problems:
            terminal.say("exercises/ is up to date.")
        return 1 if problems else 0
    written, refused = make_exercises.write(SOLUTIONS_DIR, EXERCISES_DIR, force=args.force)
    for name in written:
        terminal.say(f"wrote exercises/{name}")
    for name in refused:
        terminal.say(
            f"kept exercises/{name}: it has someone's work in it (use --force to replace it; a backup is kept)"
        )
    if not written and not refused:
        terminal.say("exercises/ is up to date.")
    return 1 if refused else 0


if __name__ == "__main__":
    run()
