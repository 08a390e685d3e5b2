"""Was the check machinery replaced? A cheap look, taken before and after each graded check.

A grading kernel takes a snapshot as it starts, before any learner code runs: the
built-ins, the modules the checks and the demo server use (every function and
class in them, and every method of those classes), import machinery, trace and
profile hooks, and IPython's hooks and output path. A graded check compares the
present with it; any difference makes the grader mark the exercise "tampering
suspected". Code in the same process can always hide from a look like this (see
docs/instructors.md); this catches the plain ways of replacing what a check trusts.
"""

from __future__ import annotations

import builtins
import sys
import threading
from typing import Any

WATCHED_BUILTINS = (
    "type", "isinstance", "issubclass", "len", "repr", "str", "bytes", "int", "float", "bool", "dict", "list",
    "tuple", "set", "frozenset", "print", "getattr", "setattr", "hasattr", "callable", "id", "iter", "next",
    "sorted", "any", "all", "min", "max", "sum", "zip", "map", "filter", "range", "__import__", "exec", "eval",
    "compile", "super", "object", "vars", "Exception", "BaseException", "AssertionError",
    "NotImplementedError", "KeyError", "ValueError", "TypeError", "KeyboardInterrupt",
)  # fmt: skip
# Libraries the checks compute their expectations with (besides every course.* and demo_server.* module).
WATCHED_MODULES = (
    "builtins", "sys", "json", "signal", "threading", "traceback", "types", "inspect", "functools",
    "importlib", "importlib.util", "importlib.machinery", "importlib._bootstrap", "importlib._bootstrap_external",
    "base64", "binascii", "hashlib", "hmac", "secrets", "random", "struct", "time", "urllib.parse", "http.cookies",
    "jwt", "jwt.api_jwt", "jwt.api_jws", "jwt.algorithms", "jwt.api_jwk", "itsdangerous", "itsdangerous.url_safe",
    "itsdangerous.timed", "itsdangerous.serializer", "itsdangerous.signer", "cryptography.fernet",
    "requests", "requests.api", "requests.sessions", "requests.models", "flask", "flask.sessions", "werkzeug",
    "IPython", "IPython.display", "IPython.core.display_functions", "ipykernel.zmqshell", "jupyter_client.session",
)  # fmt: skip
OURS = ("course", "demo_server")
# Swapped by ipykernel around every execution (stdin, tracebacks): not the learner's doing.
CHANGED_BY_THE_KERNEL = {
    "builtins.input",
    "getpass.getpass",
    "sys.excepthook",
    "sys.displayhook",
    "sys.breakpointhook",
    "sys.unraisablehook",
    # The last error's type, set when a cell raises: bookkeeping, not machinery.
    "sys.last_type",
    "sys.last_exc",
}
HARMLESS_HOOK_MODULES = ("matplotlib_inline", "matplotlib", "ipywidgets", "ipykernel", "IPython", "comm")
IPYTHON_LISTS = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")

_MISSING = object()
_baseline: dict[str, Any] | None = None  # built-ins, hooks and IPython's: a few dozen names
# Every watched module as the snapshot found it: (name, module, its callables, its classes'
# members). Compared name by name, so that a look (a dozen per lesson) stays cheap.
_modules: list[tuple[str, Any, dict[str, Any], dict[str, dict[str, Any]]]] = []
_type, _vars, _getattr, _callable = type, vars, getattr, callable


def capture() -> None:
    """Take the snapshot (once: a grading kernel does it before any learner code)."""
    global _baseline, _modules
    if _baseline is None:
        _baseline = _snapshot()
        _modules = [
            (name, module, *_members(name, module))
            for name, module in dict(sys.modules).items()
            if name in WATCHED_MODULES or name.split(".")[0] in OURS
        ]


def problems() -> list[str]:
    """What changed since the snapshot, in words (empty if nothing did)."""
    capture()
    now = _snapshot()
    found = []
    for key, value in _baseline.items():
        if key not in now:
            found.append(f"{key} was removed")
        elif now[key] is not value:
            found.append(f"{key} was replaced")
    for key in now.keys() - _baseline.keys():
        if key.startswith(("ipython.", "hook.")) and not _harmless(now[key]):
            found.append(f"{key} was added ({_name_of(now[key])})")
    modules = sys.modules
    for name, module, functions, classes in _modules:
        present = modules.get(name, _MISSING)
        if present is not module:
            found.append(f"sys.modules[{name!r}] was {'removed' if present is _MISSING else 'replaced'}")
        attributes = _attributes(present)
        found += _changes(name, attributes, functions)
        for class_name, members in classes.items():
            found += _changes(f"{name}.{class_name}", _attributes(attributes.get(class_name)), members)
    return sorted(set(found))  # builtins are watched as names and as a module: one line each


