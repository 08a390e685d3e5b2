"""`course audit` as a learner meets it: exit statuses, one-line reasons, output files, colour."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from course import cli
from course.audit.target import is_loopback_host, parse_target
from course.lessons.audit_demo import ARTICLE, FIXATION
from demo_server import ManualClock, create_app, serve_app

from .conftest import TEST_CONFIG

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo():
    server = serve_app(create_app({**TEST_CONFIG, "CLOCK": ManualClock(), "INSECURE_DEMOS": True}))
    yield server
    server.stop()


def _args(side, base_url: str, *extra: str) -> list[str]:
    args = ["audit", base_url, "--login", side.login, "--profile", side.profile]
    args += ["--logout", side.logout] if side.logout else []
    return args + ["--username", side.username, "--password", side.password, *extra]


def course(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "course.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env
    )


@pytest.fixture
def loopback_only(monkeypatch):
    """Fail the test if anything tries to connect anywhere but this machine."""
    real_connect = socket.socket.connect

    def connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        assert is_loopback_host(str(host)), f"a connection to {host} was attempted"
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.mark.parametrize("base_url", ["http://192.0.2.10:5000", "https://example.com", "http://0.0.0.0:8000"])
def test_a_host_that_is_not_this_machine_is_refused_in_one_line(base_url, loopback_only, capsys):
    status = cli.main(_args(ARTICLE.vulnerable, base_url))
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("course audit: refusing to audit ")
    assert "--allow-remote" in err


def test_the_refusal_from_a_terminal(demo):
    result = course(*_args(ARTICLE.vulnerable, "http://203.0.113.7"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "course audit: refusing to audit 203.0.113.7: it is not this machine (loopback: 127.0.0.1, ::1, localhost); "
        "add --allow-remote only for an app you own"
    ]


def test_allow_remote_is_needed_for_other_hosts_and_loopback_names_are_recognised():
    assert parse_target("http://203.0.113.7", allow_remote=True).loopback is False
    for host in ("127.0.0.1", "127.8.9.10", "::1", "localhost"):
        assert is_loopback_host(host), host
    for host in ("10.0.0.1", "example.com", "localhost.example.com", "0.0.0.0", "::"):
        assert not is_loopback_host(host), host


def test_nothing_listening_is_exit_2_with_the_reason(loopback_only, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nothing listens there
    status = cli.main(_args(ARTICLE.vulnerable, f"http://127.0.0.1:{port}"))
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err == (
        f"course audit: nothing answers at http://127.0.0.1:{port}: is the app running, on that port? "
        "(In a lesson after its Teardown cell: run the Setup cell again.)\n"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--password": "wrong"}, "logging in failed: POST /seed/api/login answered 401"),
        ({"--profile": "/health"}, "--profile /health answers 200 without a session"),
        ({"--login": "http://evil.example/login"}, "--login is a path on the app, like /login"),
        ({"--profile": "//evil.example/x"}, "--profile is a path on the app"),
    ],
)
def test_setup_problems_are_exit_2_with_one_line(demo, loopback_only, capsys, change, message):
    args = _args(ARTICLE.vulnerable, demo.url)
    for option, value in change.items():
        args[args.index(option) + 1] = value
    status = cli.main(args)
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and message in err, err


def test_credentials_are_required_or_read_from_the_environment(demo, monkeypatch, capsys):
    args = ["audit", demo.url, "--login", "/seed/api/login", "--profile", "/seed/api/profile"]
    assert cli.main(args) == 2
    assert "give a test account: --username and --password" in capsys.readouterr().err
    monkeypatch.setenv("COURSE_AUDIT_USERNAME", "admin")
    monkeypatch.setenv("COURSE_AUDIT_PASSWORD", "1234")
    assert cli.main(args) == 1
    assert "identity/forgeable" in capsys.readouterr().out


def test_exit_status_follows_fail_on(demo, capsys):
    assert cli.main(_args(ARTICLE.vulnerable, demo.url)) == 1
    assert cli.main(_args(ARTICLE.fixed, demo.url)) == 0, "only low findings and notes"
    assert cli.main(_args(ARTICLE.fixed, demo.url, "--fail-on", "low")) == 1
    assert cli.main(_args(ARTICLE.fixed, demo.url, "--fail-on", "medium")) == 0
    text = capsys.readouterr().out
    assert "exit status 0: nothing at or above --fail-on medium" in text
    assert "exit status 1: 1 finding(s) at or above --fail-on low" in text


def test_the_text_report_reads_top_down_without_colour_in_a_pipe(demo):
    result = course(*_args(ARTICLE.vulnerable, demo.url))
    assert result.returncode == 1
    text = result.stdout
    assert "\033[" not in text + result.stderr, "no colour or progress codes when piped"
    assert text.startswith(f"course audit: {demo.url}\n")
    assert text.index("HIGH") < text.index("LOW") < text.index("NOTES (not failures)") < text.index("Held up")
    assert "→ lesson 01, step 14 (The fix)" in text
    assert '"password": "1234"' not in text and "password=1234" not in text, "the password is never shown"
    assert "2 high · 0 medium · 2 low · 2 notes" in text


def test_colour_on_a_terminal_and_none_with_no_color(demo, monkeypatch):
    from course.audit import command
    from course.terminal import Terminal

    class Screen(io.StringIO):
        def isatty(self) -> bool:
            return True

    args = cli.build_parser().parse_args(_args(ARTICLE.vulnerable, demo.url))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    screen = Screen()
    command.run(args, Terminal(screen, Screen()))
    assert "\033[31m" in screen.getvalue(), "high findings in red"
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Screen()
    command.run(args, Terminal(plain, Screen()))
    assert "\033[" not in plain.getvalue()


def test_json_report(demo, capsys):
    assert cli.main(_args(FIXATION.vulnerable, demo.url, "--format", "json")) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["tool"]["name"] == "course audit" and data["exit_status"] == 1
    fixation = next(f for f in data["findings"] if f["id"] == "fixation/planted-id-survives")
    assert fixation["severity"] == "high" and fixation["cwe"] == "CWE-384" and fixation["asvs"] == "v5.0.0-7.2.4"
    assert fixation["fix"]["lesson"] == {
        "lesson": "03",
        "step": 4,
        "title": "Session fixation: the attacker picks your ID",
        "notebook": "notebooks/03-server-sessions.ipynb",
    }
    assert any(line.startswith(">>> POST /vuln/sessions/login") for line in fixation["evidence"])


def test_redact_numbers_the_issued_ids(demo, capsys):
    cli.main(_args(FIXATION.vulnerable, demo.url, "--format", "json", "--redact"))
    evidence = next(f for f in json.loads(capsys.readouterr().out)["findings"] if f["id"].startswith("fixation"))
    text = "\n".join(evidence["evidence"])
    assert "sid=<value #" in text and ", 43 characters>" in text
    planted = [line for line in evidence["evidence"] if "Cookie: sid=" in line]
    assert len(set(planted)) == 1, "the planted ID and the attacker's copy get the same placeholder"


def test_output_file_never_replaces_a_file_someone_wrote(demo, tmp_path, capsys):
    mine = tmp_path / "notes.json"
    mine.write_text('{"my": "notes"}')
    args = _args(ARTICLE.vulnerable, demo.url, "--format", "sarif", "--output", str(mine))
    assert cli.main(args) == 2
    assert "exists and is not a course audit report" in capsys.readouterr().err
    assert mine.read_text() == '{"my": "notes"}'

    report = tmp_path / "audit.sarif"
    args[args.index(str(mine))] = str(report)
    assert cli.main(args) == 1
    assert "wrote the sarif report to" in capsys.readouterr().out
    first = report.read_text()
    assert json.loads(first)["version"] == "2.1.0"
    assert cli.main(args) == 1, "a report of ours is replaced by the next one"
    assert report.read_text() == first, "the same app gives the same report"
