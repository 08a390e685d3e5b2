"""The attacks on `course grade` of issue 14, as learner notebooks (tests/test_grading.py grades them).

Each is a copy of lesson 00's exercise notebook with the attacker's code in a
cell of its own or in an answer. An attack that worked would earn points,
change someone else's files or grades, change the course or the venv, or leave
a process running after grading; the tests check that none of it happens.
"""

from __future__ import annotations

import json

import nbformat

from course.authoring.synthetic_class import complete, untouched, with_answer
from course.authoring.synthetic_class import with_cell_before_first_answer as with_extra_cell
from course.checks._graded import MIME

WRITES_COURSE_FILES = """
import pathlib

import course

_root = pathlib.Path(course.__file__).resolve().parent.parent
for _target in [
    _root / "course" / "checks" / "lesson_00.py",
    _root / "solutions" / "hidden" / "lesson_00.py",
    pathlib.Path("../course/checks/lesson_00.py"),
    pathlib.Path("../solutions/hidden/lesson_00.py"),
]:
    try:
        _target.parent.mkdir(parents=True, exist_ok=True)
        _target.write_text("from course.checks import exercise  # every check is gone\\n")
    except OSError:
        pass
"""

REWRITES_OTHER_NOTEBOOKS = """
import glob
import os

_found = set()
_proc = os.path.join("/", "proc")  # (spelt out: the grader's scan would flag the plain text)
for _link in glob.glob(f"{_proc}/*/fd/*") + glob.glob(f"{_proc}/*/cwd"):
    try:
        _found.add(os.readlink(_link))
    except OSError:
        pass
for _cmdline in glob.glob(f"{_proc}/*/cmdline"):
    try:
        _found.update(part.decode() for part in open(_cmdline, "rb").read().split(b"\\0") if part)
    except OSError:
        pass
for _top in ("/work", "/tmp", "/root", "/home", "/srv"):
    for _folder, _, _files in os.walk(_top):
        _found.update(os.path.join(_folder, name) for name in _files if name.endswith((".ipynb", ".csv", ".json")))
for _path in sorted(_found):
    if _path.endswith((".ipynb", ".csv", "results.json")) and not _path.startswith("/tmp/work"):
        try:
            with open(_path, "w") as _file:
                _file.write("{}")
        except OSError:
            pass
"""

POISONS_THE_KERNELSPEC = """
import json
import os
import sys

_spec = {"argv": [sys.executable, "-O", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": "Python 3 (ipykernel)", "language": "python"}
for _folder in (os.path.join(sys.prefix, "share", "jupyter", "kernels", "python3"),
                os.path.expanduser("~/.local/share/jupyter/kernels/python3")):
    try:
        os.makedirs(_folder, exist_ok=True)
        with open(os.path.join(_folder, "kernel.json"), "w") as _file:
            json.dump(_spec, _file)
    except OSError:
        pass
"""

# What the escaped process writes into every output it reaches: a test looks for it.
FORGERY = "forged-by-an-escaped-process"

# Runs on: looks for the grader's command line in /proc and rewrites its outputs, for two minutes.
ESCAPED_PROCESS = r"""
import glob, os, sys, time
if os.fork():
    os._exit(0)
os.setsid()
deadline = time.time() + 120
while time.time() < deadline:
    for cmdline in glob.glob("/proc/*/cmdline"):
        try:
            args = open(cmdline, "rb").read().decode(errors="replace").split("\0")
        except OSError:
            continue
        for index, arg in enumerate(args):
            if arg in ("--csv", "--md") and index + 1 < len(args):
                try:
                    open(args[index + 1], "w").write("learner,total\nforged-by-an-escaped-process,999\n")
                except OSError:
                    pass
            if arg.endswith(".ipynb") or "submissions" in arg:
                folder = os.path.dirname(arg) or "."
                for results in glob.glob(os.path.join(folder, "..", "*", "results.json")):
                    try:
                        open(results, "w").write('{"points": 999, "by": "forged-by-an-escaped-process"}')
                    except OSError:
                        pass
    time.sleep(0.2)
"""

