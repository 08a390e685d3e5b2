"""A look at the learner's cells before they run: code that reaches for the check machinery.

No answer in this course needs IPython's hooks, the interpreter's frames, the
module table, ctypes or a shell; code that uses them can replace what a check
trusts from inside the kernel, which no in-process grader can fully prevent (see
docs/instructors.md). So the grader marks every exercise checked after such a
cell "tampering suspected" and says which construct it found, for the
instructor to look at. The list is short on purpose: nothing an honest answer
to these exercises writes is on it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

# Names that reach IPython, the interpreter's frames and hooks, or the checks' own modules.
NAMES = {
    "get_ipython": "IPython's shell (get_ipython)",
    "__import__": "__import__",
    "__builtins__": "__builtins__",
    "builtins": "the builtins module",
    "globals": "globals()",
    "exec": "exec()",
    "eval": "eval()",
    "compile": "compile()",
    "breakpoint": "breakpoint()",
    "In": "IPython's input history (In)",
    "Out": "IPython's output history (Out)",
    "_ih": "IPython's input history (_ih)",
    "_oh": "IPython's output history (_oh)",
}
ATTRIBUTES = {
    "modules": "sys.modules",
    "meta_path": "sys.meta_path",
    "path_hooks": "sys.path_hooks",
    "settrace": "a trace function (settrace)",
    "setprofile": "a profile function (setprofile)",
    "addaudithook": "an audit hook",
    "_getframe": "the interpreter's frames (sys._getframe)",
    "currentframe": "the interpreter's frames (currentframe)",
    "stack": None,  # inspect.stack: only as inspect.<this>
    "trace": None,
    "getouterframes": "the interpreter's frames (getouterframes)",
    "f_back": "the interpreter's frames (f_back)",
    "f_globals": "a frame's globals (f_globals)",
    "f_locals": "a frame's locals (f_locals)",
    "f_builtins": "a frame's builtins",
    "tb_frame": "the interpreter's frames (tb_frame)",
    "tb_next": "a traceback's frames (tb_next)",
    "gi_frame": "a generator's frame",
    "cr_frame": "a coroutine's frame",
    "__globals__": "a function's globals (__globals__)",
    "__code__": "a function's code (__code__)",
    "__closure__": "a function's closure (__closure__)",
    "__subclasses__": "__subclasses__()",
    "__traceback__": "an exception's frames (__traceback__)",
    "get_referrers": "gc.get_referrers",
    "get_objects": "gc.get_objects",
    "walk_stack": "the interpreter's frames (walk_stack)",
    "walk_tb": "a traceback's frames (walk_tb)",
}
MODULES = {
    "IPython": "IPython",
    "ipykernel": "ipykernel",
    "jupyter_client": "jupyter_client",
    "zmq": "zmq",
    "comm": "comm",
    "ctypes": "ctypes",
    "gc": "gc",
    "builtins": "the builtins module",
    "importlib": "importlib",
    "runpy": "runpy",
    "subprocess": "subprocess",
    "multiprocessing": "multiprocessing",
    "pty": "pty",
    "course.checks": "the checks' own module",
    "course.grading": "the grader's own module",
}
# Process control: a second process can write into the kernel's memory.
CALLS_ON_OS = {"system", "popen", "fork", "forkpty", "execv", "execve", "execl", "execlp", "execvp", "spawnv", "kill"}
SHELL_OR_MAGIC = re.compile(r"^\s*(%|!)", re.MULTILINE)
MARKERS = ("vnd.sessions-live", "/proc/")  # the verdicts' MIME type; the processes' files


@dataclass(frozen=True)
class Finding:
    cell_index: int  # in the assembled notebook
    what: str  # the constructs, in words
    first_line: str  # the cell's first line, to find it

    def describe(self) -> str:
        return f"the cell starting {self.first_line!r} uses {self.what}, which no answer needs"


def scan_cells(sources: dict[int, str], all_sources: list[str]) -> list[Finding]:
    """Findings for the learner's cells (index -> source); ``all_sources``: every code cell,
    for the names that are bound to modules."""
    module_names = set()
    for source in all_sources:
        module_names |= _imported_modules(source)
    findings = []
    for index, source in sources.items():
        found = scan_cell(source, module_names)
        if found:
            first_line = next((line.strip() for line in source.splitlines() if line.strip()), "")[:60]
            findings.append(Finding(index, ", ".join(found), first_line))
    return findings


def scan_cell(source: str, module_names: set[str] = frozenset()) -> list[str]:
    """The constructs in one cell that only tampering needs (empty: nothing suspicious)."""
    found: list[str] = []
    if SHELL_OR_MAGIC.search(source) and _has_magic(source):
        found.append("an IPython magic or shell command (% or !)")
    for marker in MARKERS:
        if marker in source:
            found.append(f"the text {marker!r}")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return sorted(set(found))  # it cannot run (or only as IPython syntax, found above)
    module_names = set(module_names) | _imported_modules(source)
    for node in ast.walk(tree):
        found += _judge(node, module_names)
    return sorted(set(found))


def _has_magic(source: str) -> bool:
    """Does IPython read this cell differently from Python (a %magic or a !command)?"""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source).rstrip() != source.rstrip()


def _imported_modules(source: str) -> set[str]:
    """Names that a cell binds to modules (import x, import x.y as z)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
    return names


def _judge(node: ast.AST, module_names: set[str]) -> list[str]:
    found = []
    if isinstance(node, ast.Name) and node.id in NAMES:
        found.append(NAMES[node.id])
    elif isinstance(node, ast.Attribute):
        root = _root_name(node.value)
        if ATTRIBUTES.get(node.attr):
            found.append(ATTRIBUTES[node.attr])
        elif node.attr in ("stack", "trace") and root == "inspect":
            found.append(f"the interpreter's frames (inspect.{node.attr})")
        elif root == "os" and (node.attr in CALLS_ON_OS or node.attr.startswith(("spawn", "exec", "posix_spawn"))):
            found.append(f"os.{node.attr}")
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        for module in modules:
            for watched, what in MODULES.items():
                if module == watched or module.startswith(watched + "."):
                    found.append(f"import {what}")
    elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        for target in targets:
            root = _root_name(target) if isinstance(target, (ast.Attribute, ast.Subscript)) else None
            if root in module_names:
                found.append(f"a change to the module {root} (monkey-patching)")
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
        if node.args and _root_name(node.args[0]) in module_names:
            found.append(f"{node.func.id}() on the module {_root_name(node.args[0])}")
    return found


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
