"""Run the demo server as its own process: ``python -m demo_server --port 8000``."""

from __future__ import annotations

import argparse
import sys

from demo_server.app import create_app
from demo_server.clock import ManualClock, SystemClock
from demo_server.runner import HOST, QuietRequestHandler
from demo_server.wsgi_server import DemoWSGIServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m demo_server", description=__doc__)
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument(
        "--insecure-demos", action="store_true", help="also serve the deliberately vulnerable endpoints"
    )
    parser.add_argument(
        "--real-clock", action="store_true", help="use real time instead of a clock fixed at the demo epoch"
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535, got {args.port}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    clock = SystemClock() if args.real_clock else ManualClock()
    app = create_app({"INSECURE_DEMOS": args.insecure_demos, "CLOCK": clock})
    try:
        server = DemoWSGIServer(HOST, args.port, app, QuietRequestHandler)
    except OSError as error:
        print(f"cannot listen on {HOST}:{args.port}: {error.strerror}", file=sys.stderr)
        return 1
    server.app = app
    # The first line tells a parent process where we are (used with --port 0).
    print(f"Serving on http://{HOST}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
