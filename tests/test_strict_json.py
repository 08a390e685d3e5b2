"""What the demo server's JSON reader refuses, and why (demo_server/web/strict_json.py)."""

from __future__ import annotations

import pytest

from demo_server.web.strict_json import MAX_DEPTH, JSONRejected, loads


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (b'{"user": "alice", "cart": ["tea", "cake"]}', {"user": "alice", "cart": ["tea", "cake"]}),
        (b'"\\ud83d\\ude00"', "\U0001f600"),  # a surrogate *pair* is one real character
        (b'"\\\\ud800"', "\\ud800"),  # an escaped backslash, then plain text: no surrogate at all
        (b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', {"a": "[" * 50}),  # brackets in a string
        (b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, eval("[" * MAX_DEPTH + "]" * MAX_DEPTH)),
        (b"[-0.5, 1.5e300, 12, " + b"9" * 100 + b"]", [-0.5, 1.5e300, 12, int("9" * 100)]),
        ('{"naïve": "café"}', {"naïve": "café"}),  # str as well as bytes
    ],
    ids=["object", "surrogate-pair", "escaped-backslash", "brackets-in-string", "at-depth-limit", "numbers", "str"],
)
def test_ordinary_json_is_read_as_python_reads_it(raw, value):
    assert loads(raw) == value


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"password": "\\ud800"}', "holds a lone surrogate"),
        (b'{"\\udfff": 1}', "holds a lone surrogate"),  # in a key
        (b'["ok", ["\\ud83d"]]', "holds a lone surrogate"),  # high half without its low half
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), f"nests JSON deeper than {MAX_DEPTH} levels"),
        (b"[" * 100_000, f"nests JSON deeper than {MAX_DEPTH} levels"),
        (b'{"a": ' * 1000 + b"1" + b"}" * 1000, f"nests JSON deeper than {MAX_DEPTH} levels"),
        (b"[NaN]", "holds NaN, which is not a JSON number"),
        (b'{"x": -Infinity}', "holds -Infinity, which is not a JSON number"),
        (b"[1e999]", "holds a number too large for a float (1e999)"),
        (b"[" + b"9" * 101 + b"]", "holds an integer of more than 100 digits"),
        (b"[" + b"9" * 5000 + b"]", "holds an integer of more than 100 digits"),
        (b'{"user": "\xff"}', "is not valid UTF-8"),
        (b"\xef\xbb\xbf{}", "is not valid JSON"),  # a byte-order mark is not JSON (RFC 8259, section 8.1)
        ('{"a": 1'.encode("utf-16"), "is not valid UTF-8"),  # json.loads(bytes) would guess UTF-16
        (b'{"a": 1', "is not valid JSON"),
        (b"", "is not valid JSON"),
    ],
)
def test_what_the_server_cannot_represent_is_refused_with_a_reason(raw, reason):
    with pytest.raises(JSONRejected) as refused:
        loads(raw)
    assert str(refused.value).startswith(reason)


@pytest.mark.parametrize(
    "raw",
    ['"' + '\\"' * 30_000 + "\\", '"' * 65_536, '"\\' * 30_000, 'a"' * 30_000, "[" * 30_000 + '"'],
    ids=["escaped-quotes", "quotes", "backslash-quote", "unbalanced", "open-string-at-the-end"],
)
def test_the_depth_count_survives_strings_that_never_end(raw):
    # Shapes that would make a careless string-skipping pattern backtrack; they must simply be refused.
    with pytest.raises(JSONRejected):
        loads(raw)
