"""Checks for exercises/00-start-here.ipynb: warm-ups with requests."""

from __future__ import annotations

from course.checks import exercise, needs
from course.checks._support import random_word, running_server


@exercise(
    "00.1", "Read a response header", hint="response.headers is a case-insensitive dict: response.headers['Server']."
)
def server_software(ns):
    (server_software,) = needs(ns, "server_software")
    server = running_server()
    answer = server_software(server.url)
    assert isinstance(answer, str), f"server_software() should return a string, got {type(answer).__name__}"
    assert answer == "sessions-live-demo", (
        f"server_software() returned {answer!r}; the Server header says 'sessions-live-demo'"
    )


@exercise(
    "00.2",
    "Send a cookie",
    hint="requests.get(url, cookies={'name': name}) sends 'Cookie: name=...'; return response.json()['message'].",
)
def greet_with_cookie(ns):
    (greet_with_cookie,) = needs(ns, "greet_with_cookie")
    server = running_server()
    name = random_word("Ada")
    answer = greet_with_cookie(server.url, name)
    assert answer == f"Welcome back, {name}!", (
        f"greet_with_cookie(url, {name!r}) returned {answer!r}; expected the server's message "
        f"'Welcome back, {name}!' (did the request carry the cookie name={name}?)"
    )


@exercise(
    "00.3",
    "See what the server saw",
    hint="POST to f'{base_url}/echo' with cookies=cookies and return response.json()['cookies'].",
)
def cookies_the_server_saw(ns):
    (cookies_the_server_saw,) = needs(ns, "cookies_the_server_saw")
    server = running_server()
    sent = {"flavour": random_word("oat"), "colour": random_word("blue")}
    answer = cookies_the_server_saw(server.url, sent)
    assert isinstance(answer, dict), f"return the dict of cookies the echo reported, got {type(answer).__name__}"
    assert answer == sent, f"the echo should have seen {sent}, your function returned {answer}"
