"""Sessions, Live: the demo server the lessons talk to.

    import demo_server
    server = demo_server.start()          # background thread, 127.0.0.1, free port
    server.url, server.clock.advance(60)  # where it is; move its time
    server.stop()

Importing this package starts nothing and reads no secrets.
"""

from demo_server.app import create_app
from demo_server.clock import DEMO_EPOCH, ManualClock, SystemClock
from demo_server.keys import demo_key
from demo_server.runner import DemoServer, current, serve_app, start, stop
from demo_server.users import DEMO_USERS

__all__ = [
    "DEMO_EPOCH",
    "DEMO_USERS",
    "DemoServer",
    "ManualClock",
    "SystemClock",
    "create_app",
    "current",
    "demo_key",
    "serve_app",
    "start",
    "stop",
]
