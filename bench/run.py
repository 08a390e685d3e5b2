"""Benchmarks the README quotes. Run with `make bench`.

1. demo server start-up: start() until the first answer, median of 20 starts (target < 100 ms);
2. `course check` on one exercise notebook, wall time (target < 5 s);
3. nbval validation time of each lesson and solution notebook;
4. `course grade` on a class of five (complete, untouched, infinite loop,
   syntax error, checks deleted), wall time with 2 jobs (target < 30 s);
5. lesson 07: the course's Redis session store against Flask-Session's Redis
   interface, same Redis server, 8 concurrent clients (target ratio >= 1.0).

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


# --- lesson 07: the course's Redis store against Flask-Session's, same Redis ----------------------------


def redis_store_vs_flask_session(clients: int = 8, sessions_per_client: int = 20, rounds: int = 3) -> dict:
    """Sessions per second, each session a login, 10 reads (GET /sessions/me) and 1 write (POST /sessions/cart),
    ``clients`` at once: one process of the course's app on its Redis store, one of the Flask-Session app,
    on the same embedded Redis server. Rounds alternate between the two; the median round counts.
    Both hash passwords with the same cheap scrypt, so the login measures the store, not scrypt.
    Then 50 concurrent cart adds on each: how many items each keeps (the course's store must keep 50).
    """
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    from demo_server.scale.cluster import start_cluster
    from demo_server.scale.redis_server import start_redis_server

    login = json.dumps({"username": "alice", "password": demo_server.DEMO_USERS["alice"]})

    def one_session(connection: http.client.HTTPConnection, cookie_name: str, item: str) -> None:
        headers = {"Content-Type": "application/json"}
        connection.request("POST", "/sessions/login", body=login, headers=headers)
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200, answer.status
        cookie = next(c for c in answer.headers.get_all("Set-Cookie") if c.startswith(cookie_name + "="))
        headers["Cookie"] = cookie.split(";", 1)[0]
        for _ in range(10):
            connection.request("GET", "/sessions/me", headers=headers)
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 200, answer.status
        connection.request("POST", "/sessions/cart", body=json.dumps({"item": item}), headers=headers)
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 201, answer.status

    def sessions_per_second(url: str, cookie_name: str) -> float:
        port = int(url.rsplit(":", 1)[1])

        def client(n: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                for k in range(sessions_per_client):
                    one_session(connection, cookie_name, f"item{n}-{k}")
            finally:
                connection.close()

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(client, range(clients)))
        return clients * sessions_per_client / (time.perf_counter() - started)

    def items_kept_of_50(url: str, cookie_name: str) -> int:
        port = int(url.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/sessions/login", body=login, headers={"Content-Type": "application/json"})
        answer = connection.getresponse()
        answer.read()
        cookie = next(c for c in answer.headers.get_all("Set-Cookie") if c.startswith(cookie_name + "="))
        headers = {"Content-Type": "application/json", "Cookie": cookie.split(";", 1)[0]}
        connection.close()

        def add(n: int) -> None:
            adder = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            adder.request("POST", "/sessions/cart", body=json.dumps({"item": f"item{n}"}), headers=headers)
            adder.getresponse().read()
            adder.close()

        with ThreadPoolExecutor(max_workers=10) as pool:
            list(pool.map(add, range(50)))
        reader = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        reader.request("GET", "/sessions/cart", headers=headers)
        kept = len(json.loads(reader.getresponse().read())["cart"])
        reader.close()
        return kept

    redis_server = start_redis_server()
    fast_hash = "scrypt:1024:8:1"
    course = start_cluster(1, redis_server.url, name="bench-course-redis", password_hash=fast_hash)
    library = start_cluster(
        1, redis_server.url, flask_session=True, name="bench-flask-session", password_hash=fast_hash
    )
    try:
        sides = {"course": (course.urls[0], "sid"), "flask_session": (library.urls[0], "session")}
        for url, cookie_name in sides.values():
            sessions_per_second(url, cookie_name)  # warm up: imports, script loading, connection pools
        measured: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(rounds):
            for name, (url, cookie_name) in sides.items():
                measured[name].append(sessions_per_second(url, cookie_name))
        kept = {name: items_kept_of_50(url, cookie_name) for name, (url, cookie_name) in sides.items()}
    finally:
        course.stop()
        library.stop()
        redis_server.stop()
    course_rate = statistics.median(measured["course"])
    library_rate = statistics.median(measured["flask_session"])
    return {
        "clients": clients,
        "sessions_per_second": {"course": round(course_rate, 1), "flask_session": round(library_rate, 1)},
        "ratio": round(course_rate / library_rate, 2),
        "items_kept_of_50": kept,
        "redis": redis_server.version,
    }


def redis_store_vs_flask_session_row(measured: dict) -> str:
    rates, kept = measured["sessions_per_second"], measured["items_kept_of_50"]
    return (
        f"| lesson 07: course Redis store / Flask-Session on the same Redis {measured['redis']}, "
        f"{measured['clients']} clients, login + 10 reads + 1 write per session "
        f"({rates['course']} vs {rates['flask_session']} sessions/s; 50 concurrent cart adds keep "
        f"{kept['course']} vs {kept['flask_session']}) | {measured['ratio']} | >= 1.0 |"
    )


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
    notebooks = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb")])
    results["nbval_s"] = {f"{p.parent.name}/{p.name}": round(nbval_seconds(p), 1) for p in notebooks}
    results["redis_store_vs_flask_session"] = redis_store_vs_flask_session()

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
    for name, seconds in results["nbval_s"].items():
        print(f"| nbval `{name}` | {seconds} s | |")
    print(redis_store_vs_flask_session_row(results["redis_store_vs_flask_session"]))
    out = ROOT / "bench" / f"results-{results['date']}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
