"""Checks for exercises/01-cookies-exercises.ipynb: the checks replay lesson 01's forgeries.

Every check first runs the legitimate flow (so an unfinished answer reports
"not done yet"), then the attacks, which must fail. Names and values are
random, so an answer fitted to fixed examples does not pass; every failure
names the call that failed, so the learner can run it again.
"""

from __future__ import annotations

from course.checks import exercise, needs
from course.checks._support import call, calling, random_word
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
    hint=[
        "Lesson 01, Step 13: the article searched the raw header text. Cut the header into pieces at ';' first.",
        "Each piece is name=value: strip spaces, then split at the FIRST '=' only (str.partition), "
        "so 'x=notuser=admin' is ONE cookie named x.",
        "Shape: for each piece, name, equals, value = piece.strip().partition('='); keep it if there is an "
        "'=' and a name, and only the first time that name appears.",
    ],
)
def parse_cookie_header(ns):
    (parse,) = needs(ns, "parse_cookie_header")
    a, b = random_word("a"), random_word("b")
    va, vb = random_word("v"), random_word("v")

    def parsed(header: str):
        return calling("parse_cookie_header", parse, header)

    tried, got = parsed(f"{a}={va}; {b}={vb}")
    assert got == {a: va, b: vb}, f"{tried} returned {got!r}"
    tried, got = parsed(f"{a}={va};{b}={vb}")
    assert got == {a: va, b: vb}, f"pairs may come without a space after ';': {tried} returned {got!r}"
    tried, got = parsed("x=notuser=admin")
    assert got == {"x": "notuser=admin"}, (
        f"'x=notuser=admin' is ONE cookie named x whose value is 'notuser=admin'; {tried} returned {got!r} "
        "(split at the first '=' only)"
    )
    assert "user" not in got, "the substring trick: no cookie named 'user' was sent"
    tried, got = parsed(f"{a}={va}; {a}={vb}")
    assert got == {a: va}, (
        f"a name sent twice: keep the first; {tried} returned {got!r}. A browser sends the cookie with the "
        "longest Path first, then the oldest (RFC 6265bis): the first is the most specific, and it may be one "
        "an attacker planted with a longer Path (cookie tossing), which only a __Host- name prevents"
    )
    tried, got = parsed("")
    assert got == {}, f"no Cookie header means no cookies; {tried} returned {got!r}"


@exercise(
    "01.2",
    "A login cookie that cannot be forged",
    hint=[
        "Lesson 01, Step 14: the fix gives the browser a value it cannot make. Here: a random value the "
        "server remembers (lesson 03 builds the full store).",
        "log_in: token = secrets.token_urlsafe(32); remember SESSIONS[token] = username; return the "
        "Set-Cookie value for a cookie named session, with HttpOnly, Path=/ and SameSite=Lax.",
        "current_user: parse the header with your parse_cookie_header, take the 'session' cookie, and return "
        "SESSIONS.get(it) (None for anything else).",
    ],
)
def unforgeable_login(ns):
    log_in, current_user, sessions = needs(ns, "log_in", "current_user", "SESSIONS")
    user = random_word("user")
    logged_in, set_cookie = calling("log_in", log_in, user)
    assert isinstance(set_cookie, str), (
        f"{logged_in} should return the Set-Cookie header value, got {type(set_cookie).__name__}"
    )
    pair = set_cookie.partition(";")[0].strip()
    name, equals, value = pair.partition("=")
    assert equals and name and value, f"{logged_in} returned {set_cookie!r}; it should start with name=value"
    _, got = calling("current_user", current_user, pair)
    assert got == user, f"the legitimate flow fails: after {logged_in}, current_user({pair!r}) returned {got!r}"
    with_others = f"theme=dark; {pair}"
    got = current_user(with_others)
    assert got == user, (
        f"the legitimate flow fails when the browser sends other cookies too: current_user({with_others!r}) "
        f"returned {got!r}"
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
        f"two calls of {logged_in} gave the same cookie {pair!r}: the value must be random (secrets), "
        "not derived from the name"
    )
    assert len(value) >= 22, (
        f"the session value {value!r} is {len(value)} characters; use at least 128 random bits "
        "(secrets.token_urlsafe(16) gives 22 characters; 32 bytes is better)"
    )
    attributes = [part.strip().lower() for part in set_cookie.split(";")[1:]]
    assert "httponly" in attributes, (
        f"{logged_in} returned {set_cookie!r}: add HttpOnly, page scripts have no business reading a session cookie"
    )


