"""Measuring what a session costs per request (lesson 07): latency, throughput, and trips to the store.

Timings vary from run to run and machine to machine, so lessons plot them and
print none. What does not vary is how many times a request goes to the
store; ``store_trips`` counts that inside an app.

Every loop here is bounded (a fixed number of requests), and every request
goes to 127.0.0.1 over a kept-alive connection, so the numbers are the
server's work and not TCP handshakes.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from demo_server.one_line_error import OneLineError

MAX_REQUESTS = 5_000  # a bound on any one measurement, so a typo cannot hang a notebook


class MeasurementError(OneLineError, RuntimeError):
    """A measurement that could not be made; ``str(error)`` says why."""


@dataclass(frozen=True)
class Latency:
    """Seconds per request, one sample each."""

    samples: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


def latency(url: str, path: str, *, headers: dict | None = None, requests: int = 200, warmup: int = 20) -> Latency:
    """Send ``requests`` GETs one after another (after ``warmup`` unmeasured ones); time each."""
    _check_count(requests + warmup)
    connection = _Connection(url, headers or {})
    try:
        for _ in range(warmup):
            connection.get(path)
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            connection.get(path)
            samples.append(time.perf_counter() - started)
    finally:
        connection.close()
    return Latency(samples)


def throughput(url: str, path: str, *, headers: dict | None = None, clients: int = 8, requests: int = 240) -> float:
    """Requests per second when ``clients`` send ``requests`` GETs in all, each client on its own connection."""
    _check_count(requests)
    if not 1 <= clients <= 64:
        raise MeasurementError(f"1 to 64 concurrent clients, not {clients}")
    share = [requests // clients + (1 if n < requests % clients else 0) for n in range(clients)]
    connections = [_Connection(url, headers or {}) for _ in range(clients)]
    start = threading.Barrier(clients + 1)

    def run(index: int) -> None:
        connection = connections[index]
        connection.get(path)  # connect before the clock starts
        start.wait()
        for _ in range(share[index]):
            connection.get(path)

    try:
        with ThreadPoolExecutor(max_workers=clients) as pool:
            futures = [pool.submit(run, n) for n in range(clients)]
            start.wait()
            began = time.perf_counter()
            for future in futures:
                future.result()
            elapsed = time.perf_counter() - began
    finally:
        for connection in connections:
            connection.close()
    return requests / elapsed


def store_trips(app, path: str, *, login: str) -> dict[str, int]:
    """How many times one ``GET path`` goes to the store, counted inside an app (no HTTP):
    Redis commands sent (a script is one: it runs inside Redis), and SQL statements run.

    ``login`` is "session" (POST /sessions/login first) or "jwt" (POST /jwt/login, then a
    Bearer header). Redis pipelines are not counted (none of the lessons' requests uses one).
    """
    from demo_server import DEMO_USERS
    from demo_server.context import SESSION_STORE, SHARED_STORE

    client = app.test_client()
    credentials = {"username": "alice", "password": DEMO_USERS["alice"]}
    headers = {}
    if login == "session":
        if client.post("/sessions/login", json=credentials).status_code != 200:
            raise MeasurementError("the session login failed")
    elif login == "jwt":
        answer = client.post("/jwt/login", json=credentials)
        if answer.status_code != 200:
            raise MeasurementError("the JWT login failed")
        headers["Authorization"] = f"Bearer {answer.json['access_token']}"
    else:
        raise MeasurementError(f"login is 'session' or 'jwt', not {login!r}")

    client.get(path, headers=headers)  # once uncounted: the first call loads the store's Lua scripts
    counts = {"redis": 0, "sql": 0}
    shared = app.extensions[SHARED_STORE]
    redis_clients = [c for c in (shared.redis, app.config.get("SESSION_REDIS")) if c is not None]
    database = getattr(app.extensions.get(SESSION_STORE), "_db", None)  # the SQLite store's connection

    def counting(real):
        def execute_command(*args, **options):
            counts["redis"] += 1
            return real(*args, **options)

        return execute_command

    for redis_client in redis_clients:
        redis_client.execute_command = counting(redis_client.execute_command)
    if database is not None:
        database.set_trace_callback(lambda statement: counts.__setitem__("sql", counts["sql"] + 1))
    try:
        answer = client.get(path, headers=headers)
    finally:
        for redis_client in redis_clients:
            del redis_client.execute_command  # the class's method again
        if database is not None:
            database.set_trace_callback(None)
    if answer.status_code != 200:
        raise MeasurementError(f"GET {path} answered {answer.status_code}")
    return counts


class _Connection:
    """One kept-alive HTTP/1.1 connection that fails loudly on anything but 200."""

    def __init__(self, url: str, headers: dict) -> None:
        parts = urlsplit(url)
        if parts.hostname != "127.0.0.1":
            raise MeasurementError(f"measurements go to 127.0.0.1 only, not {url!r}")
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        self._headers = headers

    def get(self, path: str) -> None:
        self._connection.request("GET", path, headers=self._headers)
        answer = self._connection.getresponse()
        body = answer.read()
        if answer.status != 200:
            raise MeasurementError(f"GET {path} answered {answer.status}: {body[:200].decode(errors='replace')}")

    def close(self) -> None:
        self._connection.close()


def _check_count(requests: int) -> None:
    if not 1 <= requests <= MAX_REQUESTS:
        raise MeasurementError(f"1 to {MAX_REQUESTS} requests per measurement, not {requests}")
