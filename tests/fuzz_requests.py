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
    with_a_surrogate = st.tuples(text, st.sampled_from(SURROGATES), text).map("".join)
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
json_bodies = (
    st.fixed_dictionaries({}, optional={name: hostile_text() | json_values for name in FIELD_NAMES})
    | st.fixed_dictionaries({}, optional={name: hostile_text() for name in FIELD_NAMES})
    | json_values
)
DEPTHS = [2, 32, 33, 100, 500, 999, 1000, 1001, 2000, 5000, 30000]


@st.composite
def json_text(draw) -> bytes:
    """JSON of any shape as bytes, the way many kinds of client write it, or something close to JSON."""
    kind = draw(st.sampled_from(["dumped"] * 5 + ["deep"] * 3 + ["number", "raw"]))
    if kind == "deep":
        depth = draw(st.sampled_from(DEPTHS) | st.sampled_from(DEPTHS) | st.integers(1, 3000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}"), ('{"item": [', "]}")]))
        middle = draw(st.sampled_from(["", "1", '"x"', "null"]))
        complete = draw(st.booleans())
        return (opener * depth + middle + (closer * depth if complete else "")).encode()
    if kind == "number":
        digits = draw(st.sampled_from([20, 309, 4300, 4301, 6000]) | st.integers(1, 6000))
        return b'{"max_age": %s, "item": %s}' % (b"9" * digits, draw(st.sampled_from([b"1e999", b"NaN", b"-0"])))
    if kind == "raw":
        return draw(st.binary(max_size=200))
    text = json.dumps(draw(json_bodies), ensure_ascii=draw(st.booleans()), allow_nan=True)
    # ensure_ascii=False leaves lone surrogates as they are: encoded, they become bytes that are not UTF-8.
    return text.encode("utf-8", "surrogatepass")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@st.composite
def bearer_tokens(draw, real_tokens: list[str]) -> str:
    kind = draw(st.sampled_from(["real", "mutated", "parts", "parts", "text"]))
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
        """What makes this input hostile, so a test can check that the fuzzing tried each kind."""
        body, headers = self.body or b"", self.headers
        found = set()
        if re.search(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])", body):
            found.add("a lone surrogate in JSON")
        if b'"username"' in body and b'"password"' in body and headers.get("Content-Type") == "application/json":
            found.add("a JSON login")
        if body.count(b"[") + body.count(b"{") > 1000:
            found.add("JSON nested over 1,000 deep")
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            found.add("a body that is not UTF-8")
        if re.search(rb"[0-9]{4301}", body):
            found.add("an integer too long for Python")
        if any(cookie in headers.get("Cookie", "") for cookie in known["cookies"]):
            found.add("a real session cookie")
        if any(token in headers.get("Authorization", "") for token in known["tokens"]):
            found.add("a real token")
        if headers.get("Authorization", "").startswith("Bearer ey"):
            found.add("a bearer token with JSON inside")
        if self.method:
            found.add("an odd method")
        return found

    def __repr__(self) -> str:  # what Hypothesis prints for a failing example
        return (
            f"HostileInput(method={self.method!r}, path_values={self.path_values!r}, query_string="
            f"{self.query_string!r}, headers={self.headers!r}, body={self.body!r:.400})"
        )


def fill_path(rule: str, values: list[str]) -> str:
    """The rule with each ``<argument>`` replaced by the next value, percent-encoded as a client would."""
    remaining = itertools.cycle(values)
    return re.sub(r"<[^>]+>", lambda _: quote(next(remaining).encode("utf-8", "surrogatepass"), safe=""), rule)


@st.composite
def hostile_inputs(draw, known: dict[str, list[str]]) -> HostileInput:
    """Odd methods, path arguments, query strings, headers, cookies, tokens and bodies.

    ``known`` holds real values to mix in: "cookies" (name=value pairs a logged-in browser would
    send) and "tokens" (JWTs the server issued), so fuzzing also reaches the code behind a login.
    """
    path_values = draw(
        st.lists(st.sampled_from(["0" * 16, "deadbeefdeadbeef"]) | hostile_text(40), min_size=1, max_size=2)
    )
    odd_method = draw(st.none() | st.none() | st.sampled_from(METHODS))
    hostile = HostileInput(method=odd_method, path_values=path_values)

    if draw(sometimes(1 / 4)):
        query = draw(st.dictionaries(st.sampled_from(["name", "next", "q"]) | hostile_text(10), hostile_text()))
        hostile.query_string = urlencode(query, encoding="utf-8", errors="surrogatepass")

    headers = hostile.headers
    # Mostly JSON: what the routes read, so most inputs reach a view's own checks.
    content_type = draw(st.just("application/json") | st.sampled_from(CONTENT_TYPES))
    if content_type:
        headers["Content-Type"] = content_type
    if draw(st.booleans()):
        pairs = draw(
            st.lists(
                st.sampled_from(known["cookies"])
                | st.tuples(st.sampled_from(COOKIE_NAMES) | header_text(10), header_text(100)).map("=".join)
                | header_text(100),
                max_size=4,
            )
        )
        headers["Cookie"] = "; ".join(pairs)
    if draw(sometimes(1 / 3)):
        scheme = draw(st.sampled_from(["Bearer", "bearer", "Basic", "Bearer  ", ""]))
        headers["Authorization"] = f"{scheme} {draw(bearer_tokens(known['tokens']))}"
    for name in draw(st.lists(st.sampled_from(["User-Agent", "Host", "Origin", "Accept", "X-Forwarded-For"]))):
        headers[name] = draw(header_text())

    if draw(sometimes(5 / 6)):
        hostile.body = draw(json_text())
    return hostile
