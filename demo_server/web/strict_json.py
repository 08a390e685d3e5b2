"""JSON from a client, refused with a reason when the server could not represent or safely handle it.

Every JSON the demo server reads from a request goes through ``loads``: bodies, and the JWT parts
it decodes itself (PyJWT reads the rest). Python's ``json`` module accepts more than the rest of
the server can take, so this refuses:

- bytes that are not UTF-8 (RFC 8259, section 8.1: JSON exchanged between systems is UTF-8);
- strings with a lone surrogate such as ``"\\ud800"``, which is no character at all and cannot be
  encoded (I-JSON, RFC 7493, section 2.1); it used to reach the password hash as a UnicodeEncodeError;
- nesting deeper than MAX_DEPTH, refused before any recursion could run out of stack;
- ``NaN`` and ``Infinity``, which are not JSON (RFC 8259, section 6), and numbers beyond what the
  server handles: too large for a float, or integers longer than MAX_INTEGER_DIGITS (section 6 lets
  an implementation set such limits).
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 32  # the deepest JSON any demo route needs is 2 levels; 32 leaves room for a learner's own
MAX_INTEGER_DIGITS = 100  # far beyond any count or timestamp, far below Python's own 4,300-digit limit


class JSONRejected(ValueError):
    """The text was refused; ``str(error)`` says why, worded to follow its subject:
    ``f"the request body {error}"`` reads "the request body is not valid JSON"."""


def loads(raw: bytes | str) -> Any:
    """The JSON value in ``raw``; raises JSONRejected saying what is wrong with it."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONRejected("is not valid UTF-8") from None
    if _nesting_depth(raw) > MAX_DEPTH:
        raise JSONRejected(f"nests JSON deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(raw, parse_constant=_refuse_constant, parse_int=_bounded_int, parse_float=_finite_float)
    except JSONRejected:
        raise
    except ValueError:
        raise JSONRejected("is not valid JSON") from None
    for text in _strings_in(value):
        if not _encodable(text):
            raise JSONRejected("holds a lone surrogate (an escape like \\ud800 that stands for no character)")
    return value


def _nesting_depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest outside strings, counted without recursion and without a
    Python loop over the text (a few milliseconds for the largest body the server accepts).

    On text that is not JSON the count may be off; json.loads then refuses the text anyway.
    """
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_DEPTH_CHANGE.__getitem__, brackets)), default=0)


# A JSON string, or an unterminated one running to the end of the text: every match attempt
# consumes what it scans, so removing strings takes time linear in the text, whatever its shape.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_CHANGE = {"[": 1, "{": 1, "]": -1, "}": -1}


def _strings_in(value: Any):
    """Every string in a parsed JSON value, object keys included, walked without recursion."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refuse_constant(name: str) -> Any:
    raise JSONRejected(f"holds {name}, which is not a JSON number")


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise JSONRejected(f"holds an integer of more than {MAX_INTEGER_DIGITS} digits")
    return int(digits)


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise JSONRejected(f"holds a number too large for a float ({text[:20]}{'...' if len(text) > 20 else ''})")
    return number
