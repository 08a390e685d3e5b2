"""Learner kernels in sandboxes, and a small pool of them started ahead of need.

The checker (nbclient and jupyter_client) stays outside; only the kernel runs in
the sandbox, and they talk over ZMQ ipc sockets. The kernel's command line is
built here, never read from a kernelspec file (a learner who could write one
could have started every later kernel with ``python -O``, which strips asserts).
A kernel serves one notebook and is then discarded with its sandbox; a timed-out
or dead kernel is replaced by a fresh one from the pool.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

from course.grading.sandbox import (
    INSIDE_SOCKETS,
    BubblewrapArgs,
    Choice,
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

READY_SECONDS = 60.0
# Run as the kernel starts, before any learner code: the checks take their own references
# then, and the notebook's imports are already done when it runs.
PRELOAD = "import course.checks as _course_checks; _course_checks.preload({lessons!r}); del _course_checks"
PR_SET_CHILD_SUBREAPER = 36


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


DEMOTED_NICENESS = 19


def _can_restore_priority() -> bool:
    """Lowering a niceness again needs root (CAP_SYS_NICE) or an RLIMIT_NICE that allows it."""
    if not hasattr(os, "setpriority"):
        return False
    if os.geteuid() == 0:
        return True
    try:
        import resource

        return resource.getrlimit(resource.RLIMIT_NICE)[0] >= 20  # 20 - limit is the lowest niceness
    except (ImportError, AttributeError, ValueError, OSError):
        return False


CAN_RESTORE_PRIORITY = _can_restore_priority()


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

    async def gone(self) -> None:
        # The sandbox's PID 1 exits only once every process in its namespace has.
        deadline = time.monotonic() + 10
        while self.init_pid and is_alive(self.init_pid) and time.monotonic() < deadline:
            await asyncio.sleep(0.005)

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

    def process_group(self) -> int | None:
        try:
            group = os.getpgid(self.pid) if self.pid else None
        except OSError:
            return None
        return group if group is not None and group != os.getpgrp() else None  # never the grader's own

    async def gone(self) -> None:
        _fallback_kernels.discard(self.pid)
        if self.lease:
            await asyncio.to_thread(self.lease.release)  # kill -1 as the kernel's uid, until none is left
        else:
            await asyncio.to_thread(kill_orphans, set(_fallback_kernels))

    def close(self) -> None:
        _fallback_kernels.discard(self.pid)
        if self.lease:
            self.lease.release()
        self._stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)


def fallback_uses_own_uids() -> bool:
    return os.geteuid() == 0 and not fallback_runs_as_root()


# The fallback kernels this process runs now (a non-root fallback must not kill them as orphans).
_fallback_kernels: set[int] = set()


class SandboxedKernelManager(AsyncKernelManager):
    """A KernelManager whose kernel runs in ``sandbox`` and listens on ipc sockets there."""

    def __init__(self, sandbox: KernelSandbox, lessons: tuple[str, ...] | None = None, **kwargs) -> None:
        super().__init__(transport="ipc", ip=sandbox.inside_ip, connection_file=str(sandbox.connection_file), **kwargs)
        self.sandbox = sandbox
        self._own_spec = KernelSpec(
            argv=kernel_command("{connection_file}", lessons),
            display_name="Python 3 (course sandbox)",
            language="python",
            interrupt_mode="message",  # a signal to bwrap's process group would never reach the kernel
            env={},
            metadata={},
        )

    @property
    def kernel_spec(self) -> KernelSpec:  # never looked up on disk
        return self._own_spec

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        self.sandbox.connection_file_written()

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return self.sandbox.command(super().format_kernel_cmd(extra_arguments))

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        kw.update(self.sandbox.popen_kwargs())
        await super()._async_launch_kernel(kernel_cmd, **kw)
        # The connection file told the kernel where to bind; we connect from outside.
        self.ip = self.sandbox.launched(self.provisioner.process)


class GradingKernel:
    """A started kernel in its sandbox, and its client once it is ready."""

    def __init__(self, sandbox: KernelSandbox, lessons: tuple[str, ...] | None = None) -> None:
        self.sandbox = sandbox
        self.km = SandboxedKernelManager(sandbox, lessons)
        self.kc = None
        self.demoted = False
        self._niceness = 0

    async def start(self) -> None:
        await self.km.start_kernel(env=kernel_env("/tmp", None))

    async def ready(self, timeout: float = READY_SECONDS) -> None:
        """Connect, and wait for the kernel's first answer (and for IOPub to carry messages)."""
        self.kc = self.km.client()
        self.kc.start_channels()
        deadline = time.monotonic() + timeout
        while True:
            msg_id = self.kc.kernel_info()
            reply = await _reply_to(self.kc.shell_channel, msg_id, min(1.0, max(0.01, deadline - time.monotonic())))
            if reply is not None and await _status_from(self.kc.iopub_channel, msg_id, 0.5):
                return
            if not await self.km.is_alive():
                raise KernelStartError(f"the sandboxed kernel exited at start: {self.sandbox.stderr_tail()[-600:]}")
            if time.monotonic() > deadline:
                raise KernelStartError(f"the sandboxed kernel did not answer within {timeout:g} s")

    def demote(self) -> bool:
        """Run at the lowest CPU priority until restore(): a cell that runs this long is most likely
        an endless loop, which should use only what the other kernels leave. Only where the
        priority can be put back, so that an honest slow cell is never left slow."""
        group = self.sandbox.process_group()
        if group is None or not CAN_RESTORE_PRIORITY:
            return False
        try:
            self._niceness = os.getpriority(os.PRIO_PGRP, group)  # the grader's own (`nice course grade`)
            os.setpriority(os.PRIO_PGRP, group, DEMOTED_NICENESS)
        except OSError:
            return False
        self.demoted = True
        return True

    def restore(self) -> bool:
        """Back to the normal priority; True if the kernel had been demoted."""
        if not self.demoted:
            return False
        self.demoted = False
        try:
            os.setpriority(os.PRIO_PGRP, self.sandbox.process_group(), self._niceness)
        except (OSError, TypeError):
            pass  # the kernel is gone
        return True

    async def discard(self) -> None:
        """Kill the kernel and everything it started; remove its sandbox."""
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km.has_kernel:
                await self.km.provisioner.kill()
                process = self.km.provisioner.process
                deadline = time.monotonic() + 5
                while process is not None and process.poll() is None and time.monotonic() < deadline:
                    await asyncio.sleep(0.005)
            await self.sandbox.gone()
            await self.km.cleanup_resources()
        finally:
            self.sandbox.close()


