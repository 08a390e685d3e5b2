"""Several demo server processes on one store (lesson 07): start them, kill one, restart, stop all.

    cluster = start_cluster(3, store="redis")    # app-1, app-2, app-3, each `python -m demo_server`
    cluster.urls                                 # where they listen (127.0.0.1, free ports)
    cluster.kill("app-2")                        # a crash: SIGKILL, no goodbye
    cluster.restart("app-2")                     # back on the same port, with the current key set
    cluster.stop()                               # every process, and the embedded Redis if it started one

Each process is a real ``python -m demo_server`` with ``--store`` (the same
store for all: a dict each for ``memory``, one SQLite file, one Redis server)
and ``--keys`` (one key set file for all, so a cookie or token one signs, the
others verify). ``store="redis"`` uses ``$REDIS_URL`` if set, else starts an
embedded Redis server for the cluster.

No process outlives its owner: ``stop()``, interpreter exit, and the parent's
death (each child stops when its standard input closes, and stays in the
parent's process group) all end them.
"""

from __future__ import annotations

import atexit
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from demo_server.one_line_error import OneLineError
from demo_server.runner import HOST
from demo_server.scale.keyset import KeySet
from demo_server.scale.redis_server import RedisServer, start_redis_server
from demo_server.scale.shared_store import open_store
from demo_server.scale.store_url import MEMORY, REDIS, SQLITE, StoreError, StoreLocation, parse_store_url

START_TIMEOUT_SECONDS = 60.0  # several Python processes importing Flask at once, on a busy machine
STOP_TIMEOUT_SECONDS = 5.0
READY_LINE = "Serving on http://"


class ClusterError(OneLineError, RuntimeError):
    """A process did not start or is not there; ``str(error)`` says which and why."""


@dataclass
class Instance:
    """One app process: ``.name``, ``.url``, ``.alive``."""

    name: str
    port: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)
    log_path: Path | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None


class Cluster:
    """Processes serving the same users from one store. Make one with ``start_cluster``."""

    def __init__(
        self,
        name: str,
        location: StoreLocation,
        store_url: str,
        directory: Path,
        keys: KeySet,
        command_options: list[str],
        redis_server: RedisServer | None,
    ) -> None:
        self.name = name
        self.location = location
        self.store_url = store_url  # what each process gets as --store (may name a private path: don't print it)
        self.keys = KeySet.from_json(keys.to_json())  # the cluster's own copy: rotating it changes no other
        self.instances: list[Instance] = []
        self._directory = directory
        self._keys_path = directory / "keys.json"
        self._options = command_options
        self._redis_server = redis_server
        self._clients: list[redis.Redis] = []
        self._stopped = False
        self.publish_keys()

    # --- what a lesson looks at ------------------------------------------

    @property
    def urls(self) -> list[str]:
        return [instance.url for instance in self.instances]

    @property
    def names(self) -> list[str]:
        return [instance.name for instance in self.instances]

    def instance(self, which: str | int) -> Instance:
        """An instance by name ("app-2") or position (1)."""
        if isinstance(which, int) and not isinstance(which, bool):
            if 0 <= which < len(self.instances):
                return self.instances[which]
        for instance in self.instances:
            if instance.name == which:
                return instance
        raise ClusterError(f"{self.name} has no instance {which!r} (it has {', '.join(self.names)})")

    def alive(self) -> list[str]:
        """The names of the instances that are running."""
        return [instance.name for instance in self.instances if instance.alive]

    def redis(self, *, binary: bool = False) -> redis.Redis:
        """A client of the cluster's Redis store, closed by ``stop()``: strings in and out, or
        bytes with ``binary=True`` (for values that are not text, such as Flask-Session's msgpack)."""
        if self.location.kind != REDIS:
            raise ClusterError(f"{self.name} keeps its sessions in {self.location.describe()}, not in Redis")
        self._require_running()
        client = redis.Redis.from_url(self.store_url, decode_responses=not binary, socket_timeout=5)
        self._clients.append(client)
        return client

    # --- crashes, restarts, key rotation ----------------------------------

    def kill(self, which: str | int) -> Instance:
        """Kill one process at once (SIGKILL): a crash, mid-request for whoever was being served."""
        instance = self.instance(which)
        if instance.alive:
            instance.process.kill()
            instance.process.wait()
        _close_pipes(instance.process)
        return instance

    def restart(self, which: str | int) -> Instance:
        """Stop one process (if running) and start it again on the same port; it reads the key set afresh."""
        self._require_running()
        instance = self.instance(which)
        _stop_processes([instance])
        self._launch([instance])
        return instance

    def rolling_restart(self) -> None:
        """Restart every process, one at a time, each answering again before the next goes down."""
        for instance in self.instances:
            self.restart(instance.name)

    def publish_keys(self) -> None:
        """Write ``self.keys`` to the file every process loads when it starts (``restart`` to apply)."""
        self.keys.save(self._keys_path)

    # --- the end ------------------------------------------------------------

    def stop(self) -> None:
        """Stop every process, then the cluster's embedded Redis server (safe to call twice)."""
        if self._stopped:
            return
        self._stopped = True
        _stop_processes(self.instances)
        for client in self._clients:
            client.close()
        if self._redis_server is not None:
            self._redis_server.stop()
        shutil.rmtree(self._directory, ignore_errors=True)
        with _lock:
            if _clusters.get(self.name) is self:
                del _clusters[self.name]

    @property
    def running(self) -> bool:
        return not self._stopped

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        if self._stopped:
            return f"<Cluster {self.name} (stopped)>"
        states = ", ".join(f"{i.name} {'running' if i.alive else 'down'}" for i in self.instances)
        return f"<Cluster {self.name}: {states}; store {self.location.describe()}>"

    # --- processes ---------------------------------------------------------

    def _launch(self, instances: list[Instance]) -> None:
        """Start these instances' processes together and wait until each listens."""
        for instance in instances:
            instance.log_path = self._directory / f"{instance.name}.log"
            command = [
                sys.executable,
                "-m",
                "demo_server",
                "--port",
                str(instance.port),
                "--name",
                instance.name,
                "--store",
                self.store_url,
                "--keys",
                str(self._keys_path),
                "--stop-with-parent",
                *self._options,
            ]
            with open(instance.log_path, "wb") as log:
                instance.process = subprocess.Popen(
                    command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True
                )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        for instance in instances:
            instance.port = _wait_for_port(instance, deadline)

    def _require_running(self) -> None:
        if self._stopped:
            raise ClusterError(f"{self.name} was stopped: run the cell that starts it again")