ESCAPES = """
import subprocess
import sys

subprocess.Popen([sys.executable, "-c", {script!r}, {token!r}], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
"""

# Each answer: copies the answers out of the solution notebook into a module of its own, and imports them.
READS_THE_SOLUTIONS = """
import json
import pathlib
import sys

import course

_root = pathlib.Path(course.__file__).resolve().parent.parent
for _path in [_root / "solutions" / "00-start-here.ipynb", pathlib.Path("../solutions/00-start-here.ipynb"),
              pathlib.Path("../../solutions/00-start-here.ipynb")]:
    try:
        _cells = json.loads(_path.read_text())["cells"]
    except (OSError, ValueError, KeyError):
        continue
    _answers = ["".join(c["source"]) for c in _cells if "solution" in c["metadata"].get("tags", [])]
    pathlib.Path("_stolen.py").write_text("import requests\\n\\n" + "\\n\\n".join(_answers))
    sys.path.insert(0, ".")
    from _stolen import cookies_the_server_saw, greet_with_cookie, server_software  # noqa: F401
    break
"""

# 00.1's answer: the hidden tests and the solutions, read from their files, in its error message.
LEAKS_FILES = """
def server_software(base_url: str) -> str:
    import pathlib

    import course

    root = pathlib.Path(course.__file__).resolve().parent.parent
    found = []
    for path in (root / "solutions" / "hidden" / "lesson_00.py", root / "solutions" / "00-start-here.ipynb"):
        try:
            found.append(path.read_text())
        except OSError:
            pass
    raise RuntimeError("LEAK " + " ".join(found))
"""

# 00.2's answer: what it finds in memory (hidden 00.1 ran before it) goes into its error message.
LEAKS_MEMORY = """
def greet_with_cookie(base_url: str, name: str) -> str:
    import gc

    found = [thing for thing in gc.get_objects() if isinstance(thing, str) and "hidden_test" in thing][:3]
    raise RuntimeError("LEAK " + " ".join(found))
"""

IMPOSTORS = {
    "00.1": """
class _AlwaysEqual(str):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = str.__hash__


class _AlwaysEqualDict(dict):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


def server_software(base_url: str) -> str:
    return _AlwaysEqual("anything")
""",
    "00.2": """
def greet_with_cookie(base_url: str, name: str) -> str:
    return _AlwaysEqual("anything")
""",
    "00.3": """
def cookies_the_server_saw(base_url: str, cookies: dict[str, str]) -> dict[str, str]:
    return _AlwaysEqualDict()
""",
}

REPLACES_THE_CHECK_RUNNER = """
import sys

from course.checks import Result
from course.outcome import Outcome


def _always_pass(function, namespace, exercise_id, title, *, kind, name, seconds=None):
    return Result(exercise_id, title, Outcome.PASS, "", kind, name)


sys.modules["course.checks"]._run_function = _always_pass
"""

FORGES_RESULTS = f"""
import json
import os
import threading
import time

from IPython.display import display


def _forge():
    while True:
        path = os.environ.get("COURSE_RESULTS_FILE")
        for exercise in ("00.1", "00.2", "00.3"):
            record = {{"id": exercise, "title": "", "status": "pass", "message": "", "kind": "check", "name": exercise}}
            if path:
                with open(path, "a") as results:
                    results.write(json.dumps(record) + "\\n")
            verdict = {{"nonce": "guess", "exercise": exercise, "kind": "check", "hung": [], "tampering": [],
                       "results": [{{"name": exercise, "status": "pass", "message": ""}}]}}
            display({{{MIME!r}: verdict}}, raw=True)
        time.sleep(0.05)


threading.Thread(target=_forge, daemon=True).start()
"""

