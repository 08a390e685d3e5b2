"""Hidden tests for 01-cookies: run by `course grade` only, never shown to learners.

Edge cases the visible checks do not show: empty pieces and spaces in a Cookie
header, values that end in '=', guessed session values, headers that are not
cookies at all, an existing __Host- prefix, and repeated attributes.
"""

import secrets

from course.checks import hidden_test
from course.checks._support import random_word


@hidden_test("01.1")
def empty_pieces_and_spaces(ns):
    parse = ns["parse_cookie_header"]
    a, b = random_word("a"), random_word("b")
    assert parse(f"  {a}=1 ;; {b}=2; ") == {a: "1", b: "2"}
    assert parse(f"{a}=abc==") == {a: "abc=="}, "base64 values end in '=': split at the first '=' only"
    assert parse(f"justtext; {a}=1") == {a: "1"}, "a piece without '=' is not a cookie"
    assert parse(f"{a}=") == {a: ""}, "an empty value is still a cookie"


@hidden_test("01.2")
def guessed_and_garbage_cookies(ns):
    log_in, current_user = ns["log_in"], ns["current_user"]
    alice, bob = random_word("alice"), random_word("bob")
    alice_pair = log_in(alice).partition(";")[0].strip()
    bob_pair = log_in(bob).partition(";")[0].strip()
    assert current_user(alice_pair) == alice and current_user(bob_pair) == bob, "each login is its own session"
    name = alice_pair.partition("=")[0]
    assert current_user(f"{name}={secrets.token_urlsafe(32)}") is None, "a guessed session value got in"
    assert current_user(f"{name}=") is None
    assert current_user("%%%not a cookie%%%") is None
    assert current_user(f"x=not{name}=admin") is None


@hidden_test("01.3")
def keeps_an_existing_prefix_and_refuses_empty_lifetimes(ns):
    build = ns["session_cookie_header"]
    value = random_word("v")
    header = build("__Host-sid", value, 60)
    assert header.startswith(f"__Host-sid={value};"), f"do not add the prefix twice: {header!r}"
    for bad in (0, -1):
        try:
            build("sid", value, bad)
        except ValueError:
            continue
        raise AssertionError(f"max_age={bad} should raise ValueError: that cookie would be deleted at once")


@hidden_test("01.4")
def spacing_and_repeated_attributes(ns):
    follows = ns["follows_prefix_rules"]
    word = random_word("s")
    assert follows(f"__Host-{word}=1;Secure;Path=/") is True, "no spaces after ';' is still valid"
    assert follows(f"__Host-{word}=1; Secure; Path=/; Path=/admin") is False, "the last Path counts"
    assert follows(f"__Host-{word}=1; Secure; Path=/admin; Path=/") is True, "the last Path counts"
    assert follows(f"__HOST-{word}=1; Path=/") is False, "prefixes are matched case-insensitively"
    assert follows(f"__Secure-{word}=1; SECURE") is True
