"""Hypothesis strategies for hostile HTTP requests to the demo server (used by tests/test_fuzz_routes.py).

A ``HostileInput`` is a request without its route: any method, path arguments, a query string,
odd headers, a Cookie header, an Authorization header and a body. The test sends each one to
every route of the URL map, with the route's own methods and the input's method (one drawn input
makes some 60 requests, so the time goes into requests rather than into drawing routes).

Values mix what a careful client sends (real field names, a real session cookie, a real token)
with what an attacker or a broken client sends: lone surrogates, NUL, huge numbers, deep nesting,
bytes that are not UTF-8, base64url parts holding hostile JSON.
"""

from __future__ import annotations

import base64
import functools
import itertools
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from hypothesis import strategies as st

from demo_server import DEMO_USERS

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "get", "X" * 40]
FIELD_NAMES = [
    "username",
    "password",
    "name",
    "value",
    "item",
    "current_password",
    "new_password",
    "refresh_token",
    "token",
    "max_age",
    "path",
    "domain",
    "secure",
    "httponly",
    "samesite",
]
COOKIE_NAMES = ["sid", "__Host-sid", "session", "vuln_session", "encrypted_session", "user", "name", "cart"]
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=utf-16",
    "application/problem+json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "multipart/form-data",
    "application/octet-stream",
    "*/*",
    "json",
    "",
]
HOSTILE_STRINGS = [
    "",
    "\x00",
    "\ud800",
    "\udfff",
    "\ud83d",
    "\ufeff",
    "\u202e",
    "\U0001f600",
    "admin",
    "1234",
    *DEMO_USERS,
    *DEMO_USERS.values(),
    "A" * 5000,
    "9" * 5000,
    "-0",
    "1e999",
    "NaN",
    "../../etc/passwd",
    "%00",
    "%ff%fe",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\r\nSet-Cookie: evil=1",
    "a=b; c=d",
    '"quoted"',
    "\\",
    "user=admin",
    "x=notuser=admin",
]
HOSTILE_NUMBERS = [0, -1, 2**31, 2**63, 10**400, -(10**400), 1e308, -1e-308, 0.1]
LATIN_1 = st.characters(min_codepoint=0, max_codepoint=0xFF, exclude_characters="\r\n")
ANY_CHARACTER = st.characters(exclude_categories=[])  # surrogates included


# What an HTTP header can carry: werkzeug's server reads headers as latin-1, without CR or LF.
HEADER_SAFE_STRINGS = [s for s in HOSTILE_STRINGS if all(ch <= "\xff" and ch not in "\r\n" for ch in s)]


SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\udfff\ud800"]


@functools.cache
def hostile_text(max_size: int = 30) -> st.SearchStrategy[str]:
    """Strings a client may send; random text rarely holds a surrogate, so some get one put in."""
    text = st.text(ANY_CHARACTER, max_size=max_size)
    # Spaces around it: a high surrogate at the end of the text before would make it half of a pair.
    with_a_surrogate = st.tuples(text, st.sampled_from(SURROGATES), text).map(" ".join)
    return st.sampled_from(HOSTILE_STRINGS) | text | with_a_surrogate


@functools.cache
def sometimes(chance: float) -> st.SearchStrategy[bool]:
    """True with about this chance (Hypothesis' integers lean towards small values, sampled_from does not)."""
    twelfths = round(chance * 12)
    return st.sampled_from([True] * twelfths + [False] * (12 - twelfths))


@functools.cache
def header_text(max_size: int = 60) -> st.SearchStrategy[str]:
    return st.sampled_from(HEADER_SAFE_STRINGS) | st.text(LATIN_1, max_size=max_size)


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from(HOSTILE_NUMBERS)
    | st.floats(allow_nan=True, allow_infinity=True)
    | hostile_text()
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELD_NAMES) | hostile_text(10), inner, max_size=5)
    ),
    max_leaves=12,
)
# Mostly objects with the routes' own field names, each present or not, and mostly strings, so that
# bodies get past "missing field" and "must be a string" to the code behind those checks.
FIELD_VALUES = {name: hostile_text() | json_values for name in FIELD_NAMES}
json_bodies = (
    st.fixed_dictionaries({}, optional=FIELD_VALUES)
    | st.fixed_dictionaries({}, optional={name: hostile_text() for name in FIELD_NAMES})
    | json_values
)
DEPTHS = [2, 32, 33, 100, 500, 999, 1000, 1001, 2000, 5000, 30000]


