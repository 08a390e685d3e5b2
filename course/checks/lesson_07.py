"""Checks for exercises/07-sessions-at-scale.ipynb: the learner's code against real processes and a real Redis.

07.1 runs the learner's ``add_to_cart`` in this process and then in three
separate worker processes at once, all on the check's embedded Redis, and
counts what survived. 07.2 hands the learner's ``session_survives_its_process``
a fresh cluster behind a balancer, three processes on Redis (the session
must survive) and two in memory (it must not), and reads the balancer's log
to see that the learner really logged in, killed the process that created
the session, and asked another one.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import tempfile
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from course.checks import exercise, needs
from course.checks._support import random_word
from course.checks._values import original

FAST_HASH = "scrypt:1024:8:1"  # the checks test sessions, not password hashing
WORKER = Path(__file__).with_name("redis_race_worker.py")
WORKER_HEADER = "import json\nimport random\nimport time\n\nimport redis\n\n"
WORKER_TIMEOUT_SECONDS = 12

_redis_server = None
_redis_lock = threading.Lock()


def check_redis():
    """The checks' own embedded Redis server: started at the first check that needs it, stopped at exit."""
    global _redis_server
    from demo_server.scale.redis_server import start_redis_server

    with _redis_lock:
        if _redis_server is None or not _redis_server.running:
            _redis_server = start_redis_server()
        return _redis_server


def cart_of(client, key: str) -> list:
    raw = client.get(key)
    assert raw is not None, f"add_to_cart left nothing under {key!r}: SET the cart (a JSON list) there"
    try:
        cart = json.loads(raw)
    except ValueError:
        raise AssertionError(f"the value under the key is not JSON: {raw[:60]!r}") from None
    assert isinstance(cart, list), f"the cart must be a JSON list, got {type(cart).__name__}"
    return cart


def add_concurrently(add_to_cart, client, key: str, threads: int, adds: int, name: str) -> list:
    """Call add_to_cart from ``threads`` threads of this process at once; returns what each call returned."""
    start = threading.Barrier(threads)

    def run(thread: int) -> list:
        start.wait()
        return [add_to_cart(client, key, f"{name}-{thread}-{n}") for n in range(adds)]

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return [value for values in pool.map(run, range(threads)) for value in values]


