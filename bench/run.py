"""Benchmarks the README quotes. Run with `make bench`.

1. demo server start-up: start() until the first answer, median of 20 starts (target < 100 ms);
2. `course check` on one exercise notebook, wall time (target < 5 s);
3. nbval validation time of each lesson and solution notebook;
4. `course grade` on a class of five (complete, untouched, infinite loop,
   syntax error, checks deleted), wall time with 2 jobs (target < 30 s);
5. the JupyterLab UI test (lessons 01 and 04 run in Chromium), wall time (target < 90 s).

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


def lab_ui_test_seconds() -> float:
    """tests/test_lab_ui.py on its own: make lab's JupyterLab, lessons 01 and 04, Run All in Chromium."""
    return wall_seconds(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-o", "addopts=", "tests/test_lab_ui.py"]
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
    results["lab_ui_test_s"] = round(lab_ui_test_seconds(), 1)
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
    print(f"| JupyterLab UI test: lessons 01 and 04 in Chromium | {results['lab_ui_test_s']} s | < 90 s |")
    for name, seconds in results["nbval_s"].items():
        print(f"| nbval `{name}` | {seconds} s | |")
    out = ROOT / "bench" / f"results-{results['date']}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
