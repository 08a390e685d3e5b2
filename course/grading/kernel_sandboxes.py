"""A learner kernel's sandbox, its command line, and launching one before jupyter_client is loaded.

Nothing here imports jupyter_client: `course check` launches its kernel with ``launch_now``
as the command starts, and the kernel boots while the command imports jupyter_client and
nbclient (about 0.15 s) to talk to it (course.grading.kernels adopts it). The kernel's
command line is built here, never read from a kernelspec file (a learner who could write
one could have started every later kernel with ``python -O``, which strips asserts).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from course.grading.sandbox import (
    INSIDE_SOCKETS,
    BubblewrapArgs,
    Limits,
    Mode,
    UidLease,
    fallback_preexec,
    fallback_prefix,
    fallback_runs_as_root,
    is_alive,
    kernel_env,
    seccomp_refusing_user_namespaces,
)

# Run as the kernel starts, before any learner code: the checks take their own references
# then, and the notebook's imports are already done when it runs.
PRELOAD = "import course.checks as _course_checks; _course_checks.preload({lessons!r}); del _course_checks"
PR_SET_CHILD_SUBREAPER = 36
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class KernelStartError(RuntimeError):
    """A sandboxed kernel did not come up (the message says what it printed)."""


def kernel_command(connection_file: str, lessons: tuple[str, ...] | None = None) -> list[str]:
    """The kernel's command line (``lessons``: whose checks it loads as it starts; None: all)."""
    lessons = None if lessons is None else [lesson for lesson in lessons if lesson.isdigit() and len(lesson) == 2]
    return [
        sys.executable,
        "-m",
        "course.grading.kernel_launcher",
        "-f",
        connection_file,
        "--HistoryManager.hist_file=:memory:",
        f"--IPKernelApp.exec_lines={PRELOAD.format(lessons=lessons)}",
        "--IPKernelApp.quiet=True",
    ]


class KernelSandbox:
    """One kernel's sandbox: how to launch it and how to clean up after it."""

    mode: Mode
    connection_file: Path  # where the checker writes the connection file
    inside_ip: str  # the ipc socket path prefix the kernel binds

    def command(self, kernel_cmd: list[str]) -> list[str]:
        raise NotImplementedError

    def popen_kwargs(self) -> dict:
        raise NotImplementedError

    def launched(self, process) -> str:
        """After the spawn: the socket path prefix the checker connects to."""
        raise NotImplementedError

    def connection_file_written(self) -> None:
        pass

    def stderr_tail(self) -> str:
        self._stderr.seek(0, os.SEEK_END)
        size = self._stderr.tell()
        self._stderr.seek(max(0, size - 2000))
        return self._stderr.read().decode("utf-8", "replace").strip()

    async def gone(self) -> None:
        """Wait until nothing of this sandbox runs any more."""

    def process_group(self) -> int | None:
        """The process group the kernel (and what it starts) runs in, or None if unknown."""
        return None

    def kernel_pid(self) -> int | None:
        """The kernel's own process (not what it started), or None if unknown."""
        return None

    def close(self) -> None:
        raise NotImplementedError