def add_from_processes(add_to_cart, url: str, key: str, processes: int, threads: int, adds: int) -> list:
    """Run add_to_cart in ``processes`` separate Python processes at once; returns every call's return value."""
    add_to_cart = original(add_to_cart)  # its source goes to the processes; what they return comes back as JSON
    try:
        source = textwrap.dedent(inspect.getsource(add_to_cart))
    except (OSError, TypeError):
        raise AssertionError("define add_to_cart with def in a notebook cell (the check copies its source)") from None
    with tempfile.TemporaryDirectory(prefix="check-07-") as folder:
        module = Path(folder) / "learner_cart.py"
        module.write_text(WORKER_HEADER + source, encoding="utf-8")
        workers = [
            subprocess.Popen(
                [sys.executable, str(WORKER), "--module", str(module), "--function", add_to_cart.__name__]
                + ["--redis", url, "--key", key]
                + ["--name", f"p{n}", "--threads", str(threads), "--adds", str(adds)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(processes)
        ]
        reports = []
        try:
            for worker in workers:
                out, err = worker.communicate(timeout=WORKER_TIMEOUT_SECONDS)
                lines = out.strip().splitlines()
                assert lines, f"a worker process failed: {err.strip().splitlines()[-1:] or 'no output'}"
                reports.append(json.loads(lines[-1]))
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"add_to_cart did not finish in {WORKER_TIMEOUT_SECONDS} s in the worker processes: "
                "does it retry forever?"
            ) from None
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
    errors = [error for report in reports for error in report["errors"]]
    if errors:
        hint = ""
        if any(error.startswith("NameError") for error in errors):
            hint = (
                " The other processes get add_to_cart's own source only (plus json, random, time and redis): "
                "define everything it uses inside it."
            )
        raise AssertionError(f"add_to_cart raised in a worker process: {errors[0]}.{hint}")
    return [value for report in reports for value in report["returned"]]


def assert_nothing_lost(client, key: str, returned: list, expected_items: set, where: str) -> None:
    cart = cart_of(client, key)
    lost = expected_items - set(cart)
    assert not lost, (
        f"{len(lost)} of {len(expected_items)} items were lost when {where}: two adds read the same cart "
        "and the later SET overwrote the earlier. Make read-modify-write one atomic step "
        "(WATCH/MULTI/EXEC with a retry, or a Lua script)"
    )
    assert len(cart) == len(expected_items), f"the cart has {len(cart)} items after {len(expected_items)} adds"
    assert sorted(returned) == list(range(1, len(expected_items) + 1)), (
        "each add must return the cart's length just after *its* item went in (1, 2, 3, ... once each); "
        "some calls returned the same length, so they did not see each other's items"
    )


@exercise(
    "07.1",
    "An atomic cart add on Redis",
    hint="with r.pipeline() as pipe: loop { try: pipe.watch(key); cart = json.loads(pipe.get(key) or '[]'); "
    "cart.append(item); pipe.multi(); pipe.set(key, json.dumps(cart)); pipe.execute(); return len(cart) "
    "except redis.WatchError: continue }. Or one Lua script with r.eval: GET, cjson.decode, append, SET.",
)
def atomic_cart_add(ns):
    (add_to_cart,) = needs(ns, "add_to_cart")
    server = check_redis()
    client = server.client()
    try:
        key = f"cart:{random_word('check')}"
        first = random_word("item")
        length = add_to_cart(client, key, first)
        assert length == 1, f"adding to an empty cart should return 1 (its new length), got {length!r}"
        assert cart_of(client, key) == [first], f"after one add the cart should be [{first!r}]"
        second = random_word("item")
        assert add_to_cart(client, key, second) == 2, "the second add should return 2"
        assert cart_of(client, key) == [first, second], "items must be appended in order, the old ones kept"

        key = f"cart:{random_word('threads')}"
        returned = add_concurrently(add_to_cart, client, key, threads=8, adds=15, name="t")
        expected = {f"t-{thread}-{n}" for thread in range(8) for n in range(15)}
        assert_nothing_lost(client, key, returned, expected, "8 threads of this process added at once")

        key = f"cart:{random_word('processes')}"
        returned = add_from_processes(add_to_cart, server.url, key, processes=3, threads=4, adds=15)
        expected = {f"p{p}-{thread}-{n}" for p in range(3) for thread in range(4) for n in range(15)}
        assert_nothing_lost(client, key, returned, expected, "3 separate processes added at once")
    finally:
        client.close()


# --- 07.2 --------------------------------------------------------------------------------------


def run_against_cluster(survives, store: str, *, sticky: bool = False, count: int = 3) -> tuple[object, dict]:
    """Give ``survives`` a fresh cluster and balancer; return its answer and what really happened."""
    from course.lessons.balancer import start_balancer
    from demo_server.scale.cluster import start_cluster

    name = f"check-07-{store}-{'sticky' if sticky else 'rr'}-{count}"
    cluster = start_cluster(count, store, name=name, password_hash=FAST_HASH)
    balancer = start_balancer(cluster, sticky=sticky, name=name)
    try:
        answer = survives(balancer, cluster)
        return answer, {"log": list(balancer.log), "alive": cluster.alive(), "names": cluster.names}
    finally:
        balancer.stop()
        cluster.stop()


def judge(answer, happened: dict, store: str, expected: bool) -> None:
    log, alive = happened["log"], happened["alive"]
    assert isinstance(answer, bool), f"return True or False (the session survived or not), not {answer!r}"
    logins = [i for i, line in enumerate(log) if line.path == "/sessions/login" and line.status == 200]
    assert logins, "log in through the balancer first: POST {balancer.url}/sessions/login"
    creator = log[logins[-1]].backend
    assert creator not in alive, (
        f"the process that created the session ({creator}, in the login answer's X-Served-By) is still running: "
        "kill it with cluster.kill(name)"
    )
    assert len(alive) == len(happened["names"]) - 1, "kill only the process that created the session"
    asked = [line for line in log[logins[-1] + 1 :] if line.path == "/sessions/me" and line.backend]
    assert asked, "after the kill, ask GET {balancer.url}/sessions/me through the balancer"
    survived = asked[-1].status == 200
    assert survived == expected, (
        f"on store={store!r} the session {'survived' if expected else 'died with its process'}, "
        f"but /sessions/me answered {asked[-1].status}: check what you return"
    )
    assert answer == survived, (
        f"on store={store!r} /sessions/me answered {asked[-1].status} after the kill, "
        f"but your function returned {answer}: return whether that answer was 200"
    )


@exercise(
    "07.2",
    "Prove a session survives the death of its process",
    hint="client = new_client(); login = client.post(f'{balancer.url}/sessions/login', json=...); "
    "cluster.kill(login.headers['X-Served-By']); return client.get(f'{balancer.url}/sessions/me').status_code == 200",
)
def survives_its_process(ns):
    (session_survives_its_process,) = needs(ns, "session_survives_its_process")
    answer, happened = run_against_cluster(session_survives_its_process, "redis", count=3)
    judge(answer, happened, "redis", expected=True)
    # Two processes are enough for the session to land on a stranger (and start faster).
    answer, happened = run_against_cluster(session_survives_its_process, "memory", count=2)
    judge(answer, happened, "memory", expected=False)
