"""check(): one clear line per exercise, a hint only when asked, and no hanging on a looping answer."""

from __future__ import annotations

import pytest

import course.checks as checks
from course.checks import check


@pytest.fixture
def solved_namespace(live_server):
    import requests

    def server_software(base_url):
        return requests.get(f"{base_url}/health").headers["Server"]

    return {"server_software": server_software}


def test_pass_is_one_line(solved_namespace, capsys):
    check("00.1", namespace=solved_namespace)
    assert capsys.readouterr().out == "✅ 00.1 Read a response header: passed\n"


def test_not_done_yet_points_to_the_hint(capsys):
    def server_software(base_url):
        raise NotImplementedError()

    check("00.1", namespace={"server_software": server_software})
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "⬜ 00.1 Read a response header: not done yet — replace `raise NotImplementedError()` with your answer",
        '   Stuck? check("00.1", hint=True) gives a hint.',
    ]


def test_hint_only_when_asked(capsys):
    check("00.1", hint=True, namespace={})
    out = capsys.readouterr().out
    assert "define server_software first" in out
    assert "Hint: response.headers is a case-insensitive dict" in out


def test_unknown_exercise_says_which_exist(capsys):
    check("00.9", namespace={})
    assert "there is no exercise '00.9' (lesson 00 has: 00.1, 00.2, 00.3)" in capsys.readouterr().out


def test_a_looping_answer_is_stopped(monkeypatch, capsys):
    monkeypatch.setattr(checks, "CHECK_TIME_LIMIT_SECONDS", 0.5)

    def server_software(base_url):
        while True:
            pass

    check("00.1", namespace={"server_software": server_software})
    assert "⏱ 00.1 Read a response header: too slow — still running after 0.5 s" in capsys.readouterr().out


@pytest.fixture
def verdicts(monkeypatch):
    """What graded checks display for the grader (outside a kernel there is no display)."""
    shown = []
    monkeypatch.setattr(checks._graded, "publish", shown.append)
    return shown


def test_a_graded_check_displays_one_verdict_with_its_nonce(verdicts, capsys):
    check("00.1", namespace={}, nonce="n0nce", time_limit=5)
    assert len(verdicts) == 1
    verdict = verdicts[0]
    assert (verdict["nonce"], verdict["exercise"], verdict["kind"]) == ("n0nce", "00.1", "check")
    assert [r["status"] for r in verdict["results"]] == ["fail"]
    assert verdict["tampering"] == [] and verdict["hung"] == []
    assert "define server_software first" in capsys.readouterr().out


class AlwaysEqual(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


def test_an_impostor_string_is_refused(capsys):
    check("00.1", namespace={"server_software": lambda base_url: AlwaysEqual("anything")})
    out = capsys.readouterr().out
    assert "❌ 00.1" in out and "server_software() returned a str subclass (AlwaysEqual), not a plain str" in out


def test_an_impostor_dict_is_refused(capsys):
    class AnyDict(dict):
        def __eq__(self, other):
            return True

    check("00.3", namespace={"cookies_the_server_saw": lambda url, cookies: AnyDict()})
    assert "returned a dict subclass (AnyDict), not a plain dict" in capsys.readouterr().out


def test_an_object_equal_to_everything_equals_nothing_to_a_check(capsys):
    from unittest.mock import ANY

    check("00.2", namespace={"greet_with_cookie": lambda url, name: ANY})
    out = capsys.readouterr().out
    assert "❌ 00.2" in out and "returned <guarded greet_with_cookie() object>" in out


def test_plain_values_pass_through_the_guard():
    from course.checks._values import guard

    value = {"a": [1, (2.5, "x", b"y")], "b": None, "c": {True}}
    assert guard(lambda: value, "f")() is value  # the learner's own object, not a copy


def test_the_guard_watches_the_methods_of_a_learners_class():
    from course.checks._values import ImpostorValue, guard

    class Store:
        def __init__(self):
            self.data = {}

        def load(self):
            return self.data

        def lie(self):
            return AlwaysEqual("x")

    store = guard(Store, "Store")()
    store.load()["user"] = "ada"
    assert store.load() == {"user": "ada"} and vars(store) == {"data": {"user": "ada"}}
    with pytest.raises(ImpostorValue, match=r"Store.lie\(\) returned a str subclass"):
        store.lie()


def test_a_check_that_stops_a_hung_answer_stubs_it_out_for_later_checks(monkeypatch, verdicts):
    namespace = {}
    exec("def parse_cookie_header(header):\n    while True:\n        pass", namespace)
    namespace["__name__"] = "__main__"
    check("01.1", namespace=namespace, nonce="a", time_limit=0.3)
    assert verdicts[-1]["results"][0]["status"] == "timeout"
    assert verdicts[-1]["hung"] == ["parse_cookie_header"]
    started = __import__("time").monotonic()
    with pytest.raises(checks._graded.HungAnswer, match="did not finish within the time limit when 01.1"):
        namespace["parse_cookie_header"]("a=b")
    assert __import__("time").monotonic() - started < 0.1


def test_graded_hidden_tests_report_a_learners_exception_by_its_type_only(verdicts):
    source = (
        "from course.checks import hidden_test\n"
        "@hidden_test('00.1')\n"
        "def secret_input(ns):\n"
        "    ns['server_software']('http://the-secret-input')\n"
    )

    def server_software(url):
        raise ValueError(f"I was given {url}")

    checks._last_check["00.1"] = checks.Result("00.1", "t", checks.Outcome.PASS)
    checks.run_hidden_tests(source, "00.1", {"server_software": server_software}, nonce="h", time_limit=5)
    (result,) = verdicts[-1]["results"]
    assert (result["name"], result["status"]) == ("secret_input", "error")
    assert result["message"] == "ValueError raised by your code"


def test_the_lessons_own_hs256_is_not_an_answer(capsys):
    from course.lessons.by_hand import jwt_hs256

    check("04.1", namespace={"sign_hs256": jwt_hs256.sign_hs256})
    assert "this sign_hs256 is the lesson's own" in capsys.readouterr().out


def test_hmac_stays_off_for_an_answer_that_imported_its_functions(capsys):
    import hmac

    namespace = {"new": hmac.new}
    exec("def hmac_by_hand(key, message, hash_function=None):\n    return new(key, message, hash_function).digest()",
         namespace)  # fmt: skip
    check("02.1", namespace=namespace)
    out = capsys.readouterr().out
    assert "❌ 02.1" in out and "the hmac module is off" in out
    assert namespace["new"] is hmac.new, "the learner's own name is put back as it was"
