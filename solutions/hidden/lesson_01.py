"""Hidden tests for 01-cookies: run by `course grade` only, never shown to learners.

Edge cases the visible checks do not show: empty pieces and spaces in a Cookie
header, values that end in '=', guessed session values, headers that are not
cookies at all, an existing __Host- prefix, and repeated attributes.
"""

import secrets

from course.checks import hidden_test
from course.checks._support import call, random_word


@hidden_test("01.1")
def empty_pieces_and_spaces(ns):
    parse = ns["parse_cookie_header"]
    a, b = random_word("a"), random_word("b")
    for header, expected, why in [
        (f"  {a}=1 ;; {b}=2; ", {a: "1", b: "2"}, "empty pieces and spaces are skipped"),
        (f"{a}=abc==", {a: "abc=="}, "base64 values end in '=': split at the first '=' only"),
        (f"justtext; {a}=1", {a: "1"}, "a piece without '=' is not a cookie"),
        (f"{a}=", {a: ""}, "an empty value is still a cookie"),
    ]:
        got = parse(header)
        assert got == expected, f"{why}: {call('parse_cookie_header', header)} returned {got!r}"


@hidden_test("01.2")
def guessed_and_garbage_cookies(ns):
    log_in, current_user = ns["log_in"], ns["current_user"]
    alice, bob = random_word("alice"), random_word("bob")
    alice_pair = log_in(alice).partition(";")[0].strip()
    bob_pair = log_in(bob).partition(";")[0].strip()
    assert current_user(alice_pair) == alice and current_user(bob_pair) == bob, "each login is its own session"
    name = alice_pair.partition("=")[0]
    for header in (f"{name}={secrets.token_urlsafe(32)}", f"{name}=", "%%%not a cookie%%%", f"x=not{name}=admin"):
        got = current_user(header)
        assert got is None, f"{call('current_user', header)} returned {got!r}: only a live session's cookie gets in"


@hidden_test("01.3")
def keeps_an_existing_prefix_and_refuses_empty_lifetimes(ns):
    build = ns["session_cookie_header"]
    value = random_word("v")
    header = build("__Host-sid", value, 60)
    made = call("session_cookie_header", "__Host-sid", value, 60)
    assert header.startswith(f"__Host-sid={value};"), f"do not add the prefix twice: {made} returned {header!r}"
    for bad in (0, -1):
        try:
            build("sid", value, bad)
        except ValueError:
            continue
        raise AssertionError(
            f"{call('session_cookie_header', 'sid', value, bad)} should raise ValueError: "
            "that cookie would be deleted at once"
        )


@hidden_test("01.4")
def spacing_and_repeated_attributes(ns):
    follows = ns["follows_prefix_rules"]
    word = random_word("s")
    for header, expected, why in [
        (f"__Host-{word}=1;Secure;Path=/", True, "no spaces after ';' is still valid"),
        (f"__Host-{word}=1; Secure; Path=/; Path=/admin", False, "the last Path counts"),
        (f"__Host-{word}=1; Secure; Path=/admin; Path=/", True, "the last Path counts"),
        (f"__HOST-{word}=1; Path=/", False, "prefixes are matched case-insensitively"),
        (f"__Secure-{word}=1; SECURE", True, "attribute names are matched case-insensitively"),
    ]:
        got = follows(header)
        assert got is expected, f"{why}: {call('follows_prefix_rules', header)} returned {got!r}"
