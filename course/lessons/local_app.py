"""Serve any Flask app on this machine, the way the demo server runs: a background thread on
127.0.0.1, a free port, a quiet log. Lesson 08 audits apps served like this (yours included).

    server = serve(create_my_app())   # server.url, server.stop()
"""

from __future__ import annotations

import threading

from flask import Flask
from werkzeug.serving import make_server

from demo_server import context
from demo_server.clock import SystemClock
from demo_server.runner import HOST, DemoServer, QuietRequestHandler


def serve(app: Flask) -> DemoServer:
    """``app`` answering on http://127.0.0.1:<free port> until ``.stop()`` (or the kernel ends)."""
    if not isinstance(app, Flask):
        raise TypeError(f"serve() takes a Flask app (what create_app() returns), not {type(app).__name__}")
    # The quiet request handler dates its answers with the app's clock; an app of your own has the real one.
    app.extensions.setdefault(context.CLOCK, SystemClock())
    server = make_server(HOST, 0, app, threaded=True, request_handler=QuietRequestHandler)
    server.app = app
    # The socket listens from here on: requests wait in its queue until the thread serves them.
    thread = threading.Thread(target=server.serve_forever, name="local-app", daemon=True)
    thread.start()
    return DemoServer(app=app, port=server.server_port, config={}, _server=server, _thread=thread)
