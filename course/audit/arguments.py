"""`course audit`'s command-line arguments: light to import, so `course check` and `course grade`
do not pay for the audit's probes and HTTP client when the parser is built."""

from __future__ import annotations

import argparse
from pathlib import Path

from course.arguments import positive_int
from course.audit.limits import DEFAULT_MAX_REQUESTS

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
        type=positive_int,
        default=DEFAULT_MAX_REQUESTS,
        metavar="N",
        help="send at most N requests (default: %(default)s)",
    )
    parser.add_argument(
        "--redact",
        action="store_true",
        help="replace session IDs and tokens in the evidence with numbered placeholders",
    )