class KernelPool:
    """Kernels started before they are needed: a worker takes a ready one and the next starts."""

    def __init__(
        self,
        choice: Choice,
        limits: Limits | None = None,
        *,
        spares: int = 1,
        run: str = "",
        lessons: tuple[str, ...] | None = None,
    ) -> None:
        self.choice = choice
        self.run = run  # marks the kernels' processes (sandbox.kill_the_run)
        self.limits = limits or Limits()
        self.spares = spares
        self.lessons = lessons  # the lessons whose checks kernels load as they start (None: all)
        self._waiting: deque[asyncio.Task] = deque()
        self._cleanups: set[asyncio.Task] = set()
        if choice.mode is Mode.FALLBACK and not fallback_uses_own_uids() and sys.platform.startswith("linux"):
            # Orphans of a kernel re-parent to us instead of init, so we can kill them.
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    def fill(self) -> None:
        """Start spares in the background, up to ``spares``."""
        while len(self._waiting) < self.spares:
            self._waiting.append(asyncio.ensure_future(self._start()))

    async def spawn(self, count: int = 1) -> None:
        """Launch ``count`` kernels now and return: they boot while the caller does other work."""
        for _ in range(count - len(self._waiting)):
            kernel = await self._launch()
            self._waiting.append(asyncio.ensure_future(self._until_ready(kernel)))

    async def take(self) -> GradingKernel:
        """A ready kernel that has run nothing yet (a fresh one if the spare failed); the next
        spare starts while this one is used."""
        if self._waiting:
            task = self._waiting.popleft()
            self.fill()
            try:
                return await task
            except KernelStartError:
                pass  # one more try: a spare can die of the machine's trouble
        kernel = await self._start()
        self.fill()
        return kernel

    async def _start(self) -> GradingKernel:
        return await self._until_ready(await self._launch())

    async def _launch(self) -> GradingKernel:
        kind = BubblewrapSandbox if self.choice.mode is Mode.BUBBLEWRAP else FallbackSandbox
        kernel = GradingKernel(kind(self.limits, self.run), self.lessons)
        try:
            await kernel.start()
        except BaseException:
            await kernel.discard()
            raise
        return kernel

    async def _until_ready(self, kernel: GradingKernel) -> GradingKernel:
        try:
            await kernel.ready()
        except BaseException:
            await kernel.discard()
            raise
        return kernel

    def discard(self, kernel: GradingKernel) -> None:
        """Discard in the background; close() waits for it."""
        task = asyncio.ensure_future(kernel.discard())
        self._cleanups.add(task)
        task.add_done_callback(self._cleanups.discard)

    async def close(self) -> None:
        while self._waiting:
            task = self._waiting.popleft()
            try:
                kernel = await task
            except KernelStartError:
                continue
            self.discard(kernel)
        if self._cleanups:
            await asyncio.gather(*self._cleanups, return_exceptions=True)


async def _reply_to(channel, msg_id: str, timeout: float):
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            msg = await channel.get_msg(timeout=left)
        except Exception:  # queue.Empty
            return None
        if msg.get("parent_header", {}).get("msg_id") == msg_id:
            return msg
    return None


async def _status_from(channel, msg_id: str, timeout: float) -> bool:
    """True once IOPub carries the kernel's status for ``msg_id`` (so the subscription is live)."""
    return await _reply_to(channel, msg_id, timeout) is not None


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


def kill_orphans(keep: set[int]) -> None:
    """Kill our children that are not live kernels (a non-root fallback, where escaped learner
    processes re-parent to us, the child subreaper), until none is left."""
    me = os.getpid()
    if not os.path.isdir("/proc"):
        return  # no subreaper outside Linux either: orphans are init's
    for _ in range(50):
        orphans = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) in keep:
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == me and fields[0] != "Z":
                orphans.append(int(entry))
        if not orphans:
            return
        for pid in orphans:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.01)