@st.composite
def json_text(draw, kind: str | None = None, min_depth: int = 1) -> bytes:
    """JSON of any shape as bytes, the way many kinds of client write it, or something close to JSON.

    ``kind`` (else drawn): "dumped" (any JSON value, ASCII-escaped or not), "deep" (nested 1 to 30,000
    levels, closed or not; at least ``min_depth``), "long-number" (an integer of thousands of digits)
    or "raw" (any bytes).
    """
    kind = kind or draw(st.sampled_from(["dumped"] * 5 + ["deep"] * 3 + ["long-number", "raw"]))
    if kind == "deep":
        depths = [depth for depth in DEPTHS if depth >= min_depth]
        depth = draw(st.sampled_from(depths) | st.sampled_from(depths) | st.integers(min_depth, max(min_depth, 3000)))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}"), ('{"item": [', "]}")]))
        middle = draw(st.sampled_from(["", "1", '"x"', "null"]))
        complete = draw(st.booleans())
        return (opener * depth + middle + (closer * depth if complete else "")).encode()
    if kind == "long-number":
        digits = draw(st.sampled_from([101, 309, 4300, 4301, 6000]) | st.integers(101, 6000))
        return b'{"max_age": %s, "item": %s}' % (b"9" * digits, draw(st.sampled_from([b"1e999", b"NaN", b"-0"])))
    if kind == "raw":
        return draw(st.binary(max_size=200))
    text = json.dumps(draw(json_bodies), ensure_ascii=draw(st.booleans()), allow_nan=True)
    # ensure_ascii=False leaves lone surrogates as they are: encoded, they become bytes that are not UTF-8.
    return text.encode("utf-8", "surrogatepass")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@st.composite
def bearer_tokens(draw, real_tokens: list[str], kind: str | None = None) -> str:
    """A token: "real" (one the server issued), "mutated" (one character changed), "parts" (base64url
    parts holding any JSON, deep or not) or "text" (anything a header can hold)."""
    kind = kind or draw(st.sampled_from(["real", "mutated", "parts", "parts", "text"]))
    if kind == "real" and real_tokens:
        return draw(st.sampled_from(real_tokens))
    if kind == "mutated" and real_tokens:
        token = draw(st.sampled_from(real_tokens))
        at = draw(st.integers(0, len(token) - 1))
        return token[:at] + draw(st.sampled_from("A_-.=!~")) + token[at + 1 :]
    if kind == "text" or not real_tokens:
        return draw(header_text(200))
    algorithm = draw(st.sampled_from(["none", "None", "HS256", "EdDSA", "RS256", "ES256"]) | json_values)
    header = draw(
        st.fixed_dictionaries({"alg": st.just(algorithm)}, optional={"kid": json_values, "typ": json_values})
        | json_values
    )
    header_json = json.dumps(header, allow_nan=True).encode("utf-8", "surrogatepass")
    parts = [
        b64url(draw(st.just(header_json) | json_text())),
        b64url(draw(json_text())),
        b64url(draw(st.binary(max_size=80))),
    ]
    count = draw(st.sampled_from([3, 3, 3, 1, 2, 4]))
    return ".".join((parts * 2)[:count])


@dataclass
class HostileInput:
    """Everything of a request but its route: sent to every route of the URL map in turn."""

    method: str | None  # tried on every route besides the route's own methods
    path_values: list[str]  # for a route's <arguments>
    query_string: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None

    def requests(self, routes: list[tuple[str, list[str]]]):
        """(method, path) for each route: each of its methods, and this input's own method.

        HEAD and OPTIONS, which Flask adds to every route, come only as an input's own method.
        """
        for rule, methods in routes:
            path = fill_path(rule, self.path_values)
            odd = {self.method} if self.method else set()
            for method in sorted(({*methods} - {"HEAD", "OPTIONS"}) | odd):
                yield method, path

    def send(self, client, method: str, path: str):
        return client.open(path, method=method, query_string=self.query_string, headers=self.headers, data=self.body)

    def kinds(self, known: dict[str, list[str]]) -> set[str]:
        """What makes this input hostile (see FOCUSES), found in the input itself, so that a test can
        check that the fuzzing tried each kind."""
        body, headers = self.body or b"", self.headers
        scheme, _, token = headers.get("Authorization", "").partition(" ")
        checks = {
            "a lone surrogate in JSON": LONE_SURROGATE_ESCAPE.search(body) is not None,
            "a JSON login": b'"username"' in body
            and b'"password"' in body
            and headers.get("Content-Type") == "application/json",
            "JSON nested over 1,000 deep": body.count(b"[") + body.count(b"{") > 1000,
            "a body that is not UTF-8": not _is_utf8(body),
            "a JSON integer of over 100 digits": re.search(rb"[0-9]{101}", body) is not None,
            "a real session cookie": any(cookie in headers.get("Cookie", "") for cookie in known["cookies"]),
            "a real token": token in known["tokens"],
            "a bearer token with JSON inside": scheme == "Bearer" and any(map(_holds_json, token.split("."))),
            "an odd method": self.method is not None,
        }
        return {kind for kind, found in checks.items() if found}

    def __repr__(self) -> str:  # what Hypothesis prints for a failing example
        return (
            f"HostileInput(method={self.method!r}, path_values={self.path_values!r}, query_string="
            f"{self.query_string!r}, headers={self.headers!r}, body={self.body!r:.400})"
        )


# \udXXX of a high surrogate without a low one after it, or of a low one without a high one before it.
LONE_SURROGATE_ESCAPE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _holds_json(part: str) -> bool:
    """True if a token part is base64url of JSON, or of the start of JSON nested deep."""
    try:
        decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except ValueError:
        return False
    if decoded.lstrip()[:1] in (b"{", b"["):
        return True
    try:
        json.loads(decoded)
    except ValueError:
        return False
    return True