@exercise(
    "01.3",
    "A session cookie with secure defaults",
    hint=[
        "Lesson 01, Step 9 (prefixes) and Step 15 (the builder's session cookie): which name prefix locks a "
        "cookie to one host, and which attributes does it need?",
        "Refuse bad input before you build anything: raise ValueError if a character of the value is not "
        "allowed, or if max_age is not between 1 and 400 days.",
        "Shape: '__Host-' + name (once), '=', the value, then '; '-separated Max-Age=..., Path=/, Secure, "
        "HttpOnly and SameSite=Lax; no Domain.",
    ],
)
def secure_session_cookie(ns):
    (build,) = needs(ns, "session_cookie_header")
    name, value, max_age = random_word("sid"), random_word("v"), 1200 + len(random_word())
    tried, header = calling("session_cookie_header", build, name, value, max_age)
    made = f"{tried} returned {header!r}"
    assert isinstance(header, str), f"{made}: it should return a string"
    cookie = parse_set_cookie(header)
    assert cookie.name == f"__Host-{name}", f"{made}: the name should be __Host-{name} (locked to this host)"
    assert cookie.value == value, f"{made}: the value should be {value!r}"
    assert cookie.max_age == max_age, f"{made}: Max-Age should be {max_age}"
    assert cookie.secure, f"{made}: add Secure, never send a session cookie over plain http"
    assert cookie.httponly, f"{made}: add HttpOnly, page scripts have no business reading a session cookie"
    assert cookie.samesite in ("Lax", "Strict"), f"{made}: say SameSite=Lax (or Strict)"
    verdict = judge_set_cookie(header)
    assert verdict.stored, f"{made}: a browser would refuse it: {'; '.join(verdict.refused)}"
    assert not verdict.warnings, f"{made}: a browser would store it, but: {'; '.join(verdict.warnings)}"

    for bad_value in (f"{value};Domain=evil.example", f"{value} admin", f'"{value}"'):
        assert raises_value_error(build, name, bad_value, max_age), (
            f"{call('session_cookie_header', name, bad_value, max_age)} should raise ValueError: "
            "that value would change the header"
        )
    too_long = MAX_LIFETIME_SECONDS + 1
    assert raises_value_error(build, name, value, too_long), (
        f"{call('session_cookie_header', name, value, too_long)} should raise ValueError: a Max-Age over "
        "400 days would be cut short by browsers anyway"
    )


@exercise(
    "01.4",
    "Check the cookie prefixes",
    hint=[
        "Lesson 01, Step 9: the RFC's eight examples, and what each prefix requires of the cookie.",
        "The name is what comes before the first '='; the attributes are the ';'-separated pieces after it, "
        "compared in lower case, and the last of a repeated attribute counts.",
        "Shape: __Secure- needs 'secure' among the attributes; __Host- needs secure, path == '/' and no "
        "domain; any other name: True.",
    ],
)
def prefix_rules(ns):
    (follows,) = needs(ns, "follows_prefix_rules")
    word = random_word("s")
    first = f"__Host-{word}=1; Secure; Path=/"
    _, got = calling("follows_prefix_rules", follows, first)
    assert got is True, f"{call('follows_prefix_rules', first)} returned {got!r}; that cookie follows the rules"
    for header, expected in RFC_PREFIX_EXAMPLES:
        _, got = calling("follows_prefix_rules", follows, header)
        assert got is expected, f"{call('follows_prefix_rules', header)} returned {got!r}; RFC 6265bis says {expected}"
    cases = [
        (f"{word}=1", True),  # no prefix, no rules
        (f"__Secure-{word}=1; Secure", True),
        (f"__Secure-{word}=1; HttpOnly; Path=/", False),
        (f"__Host-{word}=1; secure; path=/", True),  # attribute names are case-insensitive
        (f"__Host-{word}=1; Secure; Path=/account", False),
        (f"__Host-{word}=1; Path=/; Domain={word}.example; Secure", False),
    ]
    for header, expected in cases:
        _, got = calling("follows_prefix_rules", follows, header)
        assert got is expected, f"{call('follows_prefix_rules', header)} returned {got!r}, expected {expected}"
