"""`course grade` on a synthetic class: the right points, whatever the learners broke."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from collections import deque
from pathlib import Path

import nbformat
import pytest

from course.authoring import synthetic_class as cb
from course.grading import grade_command as grading
from course.grading.submissions import Learner
from course.layout import SOLUTIONS_DIR
from course.outcome import Outcome
from course.terminal import Terminal

NOTEBOOK = "00-start-here-exercises.ipynb"


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    solution = nbformat.read(SOLUTIONS_DIR / "00-start-here.ipynb", as_version=4)
    done = cb.complete(solution)
    stub = cb.untouched(solution)
    learners = {
        "ada-complete": done,
        "bob-untouched": stub,
        "cy-infinite-loop": cb.with_answer(done, "00.2", cb.looping(cb.answer_source(done, "00.2"))),
        "di-syntax-error": cb.with_answer(done, "00.1", cb.broken_syntax(cb.answer_source(done, "00.1"))),
        "ed-checks-deleted": cb.without_check_cells(cb.with_answer(stub, "00.1", cb.answer_source(done, "00.1"))),
        "fay-fake-checks": cb.with_fake_checks(stub),
        "gus-os-exit": cb.with_answer(done, "00.3", cb.exits_the_kernel(cb.answer_source(done, "00.3"))),
        "hal-top-level-error": cb.with_cell_before_first_answer(done, "raise RuntimeError('oops')"),
        "kai-ignores-interrupts": cb.with_answer(done, "00.2", cb.ignores_interrupts(cb.answer_source(done, "00.2"))),
    }
    for name, notebook in learners.items():
        (root / name).mkdir()
        nbformat.write(notebook, root / name / NOTEBOOK)
    (root / "ivy-nothing-handed-in").mkdir()
    (root / "jo-not-a-notebook").mkdir()
    (root / "jo-not-a-notebook" / NOTEBOOK).write_text("this is not JSON")

    csv_path, md_path = root / "grades.csv", root / "report.md"
    results = grading.grade(root, csv_path=csv_path, md_path=md_path, jobs=2, cell_timeout=4, terminal=Terminal())
    with open(csv_path, newline="") as grades:
        rows = list(csv.reader(grades))
    return root, rows, md_path.read_text(), results


def test_csv_has_a_sorted_row_per_learner_with_points_per_exercise(graded_class):
    _, rows, _, _ = graded_class
    assert rows[0] == ["learner", "00.1", "00.2", "00.3", "total"]
    assert rows[1:] == [
        ["ada-complete", "1", "1", "1", "3"],
        ["bob-untouched", "0", "0", "0", "0"],
        ["cy-infinite-loop", "1", "0", "1", "2"],  # the loop is cut; the rest still counts
        ["di-syntax-error", "0", "1", "1", "2"],
        ["ed-checks-deleted", "1", "0", "0", "1"],  # pristine checks put back: no more, no less
        ["fay-fake-checks", "0", "0", "0", "0"],  # printing "passed" earns nothing
        ["gus-os-exit", "1", "1", "0", "2"],  # a dead kernel costs only that exercise
        ["hal-top-level-error", "1", "1", "1", "3"],
        ["ivy-nothing-handed-in", "0", "0", "0", "0"],
        ["jo-not-a-notebook", "0", "0", "0", "0"],
        ["kai-ignores-interrupts", "1", "0", "1", "2"],  # a fresh kernel carries on after the stuck cell
    ]


def test_results_json_per_learner(graded_class):
    root, _, _, _ = graded_class
    loop = json.loads((root / "cy-infinite-loop" / "results.json").read_text())
    statuses = {test["name"]: test["status"] for test in loop["tests"]}
    assert statuses["00.2"] == "timeout"
    assert statuses["00.1"] == "pass" and statuses["00.1/hidden/uses_the_given_base_url"] == "pass"
    syntax = json.loads((root / "di-syntax-error" / "results.json").read_text())
    first = next(t for t in syntax["tests"] if t["name"] == "00.1")
    assert first["status"] == "error" and "SyntaxError" in first["message"]
    missing = json.loads((root / "ivy-nothing-handed-in" / "results.json").read_text())
    assert missing["notebooks"][NOTEBOOK]["status"] == "missing"
    assert all(t["status"] == "missing" for t in missing["tests"])
    for learner in root.iterdir():
        if learner.is_dir():
            body = json.loads((learner / "results.json").read_text())
            assert {"status", "tests"} <= body.keys()
            assert all({"name", "status", "message"} <= t.keys() for t in body["tests"])


def test_markdown_report_gives_pass_rates_and_problems(graded_class):
    _, _, report, _ = graded_class
    assert "| 00.1 | Read a response header | 6/11 | 55% |" in report
    assert "**cy-infinite-loop** 00.2: timeout" in report
    assert f"**ivy-nothing-handed-in** `{NOTEBOOK}`: missing" in report
    assert "kernel died" in report


def test_grading_never_touches_the_submissions_notebooks(graded_class):
    root, _, _, _ = graded_class
    notebook = nbformat.read(root / "ada-complete" / NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


def test_a_results_json_we_did_not_write_is_left_alone(tmp_path, capsys):
    path = tmp_path / "results.json"
    path.write_text('{"mine": true}')
    grading.write_results_json(Learner("x", tmp_path), grading.LearnerResult("x"), Terminal())
    assert path.read_text() == '{"mine": true}'
    assert "left it alone" in capsys.readouterr().out


def test_grading_an_empty_folder_says_why(tmp_path):
    with pytest.raises(ValueError, match="no learner folders"):
        grading.grade(tmp_path, csv_path=tmp_path / "g.csv", md_path=tmp_path / "r.md")


@pytest.mark.parametrize("wanted, said", [(["42"], "lesson 42"), ([], "no lesson")])
def test_grading_a_lesson_the_course_does_not_have_says_which(tmp_path, wanted, said):
    (tmp_path / "submissions" / "ada").mkdir(parents=True)
    with pytest.raises(ValueError, match=f"--lessons names {said}: the course's lessons are 00, 01, "):
        grading.grade(tmp_path / "submissions", csv_path=tmp_path / "g.csv", md_path=tmp_path / "r.md",
                      lessons_wanted=wanted)  # fmt: skip
    assert not (tmp_path / "g.csv").exists()


def test_only_the_handed_in_lessons_checks_are_loaded(tmp_path):
    learner = tmp_path / "submissions" / "ada"
    learner.mkdir(parents=True)
    (learner / "02-signed-and-encrypted-cookies-exercises.ipynb").write_text("{}")
    lessons = grading.load_lessons(SOLUTIONS_DIR, sorted(grading.handed_in_names([Learner("ada", learner)])))
    assert [lesson.solution.name[:2] for lesson in lessons] == ["02"]
    assert grading.load_lessons(SOLUTIONS_DIR, []) == []


def test_the_workers_start_before_the_notebooks_are_read_and_unused_ones_are_closed(tmp_path, monkeypatch):
    steps: list[str] = []

    class Worker:
        def close(self) -> None:
            steps.append("closed")

    def start_workers(count, mode, run, lessons):
        steps.append(f"{count} started for {','.join(lessons)}")
        return deque(Worker() for _ in range(count))

    def load_lessons(solutions_dir, only):
        steps.append("lessons read")
        raise KeyboardInterrupt  # the instructor stops the run here

    monkeypatch.setattr(grading, "start_workers", start_workers)
    monkeypatch.setattr(grading, "load_lessons", load_lessons)
    for name in ("ada", "grace", "alan"):
        (tmp_path / "submissions" / name).mkdir(parents=True)
        (tmp_path / "submissions" / name / "00-start-here-exercises.ipynb").write_text("{}")
    with pytest.raises(KeyboardInterrupt):
        grading.grade(tmp_path / "submissions", csv_path=tmp_path / "g.csv", md_path=tmp_path / "r.md", jobs=2)
    assert steps == ["2 started for 00", "lessons read", "closed", "closed"]


def test_grading_lesson_06_without_a_chromium_says_so_before_grading(tmp_path, monkeypatch):
    from course.lessons.browser import chromium

    monkeypatch.setattr(chromium, "system_candidates", lambda: [])
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "no-downloads"))
    learner = tmp_path / "submissions" / "ada"
    learner.mkdir(parents=True)
    (learner / "06-in-a-real-browser-exercises.ipynb").write_text(
        (SOLUTIONS_DIR.parent / "exercises" / "06-in-a-real-browser-exercises.ipynb").read_text()
    )
    with pytest.raises(ValueError, match=r"lesson 06 is graded in Chromium and this machine has none"):
        grading.grade(learner.parent, csv_path=tmp_path / "g.csv", md_path=tmp_path / "r.md")
    assert not (tmp_path / "g.csv").exists() and not (learner / "results.json").exists()


def test_without_bubblewrap_grading_warns_and_still_kills_what_a_learner_started(tmp_path, capsys):
    import secrets

    from course.authoring import attacks

    from .sandbox_support import processes_with

    solution = nbformat.read(SOLUTIONS_DIR / "00-start-here.ipynb", as_version=4)
    token = f"escaped-{secrets.token_hex(6)}"
    escaper = cb.with_cell_before_first_answer(
        cb.untouched(solution), attacks.ESCAPES.format(script=attacks.ESCAPED_PROCESS, token=token)
    )
    submissions = tmp_path / "submissions"
    for name, notebook in {"ada": cb.complete(solution), "escaper": escaper}.items():
        (submissions / name).mkdir(parents=True)
        nbformat.write(notebook, submissions / name / NOTEBOOK)
    results = grading.grade(
        submissions, csv_path=tmp_path / "g.csv", md_path=tmp_path / "r.md", jobs=1, cell_timeout=6,
        sandbox_wanted="fallback",
    )  # fmt: skip
    assert processes_with(token.encode()) == []
    assert [sum(r.points().values()) for r in results] == [3, 0]
    warning = capsys.readouterr().out
    assert (
        "weaker sandbox" in warning and "Install bubblewrap for graded work: sudo apt-get install bubblewrap" in warning
    )


def test_a_looping_notebook_gives_its_place_to_the_next_notebook():
    from course.grading import score
    from course.grading.job import Job
    from course.grading.supervisor import run_jobs

    solution_path = SOLUTIONS_DIR / "00-start-here.ipynb"
    solution = nbformat.read(solution_path, as_version=4)
    done = cb.complete(solution)
    looping = cb.with_answer(done, "00.2", cb.looping(cb.answer_source(done, "00.2")))
    jobs = [
        Job(n, NOTEBOOK, nbformat.writes(notebook), str(solution_path), None, "00", 6)
        for n, notebook in enumerate([looping, done])
    ]
    finished: list[int] = []
    reports = {}

    def on_report(job, report) -> None:
        finished.append(job.id)
        reports[job.id] = report

    run_jobs(jobs, workers=1, sandbox="auto", on_report=on_report)
    # One place, but the complete notebook did not wait for the loop's 6 s time limit to run out.
    assert finished == [1, 0]
    loop = next(outcome for outcome in reports[0].exercises if outcome.id == "00.2")
    assert loop.status is Outcome.TIMEOUT and loop.message.endswith(score.STUCK), loop.message
    assert [o.status for o in reports[1].exercises] == [Outcome.PASS] * 3


def test_a_notebook_that_waits_through_a_long_cell_keeps_its_place():
    """A cell that waits (on Chromium, a server process, a sleep) is no endless loop: sharing the
    CPU with one more notebook, it would get what it needs late and run out its time limit
    (lessons 06-08's honest checks did, at --jobs 2, when every long cell gave its place)."""
    from course.grading.job import Job
    from course.grading.supervisor import run_jobs

    solution_path = SOLUTIONS_DIR / "00-start-here.ipynb"
    done = cb.complete(nbformat.read(solution_path, as_version=4))
    waiting = cb.with_cell_before_first_answer(done, "import time\ntime.sleep(3)")  # stuck would be at 1.2 s
    jobs = [
        Job(n, NOTEBOOK, nbformat.writes(notebook), str(solution_path), None, "00", 6)
        for n, notebook in enumerate([waiting, done])
    ]
    finished: list[int] = []
    reports = []

    def on_report(job, report) -> None:
        finished.append(job.id)
        reports.append(report)

    run_jobs(jobs, workers=1, sandbox="auto", on_report=on_report)
    assert finished == [0, 1], "the waiting notebook gave up its place"
    for report in reports:
        assert [o.status for o in report.exercises] == [Outcome.PASS] * 3, report


def test_only_a_kernel_that_computes_through_its_cell_counts_as_spinning():
    import asyncio

    from .sandbox_support import require_bubblewrap

    require_bubblewrap()  # a fallback pool in this test process would reap and kill its other children

    from course.grading.kernels import KernelPool
    from course.grading.sandbox import choose

    cells = {
        "waits": "import time\ntime.sleep(3)",
        "computes": "import time\nend = time.monotonic() + 3\nwhile time.monotonic() < end:\n    pass",
    }

    async def measure() -> tuple[bytes, dict[str, bool]]:
        pool = KernelPool(choose("auto"), spares=0, lessons=("00",))
        kernel = await pool.take()
        try:
            command = Path(f"/proc/{kernel.sandbox.kernel_pid()}/cmdline").read_bytes()
            spinning = {}
            for name, code in cells.items():
                kernel.cell_started()
                msg_id = kernel.kc.execute(code)
                await asyncio.sleep(2.0)
                spinning[name] = kernel.spinning()
                while (await kernel.kc.get_shell_msg(timeout=10))["parent_header"].get("msg_id") != msg_id:
                    pass
            return command, spinning
        finally:
            pool.discard(kernel)
            await pool.close()

    command, spinning = asyncio.run(measure())
    program, *arguments = command.split(b"\0")
    assert b"python" in program and b"course.grading.kernel_launcher" in arguments, "kernel_pid is the kernel's"
    assert spinning == {"waits": False, "computes": True}


def test_a_hung_answer_costs_one_time_limit_and_is_not_called_again():
    from course.grading.worker import check_notebook_file

    solution_path = SOLUTIONS_DIR / "01-cookies.ipynb"
    done = cb.complete(nbformat.read(solution_path, as_version=4))
    learner = cb.with_answer(done, "01.1", cb.looping(cb.answer_source(done, "01.1")))
    path = Path(tempfile.mkdtemp()) / "01-cookies.ipynb"
    nbformat.write(learner, path)
    report = check_notebook_file(solution_path, path, cell_timeout=4)
    outcomes = {o.id: o for o in report.exercises}
    assert outcomes["01.1"].status is Outcome.TIMEOUT
    assert "computed without a pause" not in outcomes["01.1"].message, "one notebook alone has no place to give"
    # 01.2's check calls current_user, which calls the hung parse_cookie_header: stopped at once.
    assert outcomes["01.2"].status is Outcome.TIMEOUT
    assert (
        "parse_cookie_header() did not finish within the time limit when 01.1 was checked" in outcomes["01.2"].message
    )
    assert outcomes["01.3"].passed and outcomes["01.4"].passed


def test_a_grading_kernel_starts_without_a_debugger_and_no_spare_follows_the_last_notebook():
    import asyncio

    from .sandbox_support import require_bubblewrap

    require_bubblewrap()  # a fallback pool in this test process would reap and kill its other children

    from course.grading.job import Job
    from course.grading.kernels import KernelPool
    from course.grading.sandbox import choose
    from course.grading.worker import Checker

    solution_path = SOLUTIONS_DIR / "00-start-here.ipynb"
    text = nbformat.writes(cb.complete(nbformat.read(solution_path, as_version=4)))

    async def printed_by(kernel, code: str) -> str:
        msg_id, out = kernel.kc.execute(code), []
        while True:
            msg = await kernel.kc.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(out)

    async def grade_two() -> tuple[str, list, list[int]]:
        pool = KernelPool(choose("auto"), spares=1, lessons=("00",))
        pool.fill()
        try:
            kernel = await pool.take()
            debugger = await printed_by(kernel, "import sys; print(sys.modules.get('debugpy', 'never imported'))")
            pool.discard(kernel)
            checker, reports, spares = Checker(pool), [], []
            for number, spare_after in enumerate([True, False]):
                job = Job(number, "00-start-here-exercises.ipynb", text, str(solution_path), None, "00", 10,
                          spare_after=spare_after)  # fmt: skip
                reports.append(await checker.check(job))
                spares.append(len(pool._waiting))
            return debugger, reports, spares
        finally:
            await pool.close()

    debugger, reports, spares = asyncio.run(grade_two())
    assert debugger.strip() == "None", "ipykernel loaded debugpy (about 0.1 s of CPU per kernel)"
    for report in reports:
        assert [o.status for o in report.exercises] == [Outcome.PASS] * 3, report
    assert spares == [1, 0], "a spare kernel after the first notebook, none after the last"


def test_course_check_launches_its_kernel_before_it_imports_jupyter_client_and_runs_in_it(tmp_path):
    # check_command.open_session: the kernel boots while the command loads jupyter_client; the
    # pool then adopts that very process (no second kernel) and the notebook runs in it.
    probe = """
import sys
from pathlib import Path
from course.grading import check_command, kernel_sandboxes
real, seen = kernel_sandboxes.launch_now, []
def spy(*args, **kwargs):
    seen.append("jupyter_client" in sys.modules)
    seen.append(real(*args, **kwargs))
    return seen[-1]
kernel_sandboxes.launch_now = spy
session = check_command.open_session(["00"], notebooks=1)
try:
    kernel = session.loop.run_until_complete(session.pool.take())
    print(seen[0], kernel.km.provisioner.process is seen[1].process, kernel.sandbox is seen[1].sandbox)
    session.loop.run_until_complete(kernel.discard())
finally:
    session.close()
print("gone", seen[1].process.poll() is not None, not seen[1].sandbox.connection_file.exists())
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["False", "True", "True", "gone", "True", "True"], result.stdout


def test_a_launched_kernel_no_pool_adopts_is_killed_and_its_sandbox_removed():
    probe = """
import asyncio
from course.grading.kernel_sandboxes import launch_now
from course.grading.kernels import KernelPool
from course.grading.sandbox import choose

choice = choose("auto")
launched = launch_now(choice.mode, ("00",))
asyncio.run(KernelPool(choice, spares=0, lessons=("00",), launched=launched).close())
print(launched.process.poll() is not None, not launched.sandbox.connection_file.exists())
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["True", "True"], "the launched kernel outlived its pool, or its folder did"


def test_without_bubblewrap_too_a_launched_kernel_is_adopted_and_runs_code():
    # The fallback kernel reads its connection file from disk as it starts: the manager that
    # adopts it must not write that file again meanwhile. In a process of its own: a fallback
    # pool may make its process the subreaper of, and then kill, every child that is no kernel.
    probe = """
import asyncio
from course.grading.kernel_sandboxes import launch_now
from course.grading.kernels import KernelPool
from course.grading.sandbox import Mode, choose

launched = launch_now(Mode.FALLBACK, ("00",))
written = launched.sandbox.connection_file.stat().st_mtime_ns
out = []

async def run():
    pool = KernelPool(choose("fallback"), spares=0, lessons=("00",), launched=launched)
    try:
        await pool.spawn(1)
        kernel = await pool.take()
        print("rewritten", launched.sandbox.connection_file.stat().st_mtime_ns != written)
        reply = await kernel.kc.execute_interactive("print(6 * 7)", timeout=30, output_hook=out.append)
        pool.discard(kernel)
        return reply["content"]["status"]
    finally:
        await pool.close()

print("status", asyncio.run(run()))
print("printed", [m["content"]["text"] for m in out if m["msg_type"] == "stream"] == ["42\\n"])
print("removed", not launched.sandbox.connection_file.exists())
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["rewritten", "False", "status", "ok", "printed", "True", "removed", "True"], (
        result.stdout
    )


def test_checking_a_notebook_without_bubblewrap_leaves_this_processs_other_children_alone():
    # A non-root fallback pool kills the children of its process that are no kernel (a learner's
    # escaped processes re-parent to it), but never those its process had started before: a
    # test's own Chromium or Redis lives on.
    from course.grading.worker import check_notebook_file

    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        report = check_notebook_file(SOLUTIONS_DIR / "00-start-here.ipynb",
                                     SOLUTIONS_DIR.parent / "exercises" / "00-start-here-exercises.ipynb",
                                     sandbox="fallback")  # fmt: skip
        assert [outcome.status for outcome in report.exercises] == [Outcome.TODO] * 3, report
        assert sleeper.poll() is None, "checking a notebook killed another child of this process"
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_reaping_pool_kills_a_kernels_orphans_but_not_the_older_children_of_its_process():
    probe = """
import subprocess, time
from course.grading import kernel_sandboxes

older = subprocess.Popen(["sleep", "60"])
kernel_sandboxes.reap_orphans_here()  # as a reaping KernelPool does
# A "kernel" that starts a process and exits: the process re-parents to us, an orphan.
kernel = subprocess.run(["sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!"], capture_output=True, text=True)
orphan = int(kernel.stdout)
time.sleep(0.1)
kernel_sandboxes.kill_orphans(set())
time.sleep(0.1)
with open(f"/proc/{orphan}/stat") as stat:
    gone = stat.read().rsplit(")", 1)[1].split()[0] == "Z"
print("orphan killed", gone, "older alive", older.poll() is None)
older.kill()
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["orphan", "killed", "True", "older", "alive", "True"], result.stdout
