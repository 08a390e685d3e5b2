"""Run the demo server as its own process: ``python -m demo_server --port 8000``.

Lesson 07 runs several at once on one store::

    python -m demo_server --port 8001 --store redis://127.0.0.1:6379/0 --name app-1 --keys keys.json
    python -m demo_server --port 8002 --store redis://127.0.0.1:6379/0 --name app-2 --keys keys.json
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from demo_server.app import create_app, stop_services
from demo_server.clock import ManualClock, SystemClock
from demo_server.runner import HOST, QuietRequestHandler
from demo_server.scale.keyset import KeySetError
from demo_server.scale.redis_server import RedisUnavailable
from demo_server.scale.store_url import FORMS, StoreError, StoreUnreachable
from demo_server.wsgi_server import DemoWSGIServer, PortInUse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m demo_server", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument(
        "--insecure-demos", action="store_true", help="also serve the deliberately vulnerable endpoints"
    )
    parser.add_argument(
        "--real-clock", action="store_true", help="use real time instead of a clock fixed at the demo epoch"
    )
    parser.add_argument(
        "--store",
        default=None,
        metavar="URL",
        help=f"where sessions live: {FORMS} (default: SQLite in memory, private to this process). "
        "'redis' alone uses $REDIS_URL, or starts an embedded Redis private to this process",
    )
    parser.add_argument("--name", default=None, help="name this process in every answer's X-Served-By header")
    parser.add_argument(
        "--keys",
        default=None,
        metavar="PATH",
        help="load the signing keys from this key set file (shared by processes)",
    )
    parser.add_argument(
        "--flask-session",
        action="store_true",
        help="serve lesson 07's Flask-Session app instead (login, me, logout, cart; needs a Redis --store)",
    )
    parser.add_argument(
        "--password-hash",
        default=None,
        metavar="METHOD",
        help="how the demo users' passwords are hashed (werkzeug method, e.g. scrypt:1024:8:1 for fast tests)",
    )
    parser.add_argument(
        "--stop-with-parent",
        action="store_true",
        help="stop when standard input closes (the parent that started us ended)",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535, got {args.port}")
    return args


def build_app(args: argparse.Namespace):
    clock = SystemClock() if args.real_clock else ManualClock()
    common = {"CLOCK": clock, "INSTANCE_NAME": args.name}
    if args.password_hash is not None:
        common["PASSWORD_HASH_METHOD"] = args.password_hash
    if args.flask_session:
        from demo_server.scale.flask_session_app import create_flask_session_app

        return create_flask_session_app({**common, "STORE": args.store})
    config = {**common, "INSECURE_DEMOS": args.insecure_demos}
    if args.store is not None:
        config["STORE"] = args.store
    if args.keys is not None:
        config["KEY_SET"] = args.keys
    return create_app(config)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        app = build_app(args)
    except (StoreError, KeySetError, RedisUnavailable) as error:
        # One line a person can act on; the exit code says "bad setting" (2) or "not reachable" (1).
        print(f"python -m demo_server: {error}", file=sys.stderr)
        return 1 if isinstance(error, (RedisUnavailable, StoreUnreachable)) else 2
    try:
        server = DemoWSGIServer(HOST, args.port, app, QuietRequestHandler)
    except PortInUse as error:
        print(f"python -m demo_server: {error}", file=sys.stderr)
        stop_services(app)
        return 1
    server.app = app
    try:
        # SIGTERM ends the process the way Ctrl-C does, so the finally below still runs. Set inside
        # the try: a parent may send it as soon as it has read the line below.
        signal.signal(signal.SIGTERM, _interrupt)
        if args.stop_with_parent:
            threading.Thread(target=_stop_when_stdin_closes, name="parent-watch", daemon=True).start()
        # The first line tells a parent process where we are (used with --port 0).
        print(f"Serving on http://{HOST}:{server.server_port}", flush=True)
        server.serve_forever(wake_on_signals=True)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        stop_services(app)
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _stop_when_stdin_closes() -> None:
    # The parent holds the other end of our stdin; when it exits (even killed), the read returns b"".
    # os.read on the descriptor, not sys.stdin: a thread blocked inside sys.stdin's buffer would hold its
    # lock and make the interpreter's shutdown wait for it, then abort.
    try:
        while os.read(sys.stdin.fileno(), 4096):
            pass
    except (OSError, ValueError):
        pass
    # To the main thread itself, so its select() wakes up now rather than at the next poll.
    signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)


if __name__ == "__main__":
    sys.exit(main())