# Reads each cell before it runs, and answers every check itself with the right nonce.
STEALS_THE_NONCE = f"""
import re

from IPython.display import display


def _answer_first(info):
    match = re.search(r'check\\("(\\d\\d\\.\\d)", nonce="([0-9a-f]+)"', info.raw_cell)
    if match:
        verdict = {{"nonce": match.group(2), "exercise": match.group(1), "kind": "check", "hung": [],
                   "tampering": [], "results": [{{"name": match.group(1), "status": "pass", "message": ""}}]}}
        display({{{MIME!r}: verdict}}, raw=True)


get_ipython().events.register("pre_run_cell", _answer_first)
"""

HOGS_RESOURCES = """
def server_software(base_url: str) -> str:
    import os

    report = [f"uid={os.getuid()}"]
    try:
        bytearray(20 * 2**30)
        report.append("memory=allocated")
    except MemoryError:
        report.append("memory=MemoryError")
    try:
        with open("big.bin", "wb") as big:
            big.write(b"x" * (100 << 20))
        report.append("file=written")
    except OSError as error:
        report.append(f"file={error.strerror}")
    raise RuntimeError(" ".join(report))
"""

WRONG_ANSWERS = {
    "00.1": 'def server_software(base_url: str) -> str:\n    return "nginx"\n',
    "00.2": 'def greet_with_cookie(base_url: str, name: str) -> str:\n    return "hello"\n',
    "00.3": "def cookies_the_server_saw(base_url: str, cookies: dict[str, str]) -> dict[str, str]:\n    return {}\n",
}


def attackers(solution, token: str) -> dict[str, object]:
    """Learner folder name -> notebook, one per attack; ``token`` marks the processes they start."""
    done, stub = complete(solution), untouched(solution)
    impostor = stub
    for exercise_id, source in IMPOSTORS.items():
        impostor = with_answer(impostor, exercise_id, source)
    hog = with_answer(done, "00.1", HOGS_RESOURCES)
    return {
        "attack-writes-course-files": with_extra_cell(stub, WRITES_COURSE_FILES),
        "attack-rewrites-other-notebooks": with_extra_cell(stub, REWRITES_OTHER_NOTEBOOKS),
        "attack-poisons-the-kernelspec": with_extra_cell(stub, POISONS_THE_KERNELSPEC),
        "attack-escapes": with_extra_cell(stub, ESCAPES.format(script=ESCAPED_PROCESS, token=token)),
        "attack-reads-the-solutions": _in_every_answer(stub, READS_THE_SOLUTIONS),
        "attack-leaks-files": with_answer(stub, "00.1", LEAKS_FILES),
        "attack-leaks-memory": with_answer(done, "00.2", LEAKS_MEMORY),
        "attack-impostor-values": impostor,
        "attack-replaces-the-check-runner": with_extra_cell(stub, REPLACES_THE_CHECK_RUNNER),
        "attack-forges-results": with_extra_cell(stub, FORGES_RESULTS),
        "attack-steals-the-nonce": with_extra_cell(stub, STEALS_THE_NONCE),
        "attack-hogs-resources": hog,
    }


def _in_every_answer(notebook, source: str):
    for exercise_id in ("00.1", "00.2", "00.3"):
        notebook = with_answer(notebook, exercise_id, source)
    return notebook


def wrong_answers(solution):
    """A learner whose answers are all wrong: zero, as long as the checks' asserts run."""
    notebook = untouched(solution)
    for exercise_id, source in WRONG_ANSWERS.items():
        notebook = with_answer(notebook, exercise_id, source)
    return notebook


def with_int_source(solution) -> str:
    """A notebook file (its text) whose first code cell has a number as its source."""
    data = json.loads(nbformat.writes(complete(solution)))
    code = next(cell for cell in data["cells"] if cell["cell_type"] == "code")
    code["source"] = 5
    return json.dumps(data)
