"""`course audit`: the command line around run_audit (arguments, output, exit status)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from course.audit.arguments import PASSWORD_ENV, USERNAME_ENV
from course.audit.errors import AuditError
from course.audit.findings import Severity
from course.audit.options import AuditOptions
from course.audit.report import as_json, as_sarif, as_text
from course.audit.report.summary import TOOL_NAME, counts
from course.audit.runner import run_audit
from course.audit.target import parse_target
from course.terminal import Terminal


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
