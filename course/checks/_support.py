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
