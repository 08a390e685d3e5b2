"""Hidden tests for 03-server-sessions: run by `course grade` only, never shown to learners.

Edge cases the visible checks do not spell out: exact timeout boundaries,
malformed IDs, renewal never stretching the absolute timeout, a logged-in
session in the browser at login, and anonymous or expired sessions at
"log out everywhere".
"""

from course.checks import hidden_test
from course.checks._support import random_word
from course.checks.lesson_03 import ReferenceStore, logged_in_session
from demo_server import ManualClock


@hidden_test("03.1")
def timeouts_are_strict_at_the_boundary(ns):
    clock = ManualClock()
    store = ns["SessionStore"](clock, idle_timeout=600, absolute_timeout=3600)
    session_id = store.create()
    clock.advance(599.5)
    assert store.load(session_id) is not None, "idle_timeout=600: a session 599.5 s idle is still valid"
    clock.advance(600)
    assert store.load(session_id) is None, "valid only while now < last_seen + idle_timeout"


@hidden_test("03.1")
def renewal_never_stretches_the_absolute_timeout(ns):
    clock = ManualClock()
    store = ns["SessionStore"](clock, idle_timeout=600, absolute_timeout=1000)
    session_id = store.create()
    clock.advance(500)
    assert store.load(session_id) is not None, "idle 600 s, absolute 1000 s: valid 500 s after creation"
    clock.advance(499)
    assert store.load(session_id) is not None, "idle 600 s, absolute 1000 s: valid 999 s after creation (used at 500)"
    clock.advance(1)
    assert store.load(session_id) is None, "valid only while now < created + absolute_timeout"


@hidden_test("03.1")
def malformed_ids_find_nothing(ns):
    store = ns["SessionStore"](ManualClock(), idle_timeout=600, absolute_timeout=3600)
    store.create()
    for garbage in ("", "x", "A" * 43, None, 42):
        assert store.load(garbage) is None, f"load({garbage!r}) should be None"
        assert not store.delete(garbage), f"delete({garbage!r}) should be False"


@hidden_test("03.1")
def stores_are_independent(ns):
    clock = ManualClock()
    first = ns["SessionStore"](clock, idle_timeout=600, absolute_timeout=3600)
    second = ns["SessionStore"](clock, idle_timeout=600, absolute_timeout=3600)
    assert second.load(first.create()) is None, "a session created in one SessionStore loads in another"


@hidden_test("03.2")
def a_logged_in_session_is_replaced_and_its_cart_stays_behind(ns):
    store = ReferenceStore(ManualClock())
    bob = logged_in_session(store, "bob")
    store.load(bob)["cart"] = ["bobs-secret-item"]
    alice = random_word("alice")
    new_id = ns["log_in"](store, bob, alice)
    assert store.load(bob) is None, "the previous user's session must end at login"
    session = store.load(new_id)
    assert session["user"] == alice and "bobs-secret-item" not in session.get("cart", [])


@hidden_test("03.2")
def two_logins_give_two_ids(ns):
    store = ReferenceStore(ManualClock())
    first = ns["log_in"](store, None, "alice")
    second = ns["log_in"](store, first, "alice")
    assert first != second and store.load(first) is None and store.load(second)["user"] == "alice"


@hidden_test("03.3")
def anonymous_unknown_and_expired_sessions_end_nothing(ns):
    clock = ManualClock()
    store = ReferenceStore(clock, idle_timeout=600)
    alice = logged_in_session(store, "alice")
    anonymous = store.create()
    assert ns["log_out_everywhere"](store, anonymous) == 0
    assert ns["log_out_everywhere"](store, "not-a-session") == 0
    assert store.load(alice) == {"user": "alice"}
    clock.advance(600)
    assert ns["log_out_everywhere"](store, alice) == 0
