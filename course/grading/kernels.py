"""Learner kernels in sandboxes, and a small pool of them started ahead of need.

The checker (nbclient and jupyter_client) stays outside; only the kernel runs in
the sandbox (course.grading.kernel_sandboxes), and they talk over ZMQ ipc sockets.
A kernel serves one notebook and is then discarded with its sandbox; a timed-out
or dead kernel is replaced by a fresh one from the pool.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import deque

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

from course.grading.kernel_sandboxes import (
    BubblewrapSandbox,
    FallbackSandbox,
    KernelSandbox,
    KernelStartError,
    Launched,
    cpu_seconds,
    kernel_command,
    reap_orphans_here,
    reaps_orphans,
)
from course.grading.sandbox import Choice, Limits, Mode, kernel_env

READY_SECONDS = 60.0
# spinning(): the kernel computed for at least this share of a core over its cell so far. An
# endless loop in the kernel takes all it gets (0.8-1.0 measured, with two notebooks on two
# cores); a cell waiting on Chromium, a server process or a sleep takes 0.01-0.1.
SPINNING_SHARE = 0.25


class SandboxedKernelManager(AsyncKernelManager):
    """A KernelManager whose kernel runs in ``sandbox`` and listens on ipc sockets there."""

    def __init__(
        self,
        sandbox: KernelSandbox,
        lessons: tuple[str, ...] | None = None,
        launched: Launched | None = None,
        **kwargs,
    ) -> None:
        super().__init__(transport="ipc", ip=sandbox.inside_ip, connection_file=str(sandbox.connection_file), **kwargs)
        self.sandbox = sandbox
        # A kernel kernel_sandboxes.launch_now started already: this manager adopts it instead of
        # launching one, with the connection file launch_now wrote (the kernel may be reading it).
        self.launched = launched
        if launched is not None:
            self.load_connection_info(launched.connection)
            self._connection_file_written = True
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
        if self.launched is not None:
            return list(self.launched.command)
        return self.sandbox.command(super().format_kernel_cmd(extra_arguments))

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        if self.launched is not None:
            # What LocalProvisioner.launch_kernel records of the process it starts, and what
            # KernelManager does with the connection then (the file already says the same).
            process, provisioner = self.launched.process, self.provisioner
            provisioner.process, provisioner.pid = process, process.pid
            provisioner.pgid = _process_group(process.pid)
            provisioner.cwd = kw.get("cwd", os.getcwd())
            self._reconcile_connection_info(provisioner.connection_info)
        else:
            kw.update(self.sandbox.popen_kwargs())
            await super()._async_launch_kernel(kernel_cmd, **kw)
        # The connection file told the kernel where to bind; we connect from outside.
        self.ip = self.sandbox.launched(self.provisioner.process)


class GradingKernel:
    """A started kernel in its sandbox, and its client once it is ready."""

    def __init__(
        self, sandbox: KernelSandbox, lessons: tuple[str, ...] | None = None, launched: Launched | None = None
    ) -> None:
        self.sandbox = sandbox
        self.km = SandboxedKernelManager(sandbox, lessons, launched)
        self.kc = None
        self._cell_start: tuple[float, float | None] | None = None

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

    def cell_started(self) -> None:
        """Note the time and the kernel's CPU time as a cell starts (spinning() compares)."""
        self._cell_start = (time.monotonic(), self._kernel_cpu())

    def spinning(self) -> bool:
        """Has the kernel itself computed through the cell so far (an endless loop, most likely),
        rather than waited (on Chromium, a server process, a sleep)?"""
        if self._cell_start is None:
            return False
        started, cpu_then = self._cell_start
        cpu_now, wall = self._kernel_cpu(), time.monotonic() - started
        if cpu_then is None or cpu_now is None or wall <= 0:
            return False
        return (cpu_now - cpu_then) / wall >= SPINNING_SHARE

    def _kernel_cpu(self) -> float | None:
        pid = self.sandbox.kernel_pid()
        return cpu_seconds(pid) if pid else None

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
        launched: Launched | None = None,
    ) -> None:
        self.choice = choice
        self._launched = launched  # the first kernel, launched already (kernel_sandboxes.launch_now)
        self.run = run  # marks the kernels' processes (sandbox.kill_the_run)
        self.limits = limits or Limits()
        self.spares = spares
        self.lessons = lessons  # the lessons whose checks kernels load as they start (None: all)
        self._waiting: deque[asyncio.Task] = deque()
        self._cleanups: set[asyncio.Task] = set()
        if reaps_orphans(choice.mode):
            reap_orphans_here()

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
        launched, self._launched = self._launched, None
        if launched is not None:
            kernel = GradingKernel(launched.sandbox, self.lessons, launched)
        else:
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
        launched, self._launched = self._launched, None
        if launched is not None:  # never adopted
            launched.discard()
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


def _process_group(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None
