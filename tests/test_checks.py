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
    assert "   Hint 1 of 3: Lesson 00, Setup: show(response) lists the headers" in out


def test_hints_come_one_step_at_a_time(capsys, monkeypatch):
    monkeypatch.setattr(checks, "_hints_shown", {})
    shown = []
    for _ in range(4):
        check("01.3", hint=True, namespace={})
        shown.append([line for line in capsys.readouterr().out.splitlines() if line.startswith("   ")])
    assert [lines[0][:15] for lines in shown] == [
        "   Hint 1 of 3:",
        "   Hint 2 of 3:",
        "   Hint 3 of 3:",
        "   Hint 3 of 3:",
    ]
    assert shown[0][1] == '   Still stuck? check("01.3", hint=True) again gives hint 2 of 3.'
    assert len(shown[2]) == 1, "the last step says nothing about a next one"
    assert shown[3][1].startswith("   That is the last of 3 hints for 01.3;"), "asked again, it says there are no more"
    first = checks.find("01.3").hints[0]
    assert "Lesson 01, Step 9" in first and "__Host-" not in first, "the first step says where to look, not what"


def test_a_one_digit_lesson_is_pointed_to_its_two_digit_id(capsys):
    check("5.1", namespace={})
    assert capsys.readouterr().out == "💥 there is no exercise '5.1': lessons have two digits, as in '05.1'\n"


def test_a_hint_step_by_number(capsys):
    check("01.3", hint=2, namespace={})
    assert "   Hint 2 of 3: Refuse bad input before you build anything" in capsys.readouterr().out
    check("01.3", hint=7, namespace={})
    assert "💥 01.3 has hints 1 to 3: use hint=True for the next one, not hint=7" in capsys.readouterr().out


def test_every_exercise_has_hints_in_steps():
    for lesson in ("00", "01", "02", "03", "04"):
        for ex in checks.exercises_of(lesson):
            assert len(ex.hints) >= 2, f"{ex.id}: give hints in steps (where to look, then the shape)"
            assert "Lesson" in ex.hints[0], f"{ex.id}: the first hint says where in the lesson to look"


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


def test_an_answer_that_never_asks_the_server_does_not_pass(capsys):
    # 00.3 asks what the server saw: returning the cookies it was given, unsent, is not an answer.
    check("00.3", namespace={"cookies_the_server_saw": lambda url, cookies: dict(cookies)})
    out = capsys.readouterr().out
    assert "❌ 00.3" in out and "returned the cookies without the server seeing them" in out


def test_the_hidden_test_of_00_3_wants_the_request_too():
    import requests

    from course.checks import run_hidden_tests
    from course.layout import SOLUTIONS_DIR

    hidden = (SOLUTIONS_DIR / "hidden" / "lesson_00.py").read_text()

    def asks(url, cookies):
        return requests.post(f"{url}/echo", cookies=cookies, timeout=5).json()["cookies"]

    def outcome(answer):
        (result,) = [r for r in run_hidden_tests(hidden, None, {"cookies_the_server_saw": answer}) if r.id == "00.3"]
        return result

    made_up = outcome(lambda url, cookies: dict(cookies))
    assert not made_up.passed and "got no request" in made_up.message
    assert outcome(asks).passed


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


def test_the_guard_watches_the_attributes_of_a_learners_object():
    from course.checks._values import ImpostorValue, guard

    class Finding:
        def __init__(self):
            self.cwe = AlwaysEqual("anything")
            self.route = "/cart"

    finding = guard(lambda: Finding(), "probe")()
    assert finding.route == "/cart"
    with pytest.raises(ImpostorValue, match=r"probe\(\)\.cwe is a str subclass \(AlwaysEqual\)"):
        assert finding.cwe == "CWE-362"


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


def _cell_function(source: str, name: str, filename: str = "/tmp/ipykernel_1/cell-7.py"):
    """A function defined the way a notebook cell defines it (its source in linecache)."""
    import linecache

    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace: dict = {}
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


def test_an_error_in_the_learners_code_names_the_line(capsys, live_server):
    server_software = _cell_function(
        "def server_software(base_url):\n    header = None\n    return header.upper()\n", "server_software"
    )
    check("00.1", namespace={"server_software": server_software})
    first = capsys.readouterr().out.splitlines()[0]
    assert first == (
        "💥 00.1 Read a response header: error — AttributeError: 'NoneType' object has no attribute 'upper', "
        f"in server_software('{live_server.url}') (in your code: server_software(), line 3: return header.upper())"
    )


def test_an_assert_in_the_learners_code_names_the_line(capsys, live_server):
    server_software = _cell_function("def server_software(base_url):\n    assert base_url == 'x'\n", "server_software")
    check("00.1", namespace={"server_software": server_software})
    assert "an assert failed (in your code: server_software(), line 2: assert base_url == 'x')" in (
        capsys.readouterr().out
    )


def test_a_failed_check_does_not_blame_the_learners_code(capsys, live_server):
    check("00.1", namespace={"server_software": lambda base_url: "nginx"})
    out = capsys.readouterr().out
    assert f"server_software('{live_server.url}') returned 'nginx'" in out and "in your code" not in out


def test_an_error_in_the_learners_code_names_the_input_that_raised_it(capsys):
    parse = _cell_function(
        "def parse_cookie_header(header):\n    return dict(piece.split('=') for piece in header.split('; '))\n",
        "parse_cookie_header",
    )
    check("01.1", namespace={"parse_cookie_header": parse})
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("💥 01.1 Parse a Cookie header: error — ValueError: ")
    tried = first.partition(", in ")[2]
    assert tried.startswith("parse_cookie_header('a") and "=v" in tried, "the input that broke it, to try again"
    assert "') (in your code: parse_cookie_header(), line 2: return dict(" in tried
