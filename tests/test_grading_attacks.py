"""`course grade` attacked the way issue 14's learners attacked it, in the real sandbox (bubblewrap).

One class is graded once: honest learners before and after the attackers, the
attackers of course/authoring/attacks.py, odd but valid names, links and a
broken notebook. Every attacker earns nothing it did not answer, nobody else
loses anything, the course tree and the venv are unchanged, and nothing the
learners started is still running when `course grade` returns.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from course.authoring import attacks
from course.authoring import synthetic_class as cb
from course.grading import grade_command as grading
from course.grading.sandbox import RUN_ENV
from course.layout import COURSE_ROOT, SOLUTIONS_DIR
from course.terminal import Terminal

from .sandbox_support import changes, processes_with, require_bubblewrap, tree_snapshot, venv_root

NOTEBOOK = "00-start-here.ipynb"
HONEST = ["aa-honest-first", "zz-honest-last", "mm-honest-middle"]
ODD_NAMES = ["pipe|name", "new\nline", "=1+2", "Zoë Ünicode space", "bob`*_[x]`"]


@dataclass
class Run:
    root: Path
    points: dict[str, dict[str, int]]  # learner -> exercise -> points
    results: dict[str, dict]  # learner -> results.json (the grader's)
    csv_rows: list[list[str]]
    report: str
    token: str
    run_id: str
    notebooks_before: dict[str, bytes]
    course_changes: list[str]
    venv_changes: list[str]
    left_running: list[int]
    outside: Path


@pytest.fixture(scope="module")
def attacked(tmp_path_factory) -> Run:
    require_bubblewrap()
    base = tmp_path_factory.mktemp("attacked")
    root, outside = base / "submissions", base / "outside"
    root.mkdir()
    outside.mkdir()
    solution = nbformat.read(SOLUTIONS_DIR / NOTEBOOK, as_version=4)
    token = f"escaped-{secrets.token_hex(6)}"
    learners = {name: cb.complete(solution) for name in HONEST + ODD_NAMES}
    learners["zz-wrong-after-the-poisoning"] = attacks.wrong_answers(solution)
    learners.update(attacks.attackers(solution, token))
    for name, notebook in learners.items():
        (root / name).mkdir()
        nbformat.write(notebook, root / name / NOTEBOOK)
    # Renamed on the way (a download), still the lesson's notebook.
    os.rename(root / "Zoë Ünicode space" / NOTEBOOK, root / "Zoë Ünicode space" / "00-start-here (1).ipynb")
    # Links: a notebook that is the solution; results.json pointing at a victim's and outside.
    (root / "attack-links-the-solution").mkdir()
    (root / "attack-links-the-solution" / NOTEBOOK).symlink_to(SOLUTIONS_DIR / NOTEBOOK)
    (root / "attack-links-results").mkdir()
    nbformat.write(cb.untouched(solution), root / "attack-links-results" / NOTEBOOK)
    (root / "attack-links-results" / "results.json").symlink_to(root / "aa-honest-first" / "results.json")
    (root / "attack-dangling-results").mkdir()
    nbformat.write(cb.untouched(solution), root / "attack-dangling-results" / NOTEBOOK)
    (root / "attack-dangling-results" / "results.json").symlink_to(outside / "created-by-the-grader.json")
    (root / "broken-int-source").mkdir()
    (root / "broken-int-source" / NOTEBOOK).write_text(attacks.with_int_source(solution))

    notebooks_before = {
        folder.name: (folder / NOTEBOOK).read_bytes() for folder in root.iterdir() if (folder / NOTEBOOK).is_file()
    }
    course_before = tree_snapshot(COURSE_ROOT, contents=True)
    venv_before = tree_snapshot(venv_root(), contents=False)
    run_id = secrets.token_hex(8)
    csv_path, md_path = base / "grades.csv", base / "report.md"
    grading.grade(root, csv_path=csv_path, md_path=md_path, jobs=2, cell_timeout=6, terminal=Terminal(), run_id=run_id)
    left_running = processes_with(token.encode()) + processes_with(f"{RUN_ENV}={run_id}".encode())
    time.sleep(1.0)  # an escaped process would be rewriting the outputs by now
    with open(csv_path, newline="", encoding="utf-8") as grades:
        rows = list(csv.reader(grades))
    results = {}
    for folder in root.iterdir():
        path = folder / "results.json"
        if path.is_file() and not path.is_symlink():
            results[folder.name] = json.loads(path.read_text())
    points = {}
    for name, body in results.items():
        points[name] = {}
        for test in body["tests"]:
            if "/" not in test["name"]:
                points[name][test["name"]] = 1 if test["status"] == "pass" else 0
    return Run(
        root=root,
        points=points,
        results=results,
        csv_rows=rows,
        report=md_path.read_text(encoding="utf-8"),
        token=token,
        run_id=run_id,
        notebooks_before=notebooks_before,
        course_changes=changes(course_before, tree_snapshot(COURSE_ROOT, contents=True)),
        venv_changes=changes(venv_before, tree_snapshot(venv_root(), contents=False)),
        left_running=left_running,
        outside=outside,
    )


def total(run: Run, learner: str) -> int:
    return sum(run.points[learner].values())


# What each attacker answered correctly itself, and so may keep (their attacks add nothing).
EARNED = {
    "attack-writes-course-files": 0,
    "attack-rewrites-other-notebooks": 0,
    "attack-poisons-the-kernelspec": 0,
    "attack-escapes": 0,
    "attack-reads-the-solutions": 0,
    "attack-leaks-files": 0,
    "attack-leaks-memory": 1,  # 00.1 is answered right; from its leaking cell on, nothing counts
    "attack-impostor-values": 0,
    "attack-replaces-the-check-runner": 0,
    "attack-forges-results": 0,
    "attack-steals-the-nonce": 0,
    "attack-hogs-resources": 2,  # 00.2 and 00.3 are answered right; 00.1 only hogs
}


@pytest.mark.parametrize("attacker", sorted(EARNED))
def test_an_attacker_earns_nothing_it_did_not_answer(attacked, attacker):
    assert total(attacked, attacker) == EARNED[attacker], attacked.results[attacker]["tests"]


@pytest.mark.parametrize(
    "attacker", ["attack-writes-course-files", "attack-poisons-the-kernelspec", "attack-reads-the-solutions",
                 "attack-rewrites-other-notebooks", "attack-leaks-files", "attack-impostor-values"],
)  # fmt: skip
def test_the_sandbox_and_the_checks_stop_these_without_the_tampering_scan(attacked, attacker):
    """These attacks use nothing the scan flags: what stops them is the sandbox, or the checks."""
    statuses = {t["status"] for t in attacked.results[attacker]["tests"]}
    assert "tampering" not in statuses, attacked.results[attacker]["tests"]


def test_nobody_else_is_harmed(attacked):
    for name in HONEST + ODD_NAMES:
        assert attacked.points[name] == {"00.1": 1, "00.2": 1, "00.3": 1}, (name, attacked.results[name])
    # A poisoned kernelspec would have stripped the checks' asserts: wrong answers still fail.
    assert total(attacked, "zz-wrong-after-the-poisoning") == 0
    for name, before in attacked.notebooks_before.items():
        assert (attacked.root / name / NOTEBOOK).read_bytes() == before, f"{name}'s notebook was changed"


def test_the_course_tree_and_the_venv_are_unchanged(attacked):
    assert attacked.course_changes == []
    assert attacked.venv_changes == []


def test_nothing_the_learners_started_is_still_running(attacked):
    assert attacked.left_running == []
    assert processes_with(attacked.token.encode()) == []


def test_the_outputs_are_the_graders(attacked):
    rows = {row[0]: row for row in attacked.csv_rows[1:]}
    assert attacked.csv_rows[0] == ["learner", "00.1", "00.2", "00.3", "total"]
    assert rows["aa-honest-first"][-1] == "3" and attacks.FORGERY not in json.dumps(attacked.csv_rows)
    assert attacks.FORGERY not in attacked.report
    assert not any(attacks.FORGERY in json.dumps(body) for body in attacked.results.values())
    assert all(body["graded_by"] == grading.RESULTS_MARKER for body in attacked.results.values())


def test_impostors_and_tampering_are_named(attacked):
    impostor = {t["name"]: t["message"] for t in attacked.results["attack-impostor-values"]["tests"]}
    assert "server_software() returned a str subclass (_AlwaysEqual), not a plain str" in impostor["00.1"]
    assert "returned a dict subclass (_AlwaysEqualDict), not a plain dict" in impostor["00.3"]
    for attacker in ("attack-replaces-the-check-runner", "attack-forges-results", "attack-steals-the-nonce"):
        statuses = {t["name"]: t["status"] for t in attacked.results[attacker]["tests"]}
        assert statuses["00.1"] == "tampering", (attacker, attacked.results[attacker]["tests"])
    assert "## Tampering suspected" in attacked.report
    assert "**attack\\-steals\\-the\\-nonce** 00.1: tampering" not in attacked.report  # '-' is not escaped
    assert "**attack-steals-the-nonce** 00.1: tampering" in attacked.report


def test_a_kernel_has_limits_and_no_root(attacked):
    message = next(t["message"] for t in attacked.results["attack-hogs-resources"]["tests"] if t["name"] == "00.1")
    uid = int(message.split("uid=")[1].split()[0])
    if os.getuid() == 0:
        assert uid != 0, "a root grader's kernels run as a uid of their own"
    assert "memory=MemoryError" in message and "file=File too large" in message


def test_no_secret_reaches_an_output(attacked):
    secret_lines = [
        line.strip()
        for path in (SOLUTIONS_DIR / "hidden" / "lesson_00.py", SOLUTIONS_DIR / NOTEBOOK)
        for line in path.read_text().splitlines()
        if len(line.strip()) >= 25
    ]
    outputs = [attacked.report, *(json.dumps(body) for body in attacked.results.values())]
    for line in secret_lines:
        assert not any(line in text for text in outputs), line
    assert not any("LEAK" in text and "hidden_test" in text for text in outputs)
    leak = next(t for t in attacked.results["attack-leaks-files"]["tests"] if t["name"] == "00.1")
    # "LEAK " followed by nothing it found, then the call that raised it (in the learner's own code)
    assert leak["status"] == "error" and leak["message"].startswith("RuntimeError: LEAK , in server_software("), (
        "the files are not there"
    )


def test_links_are_not_followed(attacked):
    linked = attacked.results.get("attack-links-the-solution")
    assert linked is not None and linked["points"] == 0
    assert linked["notebooks"][NOTEBOOK]["status"] == "unreadable"
    assert "is a link" in linked["notebooks"][NOTEBOOK]["message"]
    # results.json links are left alone: the victim keeps its own, nothing appears outside.
    assert (attacked.root / "attack-links-results" / "results.json").is_symlink()
    assert attacked.results["aa-honest-first"]["learner"] == "aa-honest-first"
    assert attacked.results["aa-honest-first"]["points"] == 3
    assert list(attacked.outside.iterdir()) == []


def test_unusual_names_are_graded_and_quoted(attacked):
    names = [row[0] for row in attacked.csv_rows[1:]]
    assert "'=1+2" in names, "a name a spreadsheet would run is quoted"
    assert "new\\x0aline" in names and "pipe|name" in names and "Zoë Ünicode space" in names
    totals = attacked.report.split("## Totals")[1].split("##")[0]
    rows = [line for line in totals.splitlines() if line.startswith("|")]
    for row in rows:
        assert row.replace("\\|", "").count("|") == 3, row
    assert "pipe\\|name" in totals and "new\\\\x0aline" in totals


def test_a_cell_whose_source_is_a_number_is_a_clean_error(attacked):
    body = attacked.results["broken-int-source"]
    status = body["notebooks"][NOTEBOOK]
    assert status["status"] == "unreadable"
    assert "cell 2: its source should be text, not a number" in status["message"]
    assert "Traceback" not in json.dumps(body)