def _changes(prefix: str, present: dict[str, Any], watched: dict[str, Any]) -> list[str]:
    changed = []
    for attribute, value in watched.items():
        now = present.get(attribute, _MISSING)
        if now is not value:
            changed.append(f"{prefix}.{attribute} was {'removed' if now is _MISSING else 'replaced'}")
    return changed


def _attributes(namespace: Any) -> dict[str, Any]:
    try:
        return _vars(namespace)
    except TypeError:
        return {}


def _harmless(hook: Any) -> bool:
    """Hooks libraries add when a learner uses them (matplotlib's inline backend, widgets)."""
    module = _getattr(hook, "__module__", None) or _type(hook).__module__ or ""
    return module.split(".")[0] in HARMLESS_HOOK_MODULES


def _name_of(value: Any) -> str:
    return _getattr(value, "__qualname__", None) or _type(value).__qualname__


def _snapshot() -> dict[str, Any]:
    state: dict[str, Any] = {}
    for name in WATCHED_BUILTINS:
        state[f"builtins.{name}"] = _getattr(builtins, name, None)
    state["hook.sys.settrace"] = sys.gettrace()
    state["hook.sys.setprofile"] = sys.getprofile()
    state["hook.threading.settrace"] = threading.gettrace()
    state["hook.threading.setprofile"] = threading.getprofile()
    for index, finder in enumerate(sys.meta_path):
        state[f"hook.sys.meta_path[{index}]"] = finder
    for index, hook in enumerate(sys.path_hooks):
        state[f"hook.sys.path_hooks[{index}]"] = hook
    _watch_ipython(state)
    return state


def _members(name: str, module: Any) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A module's functions and classes, and the methods of the classes defined in it."""
    functions: dict[str, Any] = {}
    classes: dict[str, dict[str, Any]] = {}
    for attribute, value in dict(_attributes(module)).items():
        if attribute.startswith("__") or not _callable(value) or f"{name}.{attribute}" in CHANGED_BY_THE_KERNEL:
            continue
        functions[attribute] = value
        if _type(value) is type and _getattr(value, "__module__", None) == name:
            classes[attribute] = {
                method: member
                for method, member in dict(_vars(value)).items()
                if _callable(member) or _type(member) in (staticmethod, classmethod, property)
            }
    return functions, classes


def _watch_ipython(state: dict[str, Any]) -> None:
    shell = _shell()
    if shell is None:
        return
    state["ipython.shell"] = shell
    for event, callbacks in shell.events.callbacks.items():
        for index, callback in enumerate(callbacks):
            state[f"ipython.events[{event!r}][{index}]"] = callback
    for name in IPYTHON_LISTS:
        for index, item in enumerate(_getattr(shell, name, None) or []):
            state[f"ipython.{name}[{index}]"] = item
    manager = _getattr(shell, "input_transformer_manager", None)
    state["ipython.input_transformer_manager"] = manager
    for name in ("cleanup_transforms", "line_transforms", "token_transformers"):
        for index, item in enumerate(_getattr(manager, name, None) or []):
            state[f"ipython.input_transformer_manager.{name}[{index}]"] = item
    publisher = shell.display_pub
    state["ipython.display_pub"] = publisher
    state["ipython.display_pub.publish"] = _vars(publisher).get("publish", _type(publisher).publish)
    state["ipython.displayhook"] = shell.displayhook
    session = _getattr(publisher, "session", None)
    if session is not None:
        state["ipython.display_pub.session"] = session
        state["ipython.display_pub.session.send"] = _vars(session).get("send", _type(session).send)
        state["ipython.display_pub.pub_socket"] = _getattr(publisher, "pub_socket", None)


def _shell() -> Any:
    module = sys.modules.get("IPython.core.getipython")
    return module.get_ipython() if module else None
