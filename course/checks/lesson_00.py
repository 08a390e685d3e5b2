"""Checks for exercises/00-start-here-exercises.ipynb: warm-ups with requests."""

from __future__ import annotations

from course.checks import exercise, needs
from course.checks._support import calling, cookies_received, random_word, running_server


@exercise(
    "00.1",
    "Read a response header",
    hint=[
        "Lesson 00, Setup: show(response) lists the headers the demo server answers with; one of them is Server.",
        "response.headers is a case-insensitive dict of the response's headers: response.headers['Server'].",
        "Shape: response = requests.get(f'{base_url}/health', timeout=5), then return one of its headers.",
    ],
)
def server_software(ns):
    (server_software,) = needs(ns, "server_software")
    server = running_server()
    tried, answer = calling("server_software", server_software, server.url)
    assert isinstance(answer, str), f"{tried} should return a string, got {type(answer).__name__}"
    assert answer == "sessions-live-demo", f"{tried} returned {answer!r}; the Server header says 'sessions-live-demo'"


@exercise(
    "00.2",
    "Send a cookie",
    hint=[
        "Lesson 00, Step 3: a Cookie header name=Ada made /hello say 'Welcome back, Ada!'.",
        "requests.get(url, cookies={'name': name}) sends 'Cookie: name=...'.",
        "Shape: GET f'{base_url}/hello' with that cookie, then return response.json()['message'].",
    ],
)
def greet_with_cookie(ns):
    (greet_with_cookie,) = needs(ns, "greet_with_cookie")
    server = running_server()
    name = random_word("Ada")
    tried, answer = calling("greet_with_cookie", greet_with_cookie, server.url, name)
    assert answer == f"Welcome back, {name}!", (
        f"{tried} returned {answer!r}; expected the server's message 'Welcome back, {name}!' "
        f"(did the request carry the cookie name={name}?)"
    )


@exercise(
    "00.3",
    "See what the server saw",
    hint=[
        "Lesson 00, Step 1: POST /echo answers with what the server received, cookies included.",
        "requests.post(url, cookies=cookies) sends them; the echo's JSON has them under 'cookies'.",
        "Shape: POST to f'{base_url}/echo' with cookies=cookies and return response.json()['cookies'].",
    ],
)
def cookies_the_server_saw(ns):
    (cookies_the_server_saw,) = needs(ns, "cookies_the_server_saw")
    server = running_server()
    sent = {"flavour": random_word("oat"), "colour": random_word("blue")}
    with cookies_received(server, "/echo") as received:
        tried, answer = calling("cookies_the_server_saw", cookies_the_server_saw, server.url, sent)
    assert isinstance(answer, dict), f"{tried} should return the dict of cookies the echo reported, got {answer!r}"
    assert answer == sent, f"{tried} returned {answer}; the echo should have seen {sent}"
    assert sent in received, (
        f"{tried} returned the cookies without the server seeing them: send them to {server.url}/echo "
        "and return what its answer says it received"
    )
