"""Hidden tests for 00-start-here: run by `course grade` only, never shown to learners.

They call the learner's functions in ways the visible checks do not, so an
answer fitted to the visible checks (a hard-coded URL, a fixed name) fails.
"""

from course.checks import hidden_test
from course.checks._support import random_word

import demo_server
from demo_server.runner import serve_app


def _second_server():
    # Another app on another port: answers must use the base_url they are given.
    return serve_app(demo_server.create_app())


@hidden_test("00.1")
def uses_the_given_base_url(ns):
    server = _second_server()
    url = server.url
    try:
        assert ns["server_software"](url) == "sessions-live-demo"
    finally:
        server.stop()


@hidden_test("00.2")
def names_with_dots_and_dashes(ns):
    server = _second_server()
    url = server.url
    try:
        name = random_word("Dr.Ada-")
        assert ns["greet_with_cookie"](url, name) == f"Welcome back, {name}!"
    finally:
        server.stop()


@hidden_test("00.3")
def no_cookies_means_an_empty_dict(ns):
    server = _second_server()
    url = server.url
    try:
        assert ns["cookies_the_server_saw"](url, {}) == {}
    finally:
        server.stop()
