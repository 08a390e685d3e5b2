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
    # What the audit must give the vulnerable side, with the label's CWE: HIGH, unless the flaw is one the
    # audit rates lower by design (enumeration and caching leak information rather than hand over a session).
    severity: Severity = Severity.HIGH


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

SESSIONS = ("/sessions/login", "/sessions/me", "/sessions/logout")
LESSON_03 = DemoLogin(*SESSIONS, *ALICE)  # the fixed twin of most of lesson 05's stations
LESSON_04 = DemoLogin("/jwt/login", "/jwt/me", "/jwt/logout", *ALICE)
ADMIN = ("admin", DEMO_USERS["admin"])  # the admin pages answer 200 only to the admin

PASSWORD_COOKIE = Twin(  # lesson 05: the password itself in a "remember me" cookie
    DemoLogin("/vuln/password-cookie/login", "/vuln/password-cookie/me", None, *ALICE), LESSON_03
)
COUNTER_IDS = Twin(  # lesson 05: session IDs from a counter
    DemoLogin("/vuln/predictable-ids/counter-login", "/vuln/predictable-ids/me", None, *ALICE), LESSON_03
)
TIME_IDS = Twin(  # lesson 05: session IDs from md5(user:time)
    DemoLogin("/vuln/predictable-ids/time-login", "/vuln/predictable-ids/me", None, *ALICE), LESSON_03
)
COOKIE_ONLY_LOGOUT = Twin(  # lesson 05: logout that only clears the browser's cookie
    DemoLogin("/sessions/login", "/sessions/me", "/vuln/cookie-only-logout/sessions", *ALICE), LESSON_03
)
CLIENT_ROLE_TOKEN = Twin(  # lesson 05: the role in a JWT signed with a word-list key
    DemoLogin("/vuln/client-roles/jwt-login", "/vuln/client-roles/jwt-admin", None, *ADMIN),
    DemoLogin("/jwt/login", "/mistakes/roles/admin", "/jwt/logout", *ADMIN),
)
PAYLOAD_SECRETS_JWT = Twin(  # lesson 05: e-mail and password hash in a JWT's payload
    DemoLogin("/vuln/payload-secrets/jwt-login", "/vuln/jwt/me", None, *ALICE), LESSON_04
)
EMBEDDED_JWK = Twin(  # lesson 05: a verifier that takes the key from the token's 'jwk' header
    DemoLogin("/jwt/login", "/vuln/jwt-header-keys/jwk", "/jwt/logout", *ALICE), LESSON_04
)
KEY_FILE_KID = Twin(  # lesson 05: ... from the file the token's 'kid' names
    DemoLogin("/jwt/login", "/vuln/jwt-header-keys/kid", "/jwt/logout", *ALICE), LESSON_04
)
ENUMERATION = Twin(  # lesson 05: "no such user" and "wrong password" told apart
    DemoLogin("/vuln/enumeration/login", "/sessions/me", "/sessions/logout", *ALICE), LESSON_03, Severity.MEDIUM
)
SHARED_CACHE = Twin(  # lesson 05: a logged-in page marked Cache-Control: public
    DemoLogin("/sessions/login", "/vuln/cache/account", "/sessions/logout", *ALICE),
    DemoLogin("/sessions/login", "/mistakes/cache/account", "/sessions/logout", *ALICE),
    Severity.MEDIUM,
)

