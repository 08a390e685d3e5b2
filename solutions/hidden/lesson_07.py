"""Hidden tests for 07-sessions-at-scale: run by `course grade` only, never shown to learners.

Edge cases the visible checks do not spell out: items with quotes and non-ASCII
letters, a cart someone else already filled, more processes than the check uses,
and the same proof behind a sticky balancer.
"""

import json

from course.checks import hidden_test
from course.checks._support import random_word
from course.checks.lesson_07 import add_from_processes, assert_nothing_lost, check_redis, judge, run_against_cluster


@hidden_test("07.1")
def odd_items_and_an_existing_cart_are_kept(ns):
    client = check_redis().client()
    try:
        key = f"cart:{random_word('hidden')}"
        client.set(key, json.dumps(["already-there"]))
        for item in ['say "cheese"', "zoë's jam", "🍪", "a, b; c"]:
            ns["add_to_cart"](client, key, item)
        assert json.loads(client.get(key)) == ["already-there", 'say "cheese"', "zoë's jam", "🍪", "a, b; c"]
    finally:
        client.close()


@hidden_test("07.1")
def five_processes_at_once(ns):
    server = check_redis()
    client = server.client()
    try:
        key = f"cart:{random_word('five')}"
        returned = add_from_processes(ns["add_to_cart"], server.url, key, processes=5, threads=3, adds=8)
        expected = {f"p{p}-{thread}-{n}" for p in range(5) for thread in range(3) for n in range(8)}
        assert_nothing_lost(client, key, returned, expected, "5 processes added at once")
    finally:
        client.close()


@hidden_test("07.1")
def separate_carts_stay_separate(ns):
    client = check_redis().client()
    try:
        first, second = f"cart:{random_word('a')}", f"cart:{random_word('b')}"
        ns["add_to_cart"](client, first, "tea")
        assert ns["add_to_cart"](client, second, "jam") == 1
        assert json.loads(client.get(first)) == ["tea"] and json.loads(client.get(second)) == ["jam"]
    finally:
        client.close()


@hidden_test("07.2")
def behind_a_sticky_balancer_too(ns):
    # Sticky: the balancer pins the browser to the process that made the session, then re-pins it when that dies.
    answer, happened = run_against_cluster(ns["session_survives_its_process"], "redis", sticky=True, count=2)
    judge(answer, happened, "redis", expected=True)
    answer, happened = run_against_cluster(ns["session_survives_its_process"], "memory", sticky=True, count=2)
    judge(answer, happened, "memory", expected=False)
