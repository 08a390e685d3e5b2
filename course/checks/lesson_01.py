"""Checks for exercises/01-cookies.ipynb: the checks replay lesson 01's forgeries.

Every check first runs the legitimate flow (so an unfinished answer reports
"not done yet"), then the attacks, which must fail. Names and values are
random, so an answer fitted to fixed examples does not pass.
"""

from __future__ import annotations

from course.checks import exercise, needs
from course.checks._support import random_word
from demo_server.cookies.rules import RFC_PREFIX_EXAMPLES, judge_set_cookie, parse_set_cookie

MAX_LIFETIME_SECONDS = 400 * 86400


def raises_value_error(function, *args) -> bool:
    """True if ``function(*args)`` raised ValueError (NotImplementedError still means "not done")."""
    try:
        function(*args)
    except ValueError:
        return True
    return False


@exercise(
    "01.1",
    "Parse a Cookie header",
    hint="Split on ';', strip spaces, then split each piece at the FIRST '=' (str.partition); "
    "keep the first value of a name.",
)
def parse_cookie_header(ns):
    (parse,) = needs(ns, "parse_cookie_header")
    a, b = random_word("a"), random_word("b")
    va, vb = random_word("v"), random_word("v")
    got = parse(f"{a}={va}; {b}={vb}")
    assert got == {a: va, b: vb}, f"parse_cookie_header('{a}={va}; {b}={vb}') returned {got!r}"
    got = parse(f"{a}={va};{b}={vb}")
    assert got == {a: va, b: vb}, f"pairs may come without a space after ';': got {got!r}"
    got = parse("x=notuser=admin")
    assert got == {"x": "notuser=admin"}, (
        f"'x=notuser=admin' is ONE cookie named x whose value is 'notuser=admin'; got {got!r} "
        "(split at the first '=' only)"
    )
    assert "user" not in got, "the substring trick: no cookie named 'user' was sent"
    got = parse(f"{a}={va}; {a}={vb}")
    assert got == {a: va}, f"a name sent twice: keep the first (the most specific path comes first); got {got!r}"
    got = parse("")
    assert got == {}, f"no Cookie header means no cookies; got {got!r}"


@exercise(
    "01.2",
    "A login cookie that cannot be forged",
    hint="log_in: token = secrets.token_urlsafe(32); SESSIONS[token] = username. "
    "current_user: look up parse_cookie_header(header).get('session') in SESSIONS.",
)
def unforgeable_login(ns):
    log_in, current_user, sessions = needs(ns, "log_in", "current_user", "SESSIONS")
    user = random_word("user")
    set_cookie = log_in(user)
    assert isinstance(set_cookie, str), (
        f"log_in() should return the Set-Cookie header value, got {type(set_cookie).__name__}"
    )
    pair = set_cookie.partition(";")[0].strip()
    name, equals, value = pair.partition("=")
    assert equals and name and value, f"log_in() returned {set_cookie!r}; it should start with name=value"
    assert current_user(pair) == user, f"the legitimate flow fails: current_user({pair!r}) should be {user!r}"
    assert current_user(f"theme=dark; {pair}") == user, (
        "the legitimate flow fails when the browser sends other cookies too"
    )
    assert len(sessions) >= 1, "log_in() should remember the session in SESSIONS (the server side)"

    for forged in (f"{name}={user}", "user=admin", f"user={user}", f"{name}=admin"):
        assert current_user(forged) is None, f"forged: current_user({forged!r}) let {current_user(forged)!r} in"
    substring = f"x=not{pair}"
    assert current_user(substring) is None, (
        f"the substring trick gets in: {substring!r} holds only a cookie named x; parse the header, do not search it"
    )
    assert current_user("") is None, "no cookie must mean not logged in"

    second = log_in(user).partition(";")[0].strip()
    assert second != pair, (
        "two logins gave the same cookie: the value must be random (secrets), not derived from the name"
    )
    assert len(value) >= 22, (
        f"the session value {value!r} is {len(value)} characters; use at least 128 random bits "
        "(secrets.token_urlsafe(16) gives 22 characters; 32 bytes is better)"
    )
    attributes = [part.strip().lower() for part in set_cookie.split(";")[1:]]
    assert "httponly" in attributes, "add HttpOnly: page scripts have no business reading a session cookie"


@exercise(
    "01.3",
    "A session cookie with secure defaults",
    hint="Check the value's characters first; then return "
    "f'__Host-{name}={value}; Max-Age={max_age}; Path=/; Secure; HttpOnly; SameSite=Lax'.",
)
def secure_session_cookie(ns):
    (build,) = needs(ns, "session_cookie_header")
    name, value, max_age = random_word("sid"), random_word("v"), 1200 + len(random_word())
    header = build(name, value, max_age)
    assert isinstance(header, str), f"session_cookie_header() should return a string, got {type(header).__name__}"
    cookie = parse_set_cookie(header)
    assert cookie.name == f"__Host-{name}", (
        f"the name should be __Host-{name} (locked to this host), got {cookie.name!r}"
    )
    assert cookie.value == value, f"the value should be {value!r}, got {cookie.value!r}"
    assert cookie.max_age == max_age, f"Max-Age should be {max_age}, got {cookie.max_age!r}"
    assert cookie.secure, "add Secure: never send a session cookie over plain http"
    assert cookie.httponly, "add HttpOnly: page scripts have no business reading a session cookie"
    assert cookie.samesite in ("Lax", "Strict"), f"say SameSite=Lax (or Strict); got {cookie.samesite!r}"
    verdict = judge_set_cookie(header)
    assert verdict.stored, f"a browser would refuse {header!r}: {'; '.join(verdict.refused)}"
    assert not verdict.warnings, f"a browser would store it, but: {'; '.join(verdict.warnings)}"

    for bad_value in (f"{value};Domain=evil.example", f"{value} admin", f'"{value}"'):
        assert raises_value_error(build, name, bad_value, max_age), (
            f"session_cookie_header(..., {bad_value!r}, ...) should raise ValueError: "
            "that value would change the header"
        )
    assert raises_value_error(build, name, value, MAX_LIFETIME_SECONDS + 1), (
        "a Max-Age over 400 days should raise ValueError: browsers would cut it short anyway"
    )


@exercise(
    "01.4",
    "Check the cookie prefixes",
    hint="Name before the first '='; attributes split on ';', names compared in lower case, the last one wins. "
    "__Secure- needs Secure; __Host- needs Secure, Path=/ and no Domain.",
)
def prefix_rules(ns):
    (follows,) = needs(ns, "follows_prefix_rules")
    word = random_word("s")
    assert follows(f"__Host-{word}=1; Secure; Path=/") is True, f"'__Host-{word}=1; Secure; Path=/' follows the rules"
    for header, expected in RFC_PREFIX_EXAMPLES:
        got = follows(header)
        assert got is expected, f"follows_prefix_rules({header!r}) returned {got!r}; RFC 6265bis says {expected}"
    cases = [
        (f"{word}=1", True),  # no prefix, no rules
        (f"__Secure-{word}=1; Secure", True),
        (f"__Secure-{word}=1; HttpOnly; Path=/", False),
        (f"__Host-{word}=1; secure; path=/", True),  # attribute names are case-insensitive
        (f"__Host-{word}=1; Secure; Path=/account", False),
        (f"__Host-{word}=1; Path=/; Domain={word}.example; Secure", False),
    ]
    for header, expected in cases:
        got = follows(header)
        assert got is expected, f"follows_prefix_rules({header!r}) returned {got!r}, expected {expected}"
