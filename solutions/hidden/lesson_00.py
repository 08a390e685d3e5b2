"""Hidden tests for 00-start-here: run by `course grade` only, never shown to learners.

They call the learner's functions in ways the visible checks do not, so an
answer fitted to the visible checks (a hard-coded URL, a fixed name) fails.
"""

from contextlib import contextmanager

import demo_server
from course.checks import hidden_test
from course.checks._support import call, cookies_received, random_word
from demo_server.runner import serve_app


@contextmanager
def second_server():
    """Another app on another port: answers must use the base_url they are given."""
    server = serve_app(demo_server.create_app())
    try:
        yield server
    finally:
        server.stop()


@hidden_test("00.1")
def uses_the_given_base_url(ns):
    with second_server() as server:
        url = server.url
        got = ns["server_software"](url)
        assert got == "sessions-live-demo", f"{call('server_software', url)} returned {got!r}: use the given base_url"


@hidden_test("00.2")
def names_with_dots_and_dashes(ns):
    name = random_word("Dr.Ada-")
    with second_server() as server:
        url = server.url
        got = ns["greet_with_cookie"](url, name)
        assert got == f"Welcome back, {name}!", f"{call('greet_with_cookie', url, name)} returned {got!r}"


@hidden_test("00.3")
def no_cookies_means_an_empty_dict(ns):
    with second_server() as server, cookies_received(server, "/echo") as received:
        got = ns["cookies_the_server_saw"](server.url, {})
    tried = call("cookies_the_server_saw", server.url, {})
    assert got == {}, f"{tried} returned {got!r}"
    assert received, f"{tried}: the server at that address got no request (send the cookies to its /echo)"
    assert all(cookies == {} for cookies in received), f"{tried} sent the cookies {received} when given none"