class BubblewrapSandbox(KernelSandbox):
    """Everything the kernel writes lives on the sandbox's own /tmp; only the connection file
    goes in (as a copy); the checker reaches the sockets through /proc/<pid>/root."""

    mode = Mode.BUBBLEWRAP

    def __init__(self, limits: Limits, run: str = "") -> None:
        self.limits = limits
        self.run = run
        self.lease = UidLease.take() if os.geteuid() == 0 else None
        self.private = Path(tempfile.mkdtemp(prefix="course-kernel-"))  # 0700: the connection file only
        self.connection_file = self.private / "kernel.json"
        self.inside_ip = str(INSIDE_SOCKETS / "k")
        self._stderr = tempfile.TemporaryFile()
        self._fds: list[int] = []
        self._info_read: int | None = None
        self.init_pid: int | None = None
        self._kernel_pid: int | None = None

    def command(self, kernel_cmd: list[str]) -> list[str]:
        inside_connection = INSIDE_SOCKETS / "kernel.json"
        connection = os.memfd_create("kernel.json", 0)
        os.write(connection, self.connection_file.read_bytes())
        os.lseek(connection, 0, os.SEEK_SET)
        self._info_read, info_write = os.pipe()
        self._fds = [connection, info_write]
        seccomp_fd = None
        program = seccomp_refusing_user_namespaces()
        if program is not None:
            seccomp_fd, seccomp_write = os.pipe()
            os.write(seccomp_write, program)
            os.close(seccomp_write)
            self._fds.append(seccomp_fd)
        args = BubblewrapArgs(
            uid=self.lease.uid if self.lease else None,
            limits=self.limits,
            files={inside_connection: connection},
            info_fd=info_write,
            seccomp_fd=seccomp_fd,
            run=self.run,
        )
        kernel_cmd = list(kernel_cmd)
        kernel_cmd[kernel_cmd.index("-f") + 1] = str(inside_connection)
        return args.argv() + kernel_cmd

    def popen_kwargs(self) -> dict:
        # bwrap itself gets a clean environment too: its monitor process is visible inside.
        return {
            "pass_fds": tuple(self._fds),
            "stdout": subprocess.DEVNULL,
            "stderr": self._stderr.fileno(),
            "env": kernel_env("/tmp", None, self.run),
        }

    def launched(self, process) -> str:
        for fd in self._fds:
            os.close(fd)
        self._fds = []
        info = _read_json_object(self._info_read, seconds=20)
        os.close(self._info_read)
        self._info_read = None
        if not info or "child-pid" not in info:
            process.wait(timeout=5)
            raise KernelStartError(f"bubblewrap did not start the kernel: {self.stderr_tail() or 'no output'}")
        self.init_pid = int(info["child-pid"])
        return f"/proc/{self.init_pid}/root{INSIDE_SOCKETS}/k"

    def process_group(self) -> int | None:
        return self.init_pid  # bwrap --new-session: the sandbox's PID 1 leads the group

    def kernel_pid(self) -> int | None:
        # The sandbox's PID 1 (bwrap) runs the kernel as its first child; the learner's orphans
        # re-parent to PID 1 too, and are younger.
        if self._kernel_pid is None and self.init_pid:
            children = sorted(children_of(self.init_pid), key=lambda child: child[1])
            self._kernel_pid = children[0][0] if children else None
        return self._kernel_pid

    async def gone(self) -> None:
        # The sandbox's PID 1 exits only once every process in its namespace has.
        deadline = time.monotonic() + 10
        while self.init_pid and is_alive(self.init_pid) and time.monotonic() < deadline:
            await _asyncio().sleep(0.005)

    def close(self) -> None:
        for fd in self._fds:
            os.close(fd)
        self._fds = []
        if self.lease:
            self.lease.release()
        self._stderr.close()
        shutil.rmtree(self.private, ignore_errors=True)


class FallbackSandbox(KernelSandbox):
    """No bubblewrap: a private work folder, the limits, and (as root) a uid of its own."""

    mode = Mode.FALLBACK

    def __init__(self, limits: Limits, run: str = "") -> None:
        self.limits = limits
        self.run = run
        self.lease = UidLease.take() if fallback_uses_own_uids() else None
        self.root = Path(tempfile.mkdtemp(prefix="course-kernel-"))
        self.work = self.root / "work"
        self.home = self.work / ".home"
        sockets = self.work / ".kernel"
        for folder in (self.work, self.home, sockets):
            folder.mkdir(mode=0o700)
            if self.lease:
                os.chown(folder, self.lease.uid, self.lease.uid)
        if self.lease:
            self.root.chmod(0o711)  # the sandbox uid may pass through to its own folder
        self.connection_file = sockets / "kernel.json"
        self.inside_ip = str(sockets / "k")
        self._stderr = tempfile.TemporaryFile()
        self.pid: int | None = None

    def connection_file_written(self) -> None:
        if self.lease:
            os.chown(self.connection_file, self.lease.uid, self.lease.uid)

    def command(self, kernel_cmd: list[str]) -> list[str]:
        return fallback_prefix(self.lease.uid if self.lease else None, self.limits) + list(kernel_cmd)

    def popen_kwargs(self) -> dict:
        kwargs = {
            "cwd": str(self.work),
            "stdout": subprocess.DEVNULL,
            "stderr": self._stderr.fileno(),
            "env": kernel_env(str(self.home), os.getpid(), self.run),
        }
        preexec = fallback_preexec(self.lease.uid if self.lease else None, self.limits)
        if preexec:
            kwargs["preexec_fn"] = preexec
        return kwargs

    def launched(self, process) -> str:
        self.pid = process.pid
        _fallback_kernels.add(process.pid)
        return self.inside_ip

    def kernel_pid(self) -> int | None:
        return self.pid

    def process_group(self) -> int | None:
        try:
            group = os.getpgid(self.pid) if self.pid else None
        except OSError:
            return None
        return group if group is not None and group != os.getpgrp() else None  # never the grader's own

    async def gone(self) -> None:
        _fallback_kernels.discard(self.pid)
        if self.lease:
            await _asyncio().to_thread(self.lease.release)  # kill -1 as the kernel's uid, until none is left
        else:
            await _asyncio().to_thread(kill_orphans, set(_fallback_kernels))

    def close(self) -> None:
        _fallback_kernels.discard(self.pid)
        if self.lease:
            self.lease.release()
        self._stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)


def reaps_orphans(mode: Mode) -> bool:
    """Does a pool of this mode make its process the child subreaper, and kill every child of
    it that is no live kernel (a non-root fallback, where a learner's escaped processes re-parent
    to it)? Then only a process that does nothing else (a grading worker, `course check`) may run one."""
    return mode is Mode.FALLBACK and not fallback_uses_own_uids() and sys.platform.startswith("linux")


