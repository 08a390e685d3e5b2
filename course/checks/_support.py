"""Helpers that checks share."""

from __future__ import annotations

import secrets

import demo_server


def running_server(**config) -> demo_server.DemoServer:
    """The demo server the notebook started (or a new one with ``config``)."""
    server = demo_server.current()
    if server is not None and server.running and all(server.config.get(k) == v for k, v in config.items()):
        return server
    return demo_server.start(**config)


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