# Every login-style route of GET /insecure, and the twin that audits it.
LOGIN_TWINS: dict[str, Twin] = {
    "/seed/api/login": ARTICLE,
    "/seed/api/profile": ARTICLE,
    "/vuln/signed/login": WEAK_KEY,
    "/vuln/signed/profile": WEAK_KEY,
    "/vuln/jwt/me": ALGORITHM_FROM_TOKEN,
    "/vuln/sessions/login": FIXATION,
    "/vuln/password-cookie/login": PASSWORD_COOKIE,
    "/vuln/password-cookie/me": PASSWORD_COOKIE,
    "/vuln/predictable-ids/counter-login": COUNTER_IDS,
    "/vuln/predictable-ids/time-login": TIME_IDS,
    "/vuln/predictable-ids/me": COUNTER_IDS,
    "/vuln/cookie-only-logout/sessions": COOKIE_ONLY_LOGOUT,
    "/vuln/client-roles/jwt-login": CLIENT_ROLE_TOKEN,
    "/vuln/payload-secrets/jwt-login": PAYLOAD_SECRETS_JWT,
    "/vuln/jwt-header-keys/jwk": EMBEDDED_JWK,
    "/vuln/jwt-header-keys/kid": KEY_FILE_KID,
    "/vuln/enumeration/login": ENUMERATION,
    "/vuln/cache/account": SHARED_CACHE,
}
# Vulnerable routes that are not a login the audit can walk through, and why.
NOT_LOGIN_STYLE: dict[str, str] = {
    # Lesson 06's twins: their flaws are about what a browser does across sites, which a
    # black-box audit from one client cannot show; lesson 06 proves each one in Chromium.
    "/vuln/bank/login": "a session cookie with SameSite=None: the audit notes cookie attributes, but the "
    "cross-site request that abuses it needs a second site in a browser (lesson 06, Step 4)",
    "/vuln/bank/login-readable-cookie": "a session cookie without HttpOnly: stealing it needs script in a "
    "page (an XSS), which lesson 06 runs in Chromium (Step 3)",
    "/vuln/bank/transfer": "a transfer with no CSRF defence: the forged request comes from another site in "
    "a browser (lesson 06, Step 5)",
    "/vuln/bank/transfer-by-get": "a GET that moves money: shown as a cross-site link in a browser (lesson 06, Step 5)",
    "/vuln/bank/transfer-override": "a method override that turns a link into a POST: shown in a browser "
    "(lesson 06, Step 5)",
    "/vuln/browser/search": "a reflected XSS sink, not a login: lesson 06 runs it in Chromium (Step 3)",
    "/vuln/sessions/cookie-cart": "a cart kept in a cookie (lost updates), not a login: exercise 08.2 writes its probe",
    "/vuln/no-expiry/login": "sessions that never end on the server: it shows only once hours pass on the server's "
    "clock, and a black-box audit cannot wait that long",
    "/vuln/no-expiry/me": "the same: no idle or absolute timeout shows only after the timeouts would have passed",
    "/vuln/cookie-only-logout/jwt": "a bearer token's logout: the audit finds a token that outlives its logout, but "
    "rates it medium by design (a JWT is valid until exp unless the server keeps a deny-list); lesson 05 attacks it",
    "/vuln/jwt-header-keys/jku": "a verifier that downloads the key set named in the token: proving it needs a key "
    "set served from a URL of the attacker's, and the audit sends requests to the audited app only",
    "/vuln/url-session/login": "the session ID travels in a URL, not a cookie or an Authorization header: the audit "
    "follows cookie and bearer sessions only",
    "/vuln/url-session/account": "the same: the ID is read from the query string, which the audit does not send",
    "/vuln/csrf/email": "a state-changing route the audit is not told about: its CSRF probe tries only the login and "
    "logout routes, and rates cross-site requests medium by design",
    "/vuln/no-https/login": "plain http: on loopback the audit can only note a missing Secure attribute or HSTS; it "
    "needs TLS and a network attacker to show",
    "/vuln/no-https/me": "the same: a cookie sent over plain http needs TLS (and a network in between) to tell apart",
    "/vuln/no-rotation/sudo": "re-entering the password to raise privileges, a second step after login that the "
    "audit does not take",
    "/vuln/no-rotation/password": "a password change that leaves other sessions alive: it needs a second session of "
    "the same user and a password change, which an audit must not make",
    "/vuln/brute-force/login": "unlimited password guessing: proving it takes many failed logins, and the audit "
    "sends a bounded number of requests and never guesses passwords",
    "/vuln/client-roles/login": "a role cookie that the admin page believes: proving it needs an account without the "
    "role to raise, and the audit logs in as one user and never tries to change what it may do",
    "/vuln/client-roles/admin": "the same: role=admin written by a non-admin's client needs a second, unprivileged "
    "account",
    "/vuln/client-roles/jwt-admin": "a role claim the admin page believes: raising it needs an unprivileged account; "
    "the audit finds the guessable key (CWE-1391) through /vuln/client-roles/jwt-login",
    "/vuln/payload-secrets/cookie-login": "a login with no profile route of its own: no demo route answers 200 to the "
    "Flask session it writes (lesson 02's /signed/profile knows only lesson 02's accounts); on an app whose profile "
    "reads it, the audit's identity/password-hash-in-session finds the hash",
    "/vuln/brute-force/login-behind-proxy": "a limit keyed on X-Forwarded-For: it needs a proxy in front and many "
    "failed logins",
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
