"""The grading pipeline's parts on their own: no kernel runs here."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from course.authoring import synthetic_class as cb
from course.checks import exercises_of
from course.checks._graded import MIME
from course.grading import outputs, sandbox, scan, submissions, verdicts
from course.grading import report as reports
from course.grading.assemble import CHECK, HIDDEN, LEARNER, assemble, grader_cell
from course.grading.execute import Execution
from course.grading.learner_notebook import UnreadableNotebook, parse_notebook
from course.grading.report import ExerciseOutcome, NotebookReport, NotebookStatus, ReportError
from course.grading.score import Evidence, outcomes
from course.layout import SOLUTIONS_DIR, solution_notebooks
from course.outcome import Outcome

# --- the report ----------------------------------------------------------------------------


def test_a_report_survives_the_trip_through_json():
    report = NotebookReport(
        NotebookStatus.CHECKED,
        "",
        1.5,
        [ExerciseOutcome("00.1", "t", 1, 1, Outcome.PASS, "", "h", [reports.TestOutcome("00.1", Outcome.PASS)])],
    )
    again = NotebookReport.from_json(json.loads(json.dumps(report.to_json())))
    assert again == report and again.exercises[0].status is Outcome.PASS


@pytest.mark.parametrize(
    "broken",
    [
        [],
        {"status": "passed"},
        {"status": "checked", "exercises": [{"id": "00.1", "status": "pass", "points": "1", "points_possible": 1}]},
        {"status": "checked", "exercises": [{"id": 1, "status": "pass", "points": 1, "points_possible": 1}]},
        {"status": "checked", "exercises": [{"id": "x", "status": "great", "points": 1, "points_possible": 1}]},
        {"status": "checked", "seconds": "fast"},
    ],
)
def test_a_malformed_report_is_refused(broken):
    with pytest.raises(ReportError):
        NotebookReport.from_json(broken)


# --- reading what learners hand in ------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (["00-start-here.ipynb", "00-start-here (1).ipynb"], "00-start-here.ipynb"),
        (["00-start-here (1).ipynb"], "00-start-here (1).ipynb"),
        (["00-START-HERE.ipynb"], "00-START-HERE.ipynb"),
        (["00-start-here-exercises.ipynb"], "00-start-here-exercises.ipynb"),
        (["01-cookies.ipynb"], None),
        (["000-x.ipynb"], None),
    ],
)
def test_a_lessons_notebook_is_found_by_name_or_number(files, expected):
    assert submissions._match("00-start-here.ipynb", files) == expected


def test_two_candidates_are_not_guessed_between(tmp_path):
    (tmp_path / "00-a.ipynb").write_text("{}")
    (tmp_path / "00-b.ipynb").write_text("{}")
    learner = submissions.Learner("x", tmp_path)
    submissions.collect(learner, ["00-start-here.ipynb"])
    handed = learner.notebooks["00-start-here.ipynb"]
    assert handed.status is NotebookStatus.UNREADABLE and "several notebooks could be" in handed.message


def test_a_notebook_in_another_unicode_form_is_found(tmp_path):
    nfd = "00-start-he\u0301re.ipynb"  # é as e + combining accent (macOS file names)
    (tmp_path / nfd).write_text('{"cells": []}')
    learner = submissions.Learner("x", tmp_path)
    submissions.collect(learner, ["00-start-h\u00e9re.ipynb"])
    assert learner.notebooks["00-start-h\u00e9re.ipynb"].text == '{"cells": []}'


def test_links_fifos_and_huge_files_are_not_read(tmp_path, monkeypatch):
    target = tmp_path / "elsewhere.ipynb"
    target.write_text("{}")
    folder = tmp_path / "learner"
    folder.mkdir()
    (folder / "00-start-here.ipynb").symlink_to(target)
    os.mkfifo(folder / "01-cookies.ipynb")
    (folder / "02-signed.ipynb").write_text("x" * 100)
    monkeypatch.setattr(submissions, "MAX_NOTEBOOK_BYTES", 10)
    learner = submissions.Learner("learner", folder)
    submissions.collect(learner, ["00-start-here.ipynb", "01-cookies.ipynb", "02-signed.ipynb"])
    messages = {name: (h.status, h.message) for name, h in learner.notebooks.items()}
    assert messages["00-start-here.ipynb"] == (
        NotebookStatus.UNREADABLE,
        "00-start-here.ipynb is a link, not a notebook (hand in the file itself)",
    )
    assert messages["01-cookies.ipynb"][1] == "01-cookies.ipynb is not a regular file"
    assert "larger than" in messages["02-signed.ipynb"][1]


def test_a_linked_learner_folder_is_reported_not_followed(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    learners = {learner.name: learner for learner in submissions.learner_folders(tmp_path)}
    assert learners["link"].is_link and not learners["real"].is_link
    submissions.collect(learners["link"], ["00-start-here.ipynb"])
    assert "is a link, not a folder" in learners["link"].notebooks["00-start-here.ipynb"].message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not a readable notebook (not JSON)"),
        ('{"cells": {}}', "no list of cells"),
        ('{"cells": [{"cell_type": "code", "source": 5, "metadata": {}}]}', "cell 1: its source should be text"),
        ('{"cells": [{"cell_type": "code", "source": ["a", 1], "metadata": {}}]}', "a line of it is not"),
        ('{"cells": [{"cell_type": "magic", "source": ""}]}', "unknown cell_type"),
        ('{"cells": [7]}', "a cell should be a JSON object, not a number"),
    ],
)
def test_a_broken_notebook_gets_a_clear_reason(text, message):
    with pytest.raises(UnreadableNotebook, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_notebook(text, "00-start-here.ipynb")


def test_a_notebook_with_lines_as_lists_reads():
    notebook = parse_notebook(nbformat.writes(cb.complete(_solution_00())), "00-start-here.ipynb")
    assert any("def server_software" in cell.source for cell in notebook.cells)


# --- writing outputs -----------------------------------------------------------------------------


def test_an_output_replaces_a_link_instead_of_writing_through_it(tmp_path):
    victim = tmp_path / "victim.json"
    victim.write_text("mine")
    (tmp_path / "grades.csv").symlink_to(victim)
    outputs.write_atomically(tmp_path / "grades.csv", "ours")
    assert victim.read_text() == "mine"
    assert not (tmp_path / "grades.csv").is_symlink() and (tmp_path / "grades.csv").read_text() == "ours"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_nothing_is_written_into_a_folder_that_is_a_link(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "learner").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(outputs.LinkRefused):
        outputs.write_in_learner_folder(tmp_path / "learner", "results.json", "{}")
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.parametrize(
    ("name", "cell"),
    [("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("ada", "ada")],
)
def test_names_a_spreadsheet_would_run_are_quoted(name, cell):
    assert outputs.csv_cell(name) == cell


def test_markdown_and_terminal_text_stay_on_one_line():
    assert outputs.markdown_text("a|b\nc *d* <e>") == "a\\|b\\\\x0ac \\*d\\* \\<e\\>"
    assert outputs.printable("bad\x1b[31mred\u202e") == "bad\\x1b[31mred\\u202e"


# --- the scan for tampering -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import sys\nsys.modules['course.checks'].check = None", "sys.modules"),
        ("get_ipython().events.register('pre_run_cell', print)", "IPython's shell (get_ipython)"),
        ("import gc\ngc.get_objects()", "import gc"),
        ("import requests\nrequests.get = lambda *a: None", "a change to the module requests (monkey-patching)"),
        ("!ls /", "an IPython magic or shell command (% or !)"),
        ("%timeit 1", "an IPython magic or shell command (% or !)"),
        ("import inspect\ninspect.stack()", "the interpreter's frames (inspect.stack)"),
        ("exec('x = 1')", "exec()"),
        ("import os\nos.system('true')", "os.system"),
        ("from course.checks import _run_function", "import the checks' own module"),
    ],
)
def test_the_scan_names_what_only_tampering_needs(source, found):
    assert found in scan.scan_cell(source)


@pytest.mark.parametrize(
    "source",
    [
        "x = ('%s'\n     % 3)",
        "class Store:\n    def __init__(self):\n        self.events = []\n        self.modules_seen = 0",
        "import hmac\ndigest = hmac.new(b'k', b'm', 'sha256').digest()",
        "text = 'see !important and 50% off'",
    ],
)
def test_the_scan_leaves_honest_code_alone(source):
    assert scan.scan_cell(source) == []


@pytest.mark.parametrize("solution", solution_notebooks(), ids=lambda p: p.name)
def test_no_solution_looks_like_tampering(solution):
    notebook = nbformat.read(solution, as_version=4)
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert scan.scan_cells(dict(enumerate(sources)), sources) == []


# --- verdicts and scores ----------------------------------------------------------------------


def _solution_00():
    return nbformat.read(SOLUTIONS_DIR / "00-start-here.ipynb", as_version=4)


def _verdict(cell, status="pass", nonce=None, **extra):
    bundle = {"nonce": nonce or cell.metadata["course"]["nonce"], "exercise": cell.metadata["course"]["exercise"]}
    bundle.update(kind=cell.metadata["course"]["role"], hung=[], tampering=[], skipped="")
    bundle["results"] = [{"name": bundle["exercise"], "status": status, "message": ""}]
    bundle.update(extra)
    return nbformat.v4.new_output("display_data", data={MIME: bundle})


def _assembled_with_verdicts():
    solution = _solution_00()
    notebook = assemble(cb.untouched(solution), cb.complete(solution), "# hidden").notebook
    index = {}
    for i, cell in enumerate(notebook.cells):
        if cell.metadata.get("course", {}).get("role") in (CHECK, HIDDEN):
            cell.outputs = [_verdict(cell)]
            index[(cell.metadata["course"]["role"], cell.metadata["course"]["exercise"])] = i
    return notebook, index


def _score(notebook, ran=None, cut_off=frozenset(), findings=()):
    ran = set(range(len(notebook.cells))) if ran is None else ran
    execution = Execution(ran=ran, cut_off=set(cut_off))
    reading = verdicts.read(notebook, execution.ran, execution.cut_off)
    exercises = exercises_of("00")
    evidence = Evidence(notebook, execution, reading, list(findings), [], "# hidden")
    return {o.id: o for o in outcomes(exercises, evidence, with_hidden=True)}


def test_genuine_verdicts_score():
    notebook, _ = _assembled_with_verdicts()
    assert all(o.passed for o in _score(notebook).values())


def test_a_verdict_with_another_nonce_taints_that_exercise_and_the_rest():
    notebook, index = _assembled_with_verdicts()
    cell = notebook.cells[index[(CHECK, "00.2")]]
    cell.outputs.append(_verdict(cell, nonce="guessed"))
    scored = _score(notebook)
    assert scored["00.1"].passed
    assert scored["00.2"].status is Outcome.TAMPERING and scored["00.3"].status is Outcome.TAMPERING
    assert "a forged verdict appeared in the check of 00.2" in scored["00.2"].message


def test_two_verdicts_with_the_nonce_or_none_at_all_are_tampering():
    notebook, index = _assembled_with_verdicts()
    twice = notebook.cells[index[(CHECK, "00.1")]]
    twice.outputs.append(_verdict(twice, status="fail"))
    assert _score(notebook)["00.1"].status is Outcome.TAMPERING
    notebook, index = _assembled_with_verdicts()
    notebook.cells[index[(HIDDEN, "00.3")]].outputs = []
    assert _score(notebook)["00.3"].status is Outcome.TAMPERING


def test_a_cell_that_never_ran_or_was_cut_off_is_no_tampering():
    notebook, index = _assembled_with_verdicts()
    hidden = index[(HIDDEN, "00.3")]
    notebook.cells[hidden].outputs = []
    cut = _score(notebook, cut_off={hidden})["00.3"]
    assert cut.status is Outcome.FAIL and "the hidden tests did not finish" in cut.message
    never = _score(notebook, ran=set(range(hidden)))["00.3"]
    assert never.status is Outcome.FAIL


def test_a_verdict_in_a_learners_cell_taints_what_follows():
    notebook, index = _assembled_with_verdicts()
    forger = grader_cell("print()", LEARNER)
    forger.metadata["course"] = {"role": LEARNER}
    check_cell = notebook.cells[index[(CHECK, "00.2")]]
    forger.outputs = [_verdict(check_cell)]
    notebook.cells.insert(index[(CHECK, "00.2")], forger)
    scored = _score(notebook)
    assert scored["00.1"].passed and scored["00.2"].status is Outcome.TAMPERING


def test_a_message_quoting_the_hidden_tests_is_withheld():
    notebook, index = _assembled_with_verdicts()
    hidden_line = "assert ns['server_software'](url) == 'sessions-live-demo'"
    cell = notebook.cells[index[(CHECK, "00.1")]]
    cell.outputs = [_verdict(cell, status="fail")]
    cell.outputs[0]["data"][MIME]["results"][0]["message"] = f"leaked: {hidden_line}"
    execution = Execution(ran=set(range(len(notebook.cells))))
    reading = verdicts.read(notebook, execution.ran, execution.cut_off)
    exercises = exercises_of("00")
    evidence = Evidence(notebook, execution, reading, [], [], f"def t(ns):\n    {hidden_line}\n")
    scored = {o.id: o for o in outcomes(exercises, evidence, with_hidden=True)}
    assert scored["00.1"].message == "(message withheld: it quotes the hidden tests)"


# --- the sandbox's command line -----------------------------------------------------------------


def test_the_sandbox_shows_the_venv_and_the_course_packages_and_nothing_else_of_the_course(monkeypatch):
    argv = sandbox.BubblewrapArgs(uid=62000 if os.geteuid() == 0 else None, limits=sandbox.Limits()).argv()
    for flag in ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in argv
    bound = {argv[i + 1] for i, arg in enumerate(argv) if arg == "--ro-bind"}
    course_root = Path(__file__).resolve().parent.parent
    assert str(course_root / "course") in bound and str(course_root / "demo_server") in bound
    assert not any(path.startswith(str(course_root / "solutions")) for path in bound)
    assert str(course_root) not in bound and "--bind" not in argv, "nothing of the host is writable"
    assert f"--data={4 << 30}" in argv and f"--fsize={64 << 20}" in argv


def test_a_kernel_gets_none_of_the_graders_environment(monkeypatch):
    monkeypatch.setenv("INSTRUCTOR_TOKEN", "secret")
    env = sandbox.kernel_env("/tmp", None, "run")
    assert "INSTRUCTOR_TOKEN" not in env and "secret" not in str(env)
    assert env["HOME"] == "/tmp" and env[sandbox.RUN_ENV] == "run"


def test_a_kernel_can_use_the_chromium_make_browser_downloaded(monkeypatch, tmp_path):
    browsers = tmp_path / "ms-playwright"
    browsers.mkdir()
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(browsers))
    assert sandbox.kernel_env("/tmp", None)["PLAYWRIGHT_BROWSERS_PATH"] == str(browsers.resolve())
    argv = sandbox.BubblewrapArgs(uid=None, limits=sandbox.Limits()).argv()
    assert str(browsers.resolve()) in {argv[i + 1] for i, arg in enumerate(argv) if arg == "--ro-bind"}
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "not-there"))
    assert "PLAYWRIGHT_BROWSERS_PATH" not in sandbox.kernel_env("/tmp", None)


def test_the_seccomp_filter_is_a_whole_program():
    from course.grading.seccomp import refuse_new_user_namespaces

    program = refuse_new_user_namespaces()
    assert len(program) == 13 * 8  # thirteen 8-byte instructions, ending in returns


def test_a_kernel_sharing_the_graders_uid_gets_a_process_budget_on_top_of_what_runs():
    def nproc(argv):
        return int(next(arg for arg in argv if arg.startswith("--nproc=")).partition("=")[2])

    own_uid = sandbox.BubblewrapArgs(uid=62000, limits=sandbox.Limits()).argv() if os.geteuid() == 0 else None
    shared = sandbox.BubblewrapArgs(uid=None, limits=sandbox.Limits()).argv()
    running = len(sandbox.processes_of(os.getuid()))
    assert running + 256 - 5 <= nproc(shared) <= running + 256 + 5  # RLIMIT_NPROC counts the whole uid
    if own_uid is not None:
        assert nproc(own_uid) == 256
