"""Helpers that checks share."""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from typing import Iterator

from werkzeug.http import parse_cookie

import demo_server


def running_server(**config) -> demo_server.DemoServer:
    """The demo server the notebook started (or a new one with ``config``)."""
    server = demo_server.current()
    if server is not None and server.running and all(server.config.get(k) == v for k, v in config.items()):
        return server
    return demo_server.start(**config)


@contextmanager
def cookies_received(server: demo_server.DemoServer, path: str) -> Iterator[list[dict[str, str]]]:
    """The cookies of each request ``server`` receives for ``path`` while the block runs: what the
    server really saw, to tell an answer that asked it from one that made up its reply."""
    received: list[dict[str, str]] = []
    app, inner = server.app, server.app.wsgi_app

    def recording(environ, start_response):  # Flask's place for a middleware: app.wsgi_app
        if environ.get("PATH_INFO") == path:
            received.append(dict(parse_cookie(environ.get("HTTP_COOKIE", ""))))
        return inner(environ, start_response)

    app.wsgi_app = recording
    try:
        yield received
    finally:
        app.wsgi_app = inner


def random_word(prefix: str = "w") -> str:
    """A fresh value each run, so a hard-coded answer cannot pass."""
    return f"{prefix}{secrets.token_hex(4)}"


def shown(value) -> str:
    """A value as the learner could type it back (long bytes as bytes.fromhex(...)), to repeat a failing call."""
    if isinstance(value, bytes) and len(value) > 24:
        return f"bytes.fromhex({value.hex()!r})"
    if callable(value) and "hashlib" in getattr(value, "__module__", ""):
        return f"hashlib.{value().name}"  # a hashlib constructor, as the learner would write it
    return repr(value)


def call(function_name: str, *args, **kwargs) -> str:
    """The text of a call, e.g. "parse_cookie_header('a=1; a=2')", so a failure names its input."""
    parts = [shown(arg) for arg in args] + [f"{name}={shown(value)}" for name, value in kwargs.items()]
    return f"{function_name}({', '.join(parts)})"


def calling(name: str, function, *args, **kwargs):
    """Call the learner's ``function``; returns (the call's text, its result). If it raises, the
    report names this call, so the learner sees which input broke their code."""
    from course.checks import trying

    text = call(name, *args, **kwargs)
    with trying(text):
        return text, function(*args, **kwargs)
