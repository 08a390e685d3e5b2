"""The grader's side of the workers: one long-lived process per job slot, a hard limit per notebook.

Each worker (``python -m course.grading.worker --serve``) runs in a new process
group, gets a job as one JSON line on its stdin and answers on its stdout, a pipe
that only it holds. A notebook that overruns its hard limit, or a worker that
dies, costs that notebook (0 points, with the reason); the worker is killed with
its process group (its sandboxes die with it) and a fresh one takes the next job.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from typing import Callable, Iterable

from course.grading.job import Job
from course.grading.report import NotebookReport, NotebookStatus, ReportError

STDERR_LINES_KEPT = 20


class WorkerGone(RuntimeError):
    """The worker died or stopped answering (the message says what it printed last)."""


class WorkerProcess:
    def __init__(self, sandbox: str, run: str = "", lessons: tuple[str, ...] | None = None) -> None:
        command = [sys.executable, "-m", "course.grading.worker", "--serve", "--sandbox", sandbox, "--run", run]
        if lessons is not None:
            command += ["--lessons", ",".join(lessons)]  # each kernel loads only these lessons' checks
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        )
        self._messages: queue.Queue[dict | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=STDERR_LINES_KEPT)
        self._readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def run(
        self,
        job: Job,
        on_progress: Callable[[int, int], None] | None = None,
        on_stuck: Callable[[bool], None] | None = None,
    ) -> NotebookReport:
        """The worker's report on ``job``; WorkerGone if it dies or overruns the job's hard limit."""
        try:
            self.process.stdin.write(json.dumps(job.to_json()) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise WorkerGone(self._last_words()) from None
        limit = job.hard_limit()
        deadline = _now() + limit
        while True:
            try:
                message = self._messages.get(timeout=max(0.0, deadline - _now()))
            except queue.Empty:
                self.kill()
                raise WorkerGone(f"the notebook did not finish within {limit:g} s") from None
            if message is None:
                raise WorkerGone(f"the checker crashed ({self._last_words()})")
            if message.get("job") != job.id:
                continue
            if "progress" in message:
                if on_progress:
                    on_progress(*message["progress"])
                continue
            if "stuck" in message:
                if on_stuck:
                    on_stuck(message["stuck"] is True)
                continue
            try:
                return NotebookReport.from_json(message.get("report"))
            except ReportError as error:
                raise WorkerGone(f"the checker sent a broken report ({error})") from None

    def close(self, timeout: float = 60) -> None:
        """Let the worker clean up its kernels and exit; kill it if it takes too long."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def kill(self) -> None:
        """Kill the worker's whole process group (its sandboxes die with it) and close the pipes."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        for reader in self._readers:
            reader.join(timeout=5)
        for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                pipe.close()
            except OSError:
                pass

    def _read_stdout(self) -> None:
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict):
                self._messages.put(message)
        self._messages.put(None)  # the worker is gone

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self._stderr.append(line.rstrip())

    def _last_words(self) -> str:
        text = " | ".join(line for line in self._stderr if line.strip())
        return text[-300:] or "no output"


def start_workers(count: int, sandbox: str, run: str, lessons: tuple[str, ...]) -> deque[WorkerProcess]:
    """``count`` workers started now, for run_jobs(started=...): each boots (its imports, its first
    kernel) while the grader still reads the notebooks."""
    return deque(WorkerProcess(sandbox, run, lessons) for _ in range(count))


def close_workers(workers: deque[WorkerProcess]) -> None:
    """Close the workers no slot took (each cleans up its kernels and exits)."""
    while (worker := _take(workers)) is not None:
        worker.close()


def run_jobs(
    jobs: Iterable[Job],
    *,
    workers: int,
    sandbox: str,
    run: str = "",
    on_report: Callable[[Job, NotebookReport], None],
    on_progress: Callable[[Job, int, int], None] | None = None,
    started: deque[WorkerProcess] | None = None,
) -> None:
    """Check every job, ``workers`` notebooks at once.

    A notebook whose kernel has computed through a fifth of a cell's limit (an endless loop,
    most likely) gives up its place while that cell runs, and another worker process takes the
    next notebook: a loop costs its own time limit, not a place's. So there are up to twice
    ``workers`` worker processes, and as many notebooks using the CPU at worst (each still
    gets half a fair share; a cell that waits, on Chromium say, never gives its place up).
    ``started``: workers started
    already (start_workers), taken before any new one is started."""
    pending: queue.Queue[Job] = queue.Queue()
    lessons: set[str] = set()
    for job in jobs:
        pending.put(job)
        lessons.add(job.lesson)
    lock = threading.Lock()
    places = threading.Semaphore(max(1, workers))

    def slot() -> None:
        worker: WorkerProcess | None = None
        try:
            while True:
                places.acquire()
                holding = [True]
                try:
                    job = pending.get_nowait()
                except queue.Empty:
                    places.release()
                    return
                job.spare_after = not pending.empty()

                def stuck(now: bool, holding: list[bool] = holding) -> None:
                    if now and holding[0]:
                        holding[0] = False
                        places.release()
                    elif not now and not holding[0]:
                        holding[0] = places.acquire(blocking=False)  # never wait: this thread reads the worker

                try:
                    if worker is None:
                        worker = _take(started) or WorkerProcess(sandbox, run, tuple(sorted(lessons)))
                    progress = (lambda done, total, job=job: on_progress(job, done, total)) if on_progress else None
                    try:
                        report = worker.run(job, progress, stuck)
                    except WorkerGone as error:
                        worker.kill()
                        worker = None
                        status = NotebookStatus.TIMEOUT if "did not finish" in str(error) else NotebookStatus.ERROR
                        report = NotebookReport(status, str(error))
                    with lock:
                        on_report(job, report)
                finally:
                    if holding[0]:
                        places.release()
        finally:
            if worker is not None:
                worker.close()

    threads = [threading.Thread(target=slot, daemon=True) for _ in range(2 * max(1, workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _take(workers: deque[WorkerProcess] | None) -> WorkerProcess | None:
    try:
        return workers.popleft() if workers else None
    except IndexError:  # another slot took the last one
        return None


def _now() -> float:
    return time.monotonic()
