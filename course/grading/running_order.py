"""The order `course grade` checks a class's notebooks in: those that may run to a time limit first.

A class takes as long as its last notebook to finish. A notebook stuck in an endless loop
runs for a whole cell time limit (10 s by default) where a finished one takes about a
second, so when it starts decides the class's time: on 2 cores, lesson 00's class of twenty
took 17 s with its loop started thirteenth (by name), and about 12 s with it first. The
loop's notebook gives up its place after a while (supervisor.run_jobs), so the other
notebooks are checked while it runs out its limit.

Which notebook will loop is not known until it runs. This is the longest-job-first rule with
a guess made from the code: a notebook with more of what can run without end than the
solution has (a ``while`` loop, a sleep, an endless iterator) goes first, the rest keep their
order. The order changes no grade (every notebook gets a kernel of its own), and a loop the
guess misses costs its limit from where it starts, as it did before.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable

from course.grading.job import Job, code_sources

# Calls that can wait or iterate without end (str.count and list.count are not itertools.count).
ITERTOOLS_ENDLESS = {"count", "cycle", "repeat"}
MAGIC_LINE = re.compile(r"^(\s*)[%!].*$", re.MULTILINE)
MENTIONS = re.compile(r"while|sleep|count|cycle|repeat|iter")  # a cell without any has nothing to parse
# Characters parsed per notebook: the grader reads every notebook before the first one runs, and a
# learner's may hold megabytes of code (parsing 6 MB takes seconds; 64 KiB at worst 0.2 s). What is
# past it counts as "unread".
MAX_PARSED = 64 * 1024


def endless_constructs(sources: Iterable[str]) -> Counter[str]:
    """How many of each construct that can run without end the code cells (of one notebook) have."""
    found: Counter[str] = Counter()
    budget = MAX_PARSED
    for source in sources:
        if not MENTIONS.search(source):
            continue
        budget -= len(source)
        if budget < 0:
            found["unread"] += 1
            continue
        tree = _parse(source)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.While):
                found["while"] += 1
            elif isinstance(node, ast.Call) and (call := _endless_call(node)):
                found[call] += 1
    return found


def may_run_to_the_limit(job: Job, solution_has: Counter[str]) -> bool:
    return bool(endless_constructs(code_sources(job.notebook_text)) - solution_has)


def running_order(jobs: list[Job], solutions_have: dict[str, Counter[str]]) -> list[Job]:
    """``jobs``, those that may run to a time limit first (``solutions_have``: each lesson's
    endless_constructs in its solution)."""
    return sorted(jobs, key=lambda job: not may_run_to_the_limit(job, solutions_have.get(job.lesson, Counter())))


def _parse(source: str) -> ast.Module | None:
    # A learner's cell may be anything: not Python, a null byte, nesting deep enough to exhaust the parser.
    texts = [source]
    if MAGIC_LINE.search(source):  # IPython's %magic and !shell lines are not Python
        texts.append(MAGIC_LINE.sub(r"\1pass", source))
    for text in texts:
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None  # it stops at once when it runs


def _endless_call(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        name, module = func.attr, func.value.id if isinstance(func.value, ast.Name) else None
        if name == "sleep" or (module == "itertools" and name in ITERTOOLS_ENDLESS):
            return _unless_bounded(name, call)
    elif isinstance(func, ast.Name) and func.id in {"sleep", "iter", *ITERTOOLS_ENDLESS}:
        return _unless_bounded(func.id, call)
    return None


def _unless_bounded(name: str, call: ast.Call) -> str | None:
    if name == "repeat" and (len(call.args) > 1 or any(word.arg == "times" for word in call.keywords)):
        return None  # repeat(x, times)
    if name == "iter" and len(call.args) < 2:  # iter(iterable); iter(callable, sentinel) may not end
        return None
    return name