def start_cluster(
    count: int = 3,
    store: str = MEMORY,
    *,
    keys: KeySet | None = None,
    flask_session: bool = False,
    name: str | None = None,
    password_hash: str | None = None,
) -> Cluster:
    """Start ``count`` app processes on ``store`` and return when every one listens.

    ``keys``: the key set they all load (default: new random keys). ``flask_session``:
    run the Flask-Session app instead (a Redis store only). ``name``: the cluster's name
    (default from the store); starting a cluster with a running one's name stops that one
    first, so re-running a notebook cell leaves one cluster, not two. ``password_hash``:
    the demo users' hash method (e.g. "scrypt:1024:8:1" for fast tests).
    """
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 16:
        raise ClusterError(f"a cluster has 1 to 16 processes, not {count!r}")
    location = parse_store_url(store)
    if flask_session and location.kind != REDIS:
        raise StoreError(f"Flask-Session's app keeps sessions in Redis: give it a Redis store, not {store!r}")
    prefix = "fs" if flask_session else "app"
    name = name or f"{'flask-session' if flask_session else 'demo'}-{location.kind}"
    stop_cluster(name)

    directory = Path(tempfile.mkdtemp(prefix="sessions-live-cluster-"))
    redis_server = None
    try:
        store_url, redis_server = _shared_store_for_processes(location, store, directory)
        options = ["--flask-session"] if flask_session else []
        if password_hash:
            options += ["--password-hash", password_hash]
        cluster = Cluster(name, location, store_url, directory, keys or KeySet.new(), options, redis_server)
        cluster.instances = [Instance(f"{prefix}-{n}") for n in range(1, count + 1)]
        with _lock:
            _clusters[name] = cluster
        try:
            cluster._launch(cluster.instances)
        except BaseException:
            cluster.stop()
            raise
        return cluster
    except BaseException:
        if redis_server is not None:
            redis_server.stop()
        shutil.rmtree(directory, ignore_errors=True)
        raise


def stop_cluster(name: str) -> None:
    """Stop the running cluster with this name, if any."""
    with _lock:
        cluster = _clusters.get(name)
    if cluster is not None:
        cluster.stop()


def stop_all() -> None:
    """Stop every cluster this process started."""
    with _lock:
        clusters = list(_clusters.values())
    for cluster in clusters:
        cluster.stop()


def running_clusters() -> list[Cluster]:
    with _lock:
        return list(_clusters.values())


def _shared_store_for_processes(location: StoreLocation, store: str, directory: Path) -> tuple[str, RedisServer | None]:
    """The --store every process gets, so that they share one store (and the Redis server we started)."""
    if location.kind == MEMORY:
        return MEMORY, None  # one dict per process: nothing shared, which is the point
    if location.kind == SQLITE:
        if location.shared:
            return store, None
        return f"sqlite:///{directory / 'sessions.db'}", None  # an absolute path: sqlite:////tmp/...
    if location.redis_url is None:
        server = start_redis_server()
        return server.url, server
    open_store(location).close()  # fail here, in one line, rather than in every process
    return location.redis_url, None


def _wait_for_port(instance: Instance, deadline: float) -> int:
    process = instance.process
    line = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        ready, _, _ = select.select([process.stdout], [], [], 0.05)
        if ready:
            line = process.stdout.readline()
            break
    if line.startswith(READY_LINE):
        return int(line.strip().rsplit(":", 1)[1])
    if process.poll() is None:
        process.kill()
        process.wait()
    _close_pipes(process)
    raise ClusterError(f"{instance.name} did not start: {_last_line(instance.log_path)}")


def _stop_processes(instances: list[Instance]) -> None:
    running = [i.process for i in instances if i.alive]
    for process in running:
        process.send_signal(signal.SIGTERM)  # the child stops serving, closes its store, exits
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for instance in instances:
        _close_pipes(instance.process)


def _close_pipes(process: subprocess.Popen | None) -> None:
    if process is None:
        return
    for pipe in (process.stdin, process.stdout):
        if pipe is not None and not pipe.closed:
            try:
                pipe.close()
            except OSError:
                pass


def _last_line(path: Path | None) -> str:
    try:
        lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except (OSError, AttributeError):
        return "no output"
    return lines[-1].strip() if lines else f"it exited without a word (see {os.path.basename(str(path))})"


_clusters: dict[str, Cluster] = {}
_lock = threading.Lock()
atexit.register(stop_all)
