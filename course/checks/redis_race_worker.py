"""One of the processes exercise 07.1's check runs: call the learner's add_to_cart from several threads.

Run by path (``python redis_race_worker.py ...``), not as ``-m course...``: a worker needs only
redis and the learner's function, and importing the course would slow every worker down.
Prints one JSON line: {"returned": [what each call returned], "errors": ["Type: message", ...]}.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import threading


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--module", required=True, help="a file defining the learner's function")
    parser.add_argument("--function", default="add_to_cart", help="its name in that file")
    parser.add_argument("--redis", required=True, help="the Redis server's URL")
    parser.add_argument("--key", required=True)
    parser.add_argument("--name", required=True, help="this worker's name, part of each item")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--adds", type=int, default=20, help="adds per thread")
    args = parser.parse_args()

    import redis

    spec = importlib.util.spec_from_file_location("learner_cart", args.module)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        add_to_cart = getattr(module, args.function)
    except Exception as error:  # the learner's code: report whatever it raises
        print(json.dumps({"returned": [], "errors": [f"{type(error).__name__}: {error}"]}))
        return 0

    client = redis.Redis.from_url(args.redis, decode_responses=True, socket_timeout=10)
    returned, errors = [], []
    lock = threading.Lock()
    start = threading.Barrier(args.threads)

    def run(thread: int) -> None:
        start.wait()  # all threads at once: the point is to overlap
        for n in range(args.adds):
            try:
                value = add_to_cart(client, args.key, f"{args.name}-{thread}-{n}")
            except Exception as error:
                with lock:
                    errors.append(f"{type(error).__name__}: {error}")
                return
            with lock:
                returned.append(value if isinstance(value, int) and not isinstance(value, bool) else repr(value))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.close()
    print(json.dumps({"returned": returned, "errors": errors[:5]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