def fallback_uses_own_uids() -> bool:
    return os.geteuid() == 0 and not fallback_runs_as_root()


# The fallback kernels this process runs now (a non-root fallback must not kill them as orphans).
_fallback_kernels: set[int] = set()


@dataclass
class Launched:
    """A kernel launched by ``launch_now``: what SandboxedKernelManager needs to adopt it."""

    sandbox: KernelSandbox
    process: subprocess.Popen
    command: list[str]
    connection: dict  # what the connection file says (the key, the ipc socket names)

    def discard(self) -> None:
        """Kill it and remove its sandbox (when no manager adopted it)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: bwrap, or the fallback kernel
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        self.sandbox.close()


def launch_now(mode: Mode, lessons: tuple[str, ...] | None, limits: Limits | None = None, run: str = "") -> Launched:
    """Launch a kernel in a sandbox of its own, as jupyter_client's manager would: the same
    connection file (ipc sockets, an HMAC key), command, environment and process session."""
    kind = BubblewrapSandbox if mode is Mode.BUBBLEWRAP else FallbackSandbox
    sandbox = kind(limits or Limits(), run)
    try:
        # Socket names as jupyter_client gives them in an empty folder: <ip>-1 ... <ip>-5.
        names = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
        connection = {name: number for number, name in enumerate(names, start=1)}
        connection.update(ip=sandbox.inside_ip, key=str(uuid.uuid4()), transport="ipc",
                          signature_scheme="hmac-sha256", kernel_name="")  # fmt: skip
        descriptor = os.open(sandbox.connection_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(connection, file, indent=1)
        sandbox.connection_file_written()
        command = sandbox.command(kernel_command(str(sandbox.connection_file), lessons))
        options = sandbox.popen_kwargs()
        options["env"] = {**options["env"], "JPY_PARENT_PID": str(os.getpid())}  # as jupyter_client's launcher
        process = subprocess.Popen(command, stdin=subprocess.PIPE, start_new_session=True, **options)
        process.stdin.close()  # as jupyter_client's launcher: the kernel reads no terminal
    except BaseException:
        sandbox.close()
        raise
    return Launched(sandbox, process, command, connection)


def _asyncio():
    """asyncio, imported where a sandbox is waited for: by then the checker has it loaded, and
    launch_now does not wait for its import (about 25 ms)."""
    import asyncio

    return asyncio


def _read_json_object(fd: int, seconds: float) -> dict | None:
    data = b""
    deadline = time.monotonic() + seconds
    while b"}" not in data and (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([fd], [], [], left)
        if not readable:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    try:
        return json.loads(data[: data.index(b"}") + 1])
    except ValueError:
        return None


def reap_orphans_here() -> None:
    """Make this process the child subreaper (orphans of a kernel re-parent to it instead of
    init, so kill_orphans can kill them), sparing the children it has by now."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    note_existing_children()


def note_existing_children() -> None:
    """Remember this process's children as they are now (a reaping pool is being made): they
    were started by this process, not by a kernel, and kill_orphans leaves them alone (a test's
    own Chromium or Redis, say). An orphan of a kernel is always younger than its pool."""
    _not_orphans.update(_children())


def kill_orphans(keep: set[int]) -> None:
    """Kill our children that are neither live kernels nor older than every pool (a non-root
    fallback, where escaped learner processes re-parent to us, the child subreaper), until none is left."""
    if not os.path.isdir("/proc"):
        return  # no subreaper outside Linux either: orphans are init's
    for _ in range(50):
        orphans = [pid for pid, started in _children() if pid not in keep and (pid, started) not in _not_orphans]
        if not orphans:
            return
        for pid in orphans:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.01)


# This process's children found when a reaping pool was made, as (pid, start time): see note_existing_children.
_not_orphans: set[tuple[int, int]] = set()


def _children() -> list[tuple[int, int]]:
    """This process's live children, as (pid, start time in clock ticks since boot)."""
    return children_of(os.getpid())


def children_of(parent: int) -> list[tuple[int, int]]:
    """``parent``'s live children, as (pid, start time in clock ticks since boot)."""
    found: list[tuple[int, int]] = []
    if not os.path.isdir("/proc"):
        return found
    for entry in os.listdir("/proc"):
        fields = _stat_fields(entry) if entry.isdigit() else None
        if fields and int(fields[1]) == parent and fields[0] != "Z":
            found.append((int(entry), int(fields[19])))
    return found


def cpu_seconds(pid: int) -> float | None:
    """The CPU time ``pid`` has used so far (user and system), or None when it is gone."""
    fields = _stat_fields(str(pid))
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS if fields else None


def _stat_fields(pid: str) -> list[str] | None:
    """/proc/PID/stat after the command name: the state is [0], the parent [1], the start time [19]."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
