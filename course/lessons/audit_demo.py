"""The demo server's login-style routes, as `course audit` needs them: each vulnerable twin that
logs someone in, next to its fixed twin, with the routes and account to audit each side with.

Lesson 08 runs the audit over this table; ``tests/test_audit_twins.py`` checks that every
route ``GET /insecure`` lists is either here or in NOT_LOGIN_STYLE (with the reason), that the
fixed side holds the route the label names, and that the audit flags each side as it should.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

import nbformat

from course import cli
from course.audit import AuditOptions, AuditReport, Severity, run_audit
from course.audit.lessons import LessonStep
from course.layout import COURSE_ROOT
from demo_server.users import DEMO_USERS


@dataclass(frozen=True)
class DemoLogin:
    """The routes and account to audit one login-style side of a twin with."""

    login: str
    profile: str
    logout: str | None
    username: str
    password: str

    @property
    def routes(self) -> tuple[str, ...]:
        return tuple(route for route in (self.login, self.profile, self.logout) if route)

    def options(self, base_url: str, **extra) -> AuditOptions:
        return AuditOptions(
            base_url,
            login=self.login,
            profile=self.profile,
            logout=self.logout,
            username=self.username,
            password=self.password,
            **extra,
        )


@dataclass(frozen=True)
class Twin:
    vulnerable: DemoLogin
    fixed: DemoLogin


ALICE = ("alice", DEMO_USERS["alice"])
ARTICLE = Twin(  # lesson 01: the article's login and its fix
    DemoLogin("/seed/api/login", "/seed/api/profile", None, "admin", "1234"),
    DemoLogin("/cookies/api/login", "/cookies/api/profile", None, "admin", "1234"),
)
WEAK_KEY = Twin(  # lesson 02: Flask's cookie signed with a word from a list, and with a random key
    DemoLogin("/vuln/signed/login", "/vuln/signed/profile", None, "mallory", "let-me-in"),
    DemoLogin("/signed/login", "/signed/profile", None, "mallory", "let-me-in"),
)
ALGORITHM_FROM_TOKEN = Twin(  # lesson 04: a verifier that lets the token choose its algorithm
    DemoLogin("/jwt/login", "/vuln/jwt/me", "/jwt/logout", *ALICE),
    DemoLogin("/jwt/login", "/jwt/me", "/jwt/logout", *ALICE),
)
FIXATION = Twin(  # lesson 03: a login that keeps the ID the browser arrived with
    DemoLogin("/vuln/sessions/login", "/sessions/me", "/sessions/logout", *ALICE),
    DemoLogin("/sessions/login", "/sessions/me", "/sessions/logout", *ALICE),
)

# Every login-style route of GET /insecure, and the twin that audits it.
LOGIN_TWINS: dict[str, Twin] = {
    "/seed/api/login": ARTICLE,
    "/seed/api/profile": ARTICLE,
    "/vuln/signed/login": WEAK_KEY,
    "/vuln/signed/profile": WEAK_KEY,
    "/vuln/jwt/me": ALGORITHM_FROM_TOKEN,
    "/vuln/sessions/login": FIXATION,
}
# Vulnerable routes that are not a login the audit can walk through, and why.
NOT_LOGIN_STYLE: dict[str, str] = {
    "/vuln/sessions/cookie-cart": "a cart kept in a cookie (lost updates), not a login: exercise 08.2 writes its probe",
}


def audit_twin(base_url: str, twin: Twin, **extra) -> tuple[AuditReport, AuditReport]:
    """The audit of the vulnerable side and of the fixed side of one twin."""
    return run_audit(twin.vulnerable.options(base_url, **extra)), run_audit(twin.fixed.options(base_url, **extra))


def audit_command(command_line: str) -> int:
    """Run a `course audit ...` command line in this kernel, as a terminal would; returns its exit status.

    The report (or the one-line reason for exit status 2) is printed just as the command prints it.
    """
    words = shlex.split(command_line)
    if words[:2] != ["course", "audit"]:
        raise ValueError(f"give a command line that starts with 'course audit', not {command_line[:40]!r}")
    try:
        return cli.main(words[1:])
    except SystemExit as stop:  # argparse: a usage error, already explained on stderr
        return int(stop.code or 0)


def summary_row(label: str, report: AuditReport) -> str:
    """One line: how many findings of each severity, and the most serious one."""
    numbers = {severity: sum(f.severity is severity for f in report.findings) for severity in Severity}
    counts = " ".join(f"{numbers[severity]:>2} {severity.value}" for severity in Severity)
    top = report.findings[0] if report.findings and report.findings[0].severity is not Severity.NOTE else None
    worst = f"{top.severity.value}: {top.id} ({top.cwe})" if top else "nothing above a note"
    return f"{label:<30} {counts}   {worst}"


def step_text(step: LessonStep, paragraphs: int = 1) -> str:
    """The heading and first paragraph(s) of the lesson step a finding points to, read from its notebook."""
    for cell in nbformat.read(COURSE_ROOT / step.notebook, as_version=4).cells:
        if cell.cell_type == "markdown" and cell.source.startswith(f"## Step {step.step} "):
            text = cell.source.split("\n\n")
            return "\n\n".join(text[: paragraphs + 1])
    raise LookupError(f"{step.notebook} has no step {step.step}")
