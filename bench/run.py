"""Benchmarks the README quotes. Run with `make bench`.

1. demo server start-up: start() until the first answer, median of 20 starts (target < 100 ms);
2. `course check` on one exercise notebook, wall time (target < 5 s);
3. nbval validation time of each lesson and solution notebook;
4. `course grade` on a class of five (complete, untouched, infinite loop,
   syntax error, checks deleted), wall time with 2 jobs (target < 30 s);
5. `course grade` on lesson 00's class of twenty (synthetic_class.class_of_twenty), the
   sandbox on, whole-process wall time at --jobs 1 and --jobs 2, medians of 3 interleaved
   runs, and the grades each learner got (they must be the expected ones, every run);
6. `course check` on every exercise and solution notebook, median of 3 (target <= 1.0 s).

`make bench-anchors` (bench/anchors.py) times nbgrader on the same class in a venv of its own.

Numbers go to stdout as a Markdown table (paste it into the README) and to
bench/results-<date>.json (not committed).
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import nbformat

import demo_server
from course.authoring import synthetic_class as cb
from course.grading import grade_command as grading
from course.terminal import Terminal

ROOT = Path(__file__).resolve().parent.parent


def server_start_ms(runs: int = 20) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        server = demo_server.start()
        times.append((time.perf_counter() - started) * 1000)
        server.stop()
    return times


def weak_key_attack_ms(runs: int = 5) -> tuple[float, float]:
    """Lesson 02's word-list attack on /vuln/signed, best of 5: (time to find the weak key,
    time to try every word against a cookie whose key is not in the list)."""
    import secrets

    from course.lessons.by_hand.flask_session_cookie import guess_secret_key, sign_session

    client = demo_server.create_app({"INSECURE_DEMOS": True}).test_client()
    client.post("/vuln/signed/login", json={"username": "mallory", "password": "let-me-in"})
    weak_cookie = client.get_cookie("vuln_session").value
    strong_cookie = sign_session({"user": "mallory"}, secrets.token_bytes(32), int(demo_server.DEMO_EPOCH))
    words = (ROOT / "notebooks" / "data" / "weak-secrets.txt").read_text().split()

    def best_ms(cookie: str, found: bool) -> float:
        best = float("inf")
        for _ in range(runs):
            started = time.perf_counter()
            assert (guess_secret_key(cookie, words) is not None) == found
            best = min(best, time.perf_counter() - started)
        return round(best * 1000, 1)

    return best_ms(weak_cookie, True), best_ms(strong_cookie, False)


def wall_seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - started


def nbval_seconds(notebook: Path) -> float:
    return wall_seconds(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            "tests/nbval_sanitize.cfg",
            str(notebook.relative_to(ROOT)),
        ]
    )


def grade_class_of_five_seconds() -> float:
    solution = nbformat.read(ROOT / "solutions" / "00-start-here.ipynb", as_version=4)
    done, stub = cb.complete(solution), cb.untouched(solution)
    learners = {
        "complete": done,
        "untouched": stub,
        "infinite-loop": cb.with_answer(done, "00.2", cb.looping(cb.answer_source(done, "00.2"))),
        "syntax-error": cb.with_answer(done, "00.1", cb.broken_syntax(cb.answer_source(done, "00.1"))),
        "checks-deleted": cb.without_check_cells(done),
    }
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, notebook in learners.items():
            (root / name).mkdir()
            nbformat.write(notebook, root / name / "00-start-here.ipynb")
        started = time.perf_counter()
        grading.grade(
            root, csv_path=root / "g.csv", md_path=root / "r.md", jobs=2, cell_timeout=10, terminal=Terminal()
        )
        return time.perf_counter() - started


def class_of_twenty_folder(folder: Path) -> Path:
    """Lesson 00's class of twenty, written out as SUBMISSIONS/<learner>/00-start-here.ipynb."""
    solution = nbformat.read(ROOT / "solutions" / "00-start-here.ipynb", as_version=4)
    submissions = folder / "submissions"
    for name, notebook in cb.class_of_twenty(solution).items():
        (submissions / name).mkdir(parents=True)
        nbformat.write(notebook, submissions / name / "00-start-here.ipynb")
    return submissions