def fill_path(rule: str, values: list[str]) -> str:
    """The rule with each ``<argument>`` replaced by the next value, percent-encoded as a client would."""
    remaining = itertools.cycle(values)
    return re.sub(r"<[^>]+>", lambda _: quote(next(remaining).encode("utf-8", "surrogatepass"), safe=""), rule)


# Each input is built around one kind of hostility, the rest of it drawn freely; the fuzz test draws
# as many inputs for each kind, so every kind is tried in every run, whatever Hypothesis' choices.
FOCUSES = [
    "a lone surrogate in JSON",
    "a JSON login",
    "JSON nested over 1,000 deep",
    "a body that is not UTF-8",
    "a JSON integer of over 100 digits",
    "a real session cookie",
    "a real token",
    "a bearer token with JSON inside",
    "an odd method",
]


@st.composite
def hostile_inputs(draw, known: dict[str, list[str]], focus: str) -> HostileInput:
    """Odd methods, path arguments, query strings, headers, cookies, tokens and bodies, with at least
    the kind of hostility ``focus`` names (one of FOCUSES).

    ``known`` holds real values to mix in: "cookies" (name=value pairs a logged-in browser would
    send) and "tokens" (JWTs the server issued), so fuzzing also reaches the code behind a login.
    """
    path_values = draw(
        st.lists(st.sampled_from(["0" * 16, "deadbeefdeadbeef"]) | hostile_text(40), min_size=1, max_size=2)
    )
    odd_method = draw(st.sampled_from(METHODS) if focus == "an odd method" else st.none() | st.sampled_from(METHODS))
    hostile = HostileInput(method=odd_method, path_values=path_values)

    if draw(sometimes(1 / 4)):
        query = draw(st.dictionaries(st.sampled_from(["name", "next", "q"]) | hostile_text(10), hostile_text()))
        hostile.query_string = urlencode(query, encoding="utf-8", errors="surrogatepass")

    headers = hostile.headers
    # Mostly JSON: what the routes read, so most inputs reach a view's own checks.
    content_type = draw(st.just("application/json") | st.sampled_from(CONTENT_TYPES))
    if focus in ("a lone surrogate in JSON", "a JSON login"):
        content_type = "application/json"
    if content_type:
        headers["Content-Type"] = content_type

    real_cookie = st.sampled_from(known["cookies"])
    if focus == "a real session cookie" or draw(st.booleans()):
        other = real_cookie | st.tuples(st.sampled_from(COOKIE_NAMES) | header_text(10), header_text(100)).map("=".join)
        pairs = draw(st.lists(other | header_text(100), max_size=3))
        if focus == "a real session cookie":
            pairs.insert(draw(st.integers(0, len(pairs))), draw(real_cookie))
        headers["Cookie"] = "; ".join(pairs)

    token_kind = {"a real token": "real", "a bearer token with JSON inside": "parts"}.get(focus)
    if token_kind or draw(sometimes(1 / 3)):
        scheme = "Bearer" if token_kind else draw(st.sampled_from(["Bearer", "bearer", "Basic", "Bearer  ", ""]))
        headers["Authorization"] = f"{scheme} {draw(bearer_tokens(known['tokens'], kind=token_kind))}"
    for name in draw(st.lists(st.sampled_from(["User-Agent", "Host", "Origin", "Accept", "X-Forwarded-For"]))):
        headers[name] = draw(header_text())

    hostile.body = draw(_body_for(focus))
    return hostile


@functools.cache
def _body_for(focus: str) -> st.SearchStrategy[bytes | None]:
    if focus == "a lone surrogate in JSON":
        value = st.tuples(hostile_text(10), st.sampled_from(SURROGATES), hostile_text(10)).map(" ".join)
        fields = st.dictionaries(st.sampled_from(FIELD_NAMES), value, min_size=1, max_size=4)
        return fields.map(lambda body: json.dumps(body).encode("ascii"))  # escaped as \udXXX, as JSON writes it
    if focus == "a JSON login":
        credential = st.sampled_from([*DEMO_USERS, *DEMO_USERS.values(), "admin", "1234"]) | hostile_text()
        others = {name: values for name, values in FIELD_VALUES.items() if name not in ("username", "password")}
        login = st.fixed_dictionaries({"username": credential, "password": credential}, optional=others)
        return st.tuples(login, st.booleans()).map(
            lambda drawn: json.dumps(drawn[0], ensure_ascii=drawn[1]).encode("utf-8", "surrogatepass")
        )
    if focus == "JSON nested over 1,000 deep":
        return json_text(kind="deep", min_depth=1001)
    if focus == "a body that is not UTF-8":
        return st.binary(max_size=100).map(lambda body: b'{"username": "\xff' + body + b'"}')
    if focus == "a JSON integer of over 100 digits":
        return json_text(kind="long-number")
    return st.none() | json_text() | json_text()
