"""course/checks/_integrity.py: the look a graded check takes at the check machinery.

Each test takes a fresh snapshot, changes one thing the way a learner's cell could, and
expects exactly that change named; monkeypatch puts everything back.
"""

from __future__ import annotations

import json
import sys
import types

import pytest
import requests.sessions

from course.checks import _integrity


@pytest.fixture
def snapshot(monkeypatch):
    monkeypatch.setattr(_integrity, "_baseline", None)
    monkeypatch.setattr(_integrity, "_modules", [])
    _integrity.capture()
    assert _integrity.problems() == []
    return monkeypatch


def test_nothing_changed_is_no_problem(snapshot):
    import collections  # a module imported after the snapshot is nobody's tampering

    assert collections and _integrity.problems() == []


def test_a_replaced_function_of_a_watched_library_is_named(snapshot):
    snapshot.setattr(json, "dumps", lambda *args, **kwargs: "{}")
    assert _integrity.problems() == ["json.dumps was replaced"]


def test_a_removed_function_of_the_course_is_named(snapshot):
    from course import checks

    snapshot.delattr(checks, "_run_function")
    assert _integrity.problems() == ["course.checks._run_function was removed"]


def test_a_replaced_method_of_a_class_is_named(snapshot):
    snapshot.setattr(requests.sessions.Session, "request", lambda self, *args, **kwargs: None)
    assert _integrity.problems() == ["requests.sessions.Session.request was replaced"]


def test_a_module_swapped_in_sys_modules_is_named_with_what_it_lacks(snapshot):
    impostor = types.ModuleType("json")
    impostor.__dict__.update({name: value for name, value in vars(json).items() if name != "loads"})
    snapshot.setitem(sys.modules, "json", impostor)
    assert _integrity.problems() == ["json.loads was removed", "sys.modules['json'] was replaced"]


def test_a_replaced_builtin_and_an_added_trace_hook_are_named(snapshot):
    import builtins

    real = builtins.isinstance  # an impostor that behaves the same: pytest itself goes on using it
    snapshot.setattr(builtins, "isinstance", lambda value, kind: real(value, kind))
    previous = sys.gettrace()
    sys.settrace(lambda *args: None)
    try:
        found = _integrity.problems()
    finally:
        sys.settrace(previous)
    assert found == ["builtins.isinstance was replaced", "hook.sys.settrace was replaced"]


def test_an_unwatched_library_is_left_alone(snapshot):
    import email.utils

    snapshot.setattr(email.utils, "formatdate", lambda *args, **kwargs: "")
    assert _integrity.problems() == []
