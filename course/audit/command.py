"""`course audit`: the command line around run_audit (arguments, output, exit status)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from course.audit.errors import AuditError
from course.audit.findings import Severity
from course.audit.options import AuditOptions
from course.audit.report import as_json, as_sarif, as_text
from course.audit.report.summary import TOOL_NAME, counts
from course.audit.runner import run_audit
from course.audit.target import DEFAULT_MAX_REQUESTS, parse_target
from course.terminal import Terminal

USERNAME_ENV = "COURSE_AUDIT_USERNAME"
PASSWORD_ENV = "COURSE_AUDIT_PASSWORD"
FAIL_LEVELS = ("high", "medium", "low")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("base_url", metavar="BASE_URL", help="where the app runs, e.g. http://127.0.0.1:5000")
    parser.add_argument("--login", required=True, metavar="PATH", help="the login route (POST)")
    parser.add_argument(
        "--profile",
        required=True,
        metavar="PATH",
        help="a route that answers 200 with a session, 4xx or a redirect without",
    )
    parser.add_argument(
        "--logout", metavar="PATH", help="the logout route (POST or GET); without it, logout is not tested"
    )
    parser.add_argument("--username", help=f"a test account's user name (or set {USERNAME_ENV})")
    parser.add_argument("--password", help=f"its password (or set {PASSWORD_ENV}, which keeps it out of shell history)")
    parser.add_argument(
        "--form", action="store_true", help="log in with an HTML form post (hidden CSRF token included)"
    )
    parser.add_argument(
        "--format", choices=("text", "json", "sarif"), default="text", help="report format (default: text)"
    )
    parser.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE instead of the terminal")
    parser.add_argument(
        "--fail-on",
        choices=FAIL_LEVELS,
        default="high",
        help="exit 1 when a finding is at least this severe (default: high)",
    )
    parser.add_argument(
        "--allow-remote", action="store_true", help="allow a host that is not this machine: only an app you own"
    )
    parser.add_argument(
        "--max-requests",
        type=_positive_int,
        default=DEFAULT_MAX_REQUESTS,
        metavar="N",
        help="send at most N requests (default: %(default)s)",
    )
    parser.add_argument(
        "--redact",
        action="store_true",
        help="replace session IDs and tokens in the evidence with numbered placeholders",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def run(args: argparse.Namespace, terminal: Terminal) -> int:
    """Audit, report, and return the exit status (0, 1, or 2 with a one-line reason on stderr)."""
    try:
        options = _options(args)
        if args.output is not None:
            _refuse_to_overwrite(args.output)
        where = parse_target(options.base_url, allow_remote=options.allow_remote)
        if not where.loopback:
            _error(f"auditing {where.host}, which is not this machine: only audit an app you own or may test")
        report = run_audit(options, progress=terminal.progress)
    except AuditError as error:
        terminal.clear_progress()
        _error(str(error))
        return 2
    terminal.clear_progress()
    if args.format == "json":
        text = as_json(report)
    elif args.format == "sarif":
        text = as_sarif(report)
    else:
        text = as_text(report, terminal if args.output is None else None)
    if args.output is None:
        terminal.stream.write(text)
        terminal.stream.flush()
    else:
        args.output.write_text(text, encoding="utf-8")
        numbers = ", ".join(f"{count} {severity}" for severity, count in counts(report).items())
        terminal.say(f"{TOOL_NAME}: wrote the {args.format} report to {args.output} ({numbers})")
    return report.exit_status()


def _options(args: argparse.Namespace) -> AuditOptions:
    username = args.username if args.username is not None else os.environ.get(USERNAME_ENV)
    password = args.password if args.password is not None else os.environ.get(PASSWORD_ENV)
    if not username or password is None:
        raise AuditError(f"give a test account: --username and --password (or {USERNAME_ENV} and {PASSWORD_ENV})")
    return AuditOptions(
        base_url=args.base_url,
        login=args.login,
        profile=args.profile,
        logout=args.logout,
        username=username,
        password=password,
        form=args.form,
        fail_on=Severity(args.fail_on),
        allow_remote=args.allow_remote,
        max_requests=args.max_requests,
        redact=args.redact,
    )


def _refuse_to_overwrite(path: Path) -> None:
    """--output may replace an earlier report of ours, never anything else."""
    if path.is_dir():
        raise AuditError(f"--output {path} is a folder: give a file name")
    if path.exists() and not _written_by_us(path):
        raise AuditError(f"--output {path} exists and is not a course audit report: choose another name")


def _written_by_us(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if text.startswith(f"{TOOL_NAME}: "):
        return True
    try:
        data = json.loads(text)
    except ValueError:
        return False
    if not isinstance(data, dict):
        return False
    tool = data.get("tool", {}).get("name") if isinstance(data.get("tool"), dict) else None
    runs = data.get("runs") if isinstance(data.get("runs"), list) else []
    drivers = [run.get("tool", {}).get("driver", {}).get("name") for run in runs if isinstance(run, dict)]
    return tool == TOOL_NAME or TOOL_NAME in drivers


def _error(message: str) -> None:
    print(f"{TOOL_NAME}: {message}", file=sys.stderr, flush=True)
