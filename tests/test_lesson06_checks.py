"""Lesson 06's checks, on wrong answers as well as right ones: each wrong answer fails, with a reason.

The exercise tests (tests/test_exercises.py) prove that the checks fail on the
untouched stubs and pass on the solution; these prove they catch answers that
run but do not defend: no check at all, a token that is never compared, an
origin check that lets same-site in, stripping instead of escaping.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from flask import abort, request, session
from markupsafe import escape

from course.checks import Outcome, find, run
from course.layout import HIDDEN_TESTS_DIR

from .browser_support import require_chromium


@pytest.fixture(scope="module", autouse=True)
def chromium():
    require_chromium()


def token_form(user):
    token = session.setdefault("csrf_token", secrets.token_urlsafe(32))
    return (
        f"<form method=post action=/transfer><input type=hidden name=csrf_token value='{token}'>"
        "<input name=to> <input name=amount> <button>Send</button></form>"
    )


def token_check():
    if not secrets.compare_digest(request.form.get("csrf_token", ""), session.get("csrf_token", "")):
        abort(403)


def plain_form(user):
    return "<form method=post action=/transfer><input name=to> <input name=amount> <button>Send</button></form>"


def escaped(query):
    return f"<p>Results for <b>{escape(query)}</b>.</p>"


def answers(**functions):
    return {"transfer_form": token_form, "check_transfer_request": token_check, "search_results": escaped, **functions}


def outcome(exercise_id, namespace):
    return run(find(exercise_id), namespace)


def hidden_test(name):
    """One of solutions/hidden/lesson_06.py's tests, by name."""
    from course.checks import _hidden_tests

    _hidden_tests.clear()
    path = HIDDEN_TESTS_DIR / "lesson_06.py"
    exec(compile(Path(path).read_text(), str(path), "exec"), {"__name__": "course_hidden_tests"})
    return next(function for _, test_name, function in _hidden_tests if test_name == name)


def test_right_answers_pass():
    # (tests/test_exercises.py runs the hidden tests on the solution notebook.)
    namespace = answers()
    assert outcome("06.1", namespace).status is Outcome.PASS
    assert outcome("06.2", namespace).status is Outcome.PASS


def test_no_defence_fails():
    result = outcome("06.1", answers(transfer_form=plain_form, check_transfer_request=lambda: None))
    assert result.status is Outcome.FAIL and "moved money" in result.message


def test_a_token_that_is_never_compared_fails():
    result = outcome("06.1", answers(check_transfer_request=lambda: None))
    assert result.status is Outcome.FAIL and "moved money" in result.message


def test_refusing_everything_fails():
    result = outcome("06.1", answers(check_transfer_request=lambda: abort(403)))
    assert result.status is Outcome.FAIL and "Alice's own form did not move money" in result.message


def test_letting_same_site_in_fails_a_hidden_test():
    def not_cross_site():
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            abort(403)

    namespace = answers(transfer_form=plain_form, check_transfer_request=not_cross_site)
    assert outcome("06.1", namespace).status is Outcome.PASS, "the visible check attacks from another site"
    with pytest.raises(AssertionError, match="moved money"):
        hidden_test("a_sibling_on_the_same_host_name_is_refused")(namespace)


@pytest.mark.parametrize(
    "search_results",
    [
        lambda query: f"<p>Results for <b>{query}</b>.</p>",
        lambda query: f"<p>Results for <b>{query.replace('<script>', '')}</b>.</p>",
    ],
    ids=["unescaped", "a filter"],
)
def test_unescaped_output_fails(search_results):
    result = outcome("06.2", answers(search_results=search_results))
    assert result.status is Outcome.FAIL and "ran as a script" in result.message


def test_a_script_that_leaves_no_mark_is_caught_by_what_it_sends_home():
    # Unescaped, with the payloads' page-marking statement taken out: only the attacker's loot shows it ran.
    def unmarked(query: str) -> str:
        return f"<p>Results for <b>{query.replace('top.document.documentElement.dataset.xss=', '')}</b>.</p>"

    result = outcome("06.2", answers(search_results=unmarked))
    assert result.status is Outcome.FAIL and "sent Alice's cookies to the attacker, after one of" in result.message


def test_stripping_instead_of_escaping_fails():
    stripped = outcome("06.2", answers(search_results=lambda q: f"<p>{q.replace('<', '').replace('>', '')}</p>"))
    assert stripped.status is Outcome.FAIL and "exactly as typed" in stripped.message