def grade_class_of_twenty(rounds: int = 3) -> dict:
    """Wall time of `course grade` (the whole command) at 1 and 2 jobs, interleaved; and
    whether every learner got the expected grade in every run."""
    import csv

    times: dict[int, list[float]] = {1: [], 2: []}
    wrong: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        submissions = class_of_twenty_folder(Path(folder))
        for _ in range(rounds):
            for jobs in (1, 2):
                grades = Path(folder) / f"grades-{jobs}.csv"
                command = [sys.executable, "-m", "course.cli", "grade", str(submissions), "--csv", str(grades),
                           "--md", str(Path(folder) / "report.md"), "--jobs", str(jobs), "--timeout", "10"]  # fmt: skip
                times[jobs].append(wall_seconds(command))
                with open(grades, newline="") as table:
                    for row in list(csv.reader(table))[1:]:
                        if int(row[-1]) != cb.expected_points_of_twenty(row[0]):
                            wrong.append(f"{row[0]}: {row[-1]} at --jobs {jobs}")
    return {
        "jobs_1_s": round(statistics.median(times[1]), 1),
        "jobs_2_s": round(statistics.median(times[2]), 1),
        "samples": times,
        "grades_as_expected": not wrong,
        "wrong_grades": wrong,
    }


def course_check_medians(rounds: int = 3) -> dict[str, float]:
    """`course check NOTEBOOK` (the whole command), median of ``rounds``, per notebook."""
    notebooks = sorted([*ROOT.glob("exercises/[0-9][0-9]-*.ipynb"), *ROOT.glob("solutions/[0-9][0-9]-*.ipynb")])
    samples: dict[str, list[float]] = {f"{p.parent.name}/{p.name}": [] for p in notebooks}
    for _ in range(rounds):  # interleaved, so that the machine's ups and downs spread evenly
        for path in notebooks:
            command = [sys.executable, "-m", "course.cli", "check", str(path.relative_to(ROOT))]
            samples[f"{path.parent.name}/{path.name}"].append(wall_seconds(command))
    return {name: round(statistics.median(times), 2) for name, times in samples.items()}


def main() -> int:
    results: dict = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
    }
    starts = server_start_ms()
    results["server_start_ms"] = {"median": round(statistics.median(starts), 1), "max": round(max(starts), 1)}
    found_ms, whole_list_ms = weak_key_attack_ms()
    results["weak_key_attack_ms"] = {"found": found_ms, "whole_list": whole_list_ms}
    results["course_check_s"] = round(
        wall_seconds([sys.executable, "-m", "course.cli", "check", "exercises/00-start-here.ipynb"]), 2
    )
    results["grade_class_of_five_s"] = round(grade_class_of_five_seconds(), 1)
    results["grade_class_of_twenty"] = grade_class_of_twenty()
    results["course_check_median_s"] = course_check_medians()
    notebooks = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb")])
    results["nbval_s"] = {f"{p.parent.name}/{p.name}": round(nbval_seconds(p), 1) for p in notebooks}

    print("| measure | result | target |")
    print("|---|---|---|")
    print(
        f"| demo server start until first answer, median of 20 | {results['server_start_ms']['median']} ms "
        f"(max {results['server_start_ms']['max']} ms) | < 100 ms |"
    )
    attack = results["weak_key_attack_ms"]
    print(
        f"| lesson 02: weak SECRET_KEY found from the word list | {attack['found']} ms "
        f"(whole list: {attack['whole_list']} ms) | < 2 s |"
    )
    print(f"| `course check exercises/00-start-here.ipynb` | {results['course_check_s']} s | < 5 s |")
    print(f"| `course grade`, class of five, 2 jobs | {results['grade_class_of_five_s']} s | < 30 s |")
    twenty = results["grade_class_of_twenty"]
    same = (
        "grades as expected" if twenty["grades_as_expected"] else "WRONG GRADES: " + "; ".join(twenty["wrong_grades"])
    )
    label = "`course grade`, lesson 00, class of twenty, sandbox on"
    print(f"| {label}, --jobs 2 | {twenty['jobs_2_s']} s ({same}) | <= 14 s |")
    print(f"| {label}, --jobs 1 | {twenty['jobs_1_s']} s | |")
    checks = results["course_check_median_s"]
    slowest = max(checks, key=checks.get)
    print(f"| `course check`, median of 3, slowest notebook | {checks[slowest]} s ({slowest}) | <= 1.0 s |")
    for name, seconds in checks.items():
        print(f"| `course check {name}` | {seconds} s | <= 1.0 s |")
    for name, seconds in results["nbval_s"].items():
        print(f"| nbval `{name}` | {seconds} s | |")
    out = ROOT / "bench" / f"results-{results['date']}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
