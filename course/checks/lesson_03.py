"""Checks for exercises/03-server-sessions-exercises.ipynb: the checks attack the learner's session code.

03.1 drives the learner's store on a manual clock; 03.2 and 03.3 run the
learner's functions on a reference store (so each exercise is graded on its
own), plant a session ID before login and replay a copied cookie after logout.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from contextlib import contextmanager
from typing import Any, Iterator

from course.checks import exercise, needs
from course.checks._support import random_word
from demo_server import ManualClock

MIN_ID_BYTES = 16  # 128 bits


class ReferenceStore:
    """The store of exercise 03.1, as the course wrote it (checks 03.2 and 03.3 run on it)."""

    def __init__(self, clock: ManualClock, idle_timeout: float = 900, absolute_timeout: float = 28800) -> None:
        self.clock = clock
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout
        self._sessions: dict[str, dict[str, Any]] = {}

    @staticmethod
    def key(session_id: str) -> str:
        return hashlib.sha256(session_id.encode()).hexdigest()

    def create(self) -> str:
        session_id = secrets.token_urlsafe(32)
        now = self.clock.now()
        self._sessions[self.key(session_id)] = {"created": now, "last_seen": now, "data": {}}
        return session_id

    def load(self, session_id: str) -> dict | None:
        if not isinstance(session_id, str):
            return None
        entry = self._sessions.get(self.key(session_id))
        if entry is None:
            return None
        now = self.clock.now()
        if now >= min(entry["last_seen"] + self.idle_timeout, entry["created"] + self.absolute_timeout):
            del self._sessions[self.key(session_id)]
            return None
        entry["last_seen"] = now
        return entry["data"]

    def delete(self, session_id: str) -> bool:
        return isinstance(session_id, str) and self._sessions.pop(self.key(session_id), None) is not None

    def delete_user_sessions(self, user: str) -> int:
        keys = [key for key, entry in self._sessions.items() if entry["data"].get("user") == user]
        for key in keys:
            del self._sessions[key]
        return len(keys)

    def user_of(self, session_id: str) -> str | None:
        """Who a session ID is logged in as (does not count as activity)."""
        entry = self._sessions.get(self.key(session_id)) if isinstance(session_id, str) else None
        return entry["data"].get("user") if entry else None


def logged_in_session(store, user: str) -> str:
    """A session ID logged in as ``user`` (built with the store's own methods)."""
    session_id = store.create()
    store.load(session_id)["user"] = user
    return session_id


@contextmanager
def counting_secrets() -> Iterator[list[int]]:
    """Record how many bytes each call draws from ``secrets`` (token_urlsafe/hex/bytes all go through token_bytes)."""
    drawn: list[int] = []
    real = secrets.token_bytes

    def spy(nbytes=None):
        value = real(nbytes)
        drawn.append(len(value))
        return value

    secrets.token_bytes = spy
    try:
        yield drawn
    finally:
        secrets.token_bytes = real


def contains_text(thing: Any, text: str, depth: int = 0) -> bool:
    """True if ``text`` appears anywhere in a nest of containers and objects."""
    if depth > 6:
        return False
    if isinstance(thing, (str, bytes)):
        return text in (thing if isinstance(thing, str) else thing.decode("latin-1"))
    if isinstance(thing, dict):
        return any(contains_text(k, text, depth + 1) or contains_text(v, text, depth + 1) for k, v in thing.items())
    if isinstance(thing, (list, tuple, set, frozenset)):
        return any(contains_text(item, text, depth + 1) for item in thing)
    if hasattr(thing, "__dict__") and not isinstance(thing, type):
        return contains_text(vars(thing), text, depth + 1)
    return False


def timeouts() -> tuple[int, int]:
    """Random timeouts, so an answer with 900 and 28800 written in fails."""
    idle = 60 * random.randint(5, 30)
    return idle, idle * random.randint(4, 10)


@exercise(
    "03.1",
    "A session store with idle and absolute expiry",
    hint=[
        "Lesson 03, Steps 1-3 and 5: an ID from secrets, its SHA-256 as the store's key, and two deadlines "
        "measured on the store's clock.",
        "create(): keep self._sessions[self.key(session_id)] = {'created': now, 'last_seen': now, 'data': {}} "
        "and return the ID; never keep the ID itself.",
        "Shape of load(): find the entry by key(session_id); if now >= last_seen + idle_timeout or now >= "
        "created + absolute_timeout, delete it and return None; else set last_seen = now and return its data.",
    ],
)
def session_store(ns):
    (SessionStore,) = needs(ns, "SessionStore")
    clock = ManualClock(start=ManualClock().now() + random.randint(0, 10**6))
    idle, absolute = timeouts()
    store = SessionStore(clock, idle_timeout=idle, absolute_timeout=absolute)
    made = f"with SessionStore(clock, idle_timeout={idle}, absolute_timeout={absolute}), "

    with counting_secrets() as drawn:
        session_id = store.create()
    assert isinstance(session_id, str), (
        f"create() should return the session ID as a string, got {type(session_id).__name__}"
    )
    assert drawn and max(drawn) >= MIN_ID_BYTES, (
        f"create() drew {sum(drawn)} bytes from secrets; a session ID needs at least {MIN_ID_BYTES} "
        "(128 bits): use secrets.token_urlsafe(32)"
    )
    ids = {store.create() for _ in range(200)}
    assert len(ids) == 200, "create() returned the same ID twice"
    assert not contains_text(vars(store), session_id), (
        "the raw session ID is stored in the SessionStore; keep only key(session_id), its SHA-256"
    )

    data = store.load(session_id)
    assert data == {}, f"a new session's data should be an empty dict, load() gave {data!r}"
    user = random_word("user")
    data["user"] = user
    assert store.load(session_id) == {"user": user}, "changes to the dict load() returns should stick"
    assert store.load(secrets.token_urlsafe(32)) is None, "load() of an ID the store never issued should be None"

    clock.advance(idle - 1)
    assert store.load(session_id) is not None, (
        f"{made}the session expired after {idle - 1} s, before the idle timeout ({idle} s)"
    )
    clock.advance(idle - 1)
    assert store.load(session_id) is not None, (
        f"{made}a session loaded {idle - 1} s ago and then {idle - 1} s again had expired: load() should renew "
        "the idle timeout (sliding renewal: last_seen = now)"
    )
    clock.advance(idle)
    assert store.load(session_id) is None, (
        f"{made}the session still works after {idle} s without a request (idle timeout {idle} s)"
    )

    busy = store.create()
    step = idle // 2
    elapsed = 0
    while elapsed + step < absolute:
        clock.advance(step)
        elapsed += step
        assert store.load(busy) is not None, (
            f"{made}a session used every {step} s ended {elapsed} s after it was created, before the absolute timeout"
        )
    clock.advance(absolute - elapsed)  # less than the idle timeout since the last load
    assert store.load(busy) is None, (
        f"{made}a session used every {step} s still works {absolute} s after it was created; "
        f"it must end at created + absolute_timeout ({absolute} s)"
    )

    gone = store.create()
    assert store.delete(gone) is True, "delete() of a live session should return True"
    assert store.load(gone) is None, "a deleted session still loads"
    assert store.delete(gone) is False, "delete() of a session that no longer exists should return False"

    alices = [logged_in_session(store, "alice") for _ in range(3)]
    bob = logged_in_session(store, "bob")
    anonymous = store.create()
    ended = store.delete_user_sessions("alice")
    assert ended == 3, f"delete_user_sessions('alice') should end alice's 3 sessions, it reported {ended}"
    assert all(store.load(s) is None for s in alices), "one of alice's sessions survived delete_user_sessions('alice')"
    assert store.load(bob) == {"user": "bob"} and store.load(anonymous) == {}, (
        "delete_user_sessions ended someone else's session"
    )


@exercise(
    "03.2",
    "A login that issues a new ID",
    hint=[
        "Lesson 03, Step 4: the fixed login never keeps the session the browser arrived with.",
        "If cookie_session_id is given: load it (an anonymous session's 'cart' is worth keeping), then "
        "store.delete() it, whatever it was.",
        "Shape: new_id = store.create(); data = store.load(new_id); data['user'] = user (and the old cart, if "
        "any); return new_id.",
    ],
)
def login_regenerates_the_id(ns):
    (log_in,) = needs(ns, "log_in")
    store = ReferenceStore(ManualClock())
    alice = random_word("alice")

    fresh = log_in(store, None, alice)
    assert isinstance(fresh, str), f"log_in() should return the new session ID, got {type(fresh).__name__}"
    assert store.user_of(fresh) == alice, "after log_in(store, None, user) the returned ID should be logged in as user"

    # Mallory gets an anonymous session, plants its ID in Alice's browser, and Alice shops and logs in.
    planted = store.create()
    store.load(planted)["cart"] = ["tea", "jam"]
    new_id = log_in(store, planted, alice)
    assert new_id != planted, (
        "log_in() kept the planted session ID: whoever planted it is now logged in as the user (session fixation)"
    )
    assert store.load(planted) is None, (
        "the planted ID still works after login: Mallory can use it; delete the old session"
    )
    session = store.load(new_id)
    assert session is not None and session.get("user") == alice, "the new session should be logged in as the user"
    assert session.get("cart") == ["tea", "jam"], (
        f"the visitor's cart should survive login, got {session.get('cart')!r}"
    )

    made_up = secrets.token_urlsafe(32)
    adopted = log_in(store, made_up, alice)
    assert adopted != made_up and store.user_of(made_up) is None, "log_in() adopted an ID the client made up"


@exercise(
    "03.3",
    "Log out everywhere",
    hint=[
        "Lesson 03, Step 7: the server finds the user behind the session, then ends all of that user's sessions.",
        "store.load(session_id) gives the session's data, or None; an anonymous session has no 'user'.",
        "Shape: data = store.load(session_id); no data or no 'user': return 0; else return "
        "store.delete_user_sessions(data['user']).",
    ],
)
def logout_everywhere(ns):
    (log_out_everywhere,) = needs(ns, "log_out_everywhere")
    store = ReferenceStore(ManualClock())
    alice, bob = random_word("alice"), random_word("bob")
    laptop, phone, tablet = (logged_in_session(store, alice) for _ in range(3))
    bobs = logged_in_session(store, bob)
    stolen_copy = phone  # a thief copied the phone's cookie earlier

    ended = log_out_everywhere(store, laptop)
    assert ended == 3, f"log_out_everywhere() should end the user's 3 sessions and return 3, it returned {ended!r}"
    assert store.load(stolen_copy) is None, (
        "a cookie copied before the logout still works afterwards (replay after logout)"
    )
    assert store.load(laptop) is None, "the session that asked to log out everywhere is still live"
    assert store.load(tablet) is None, "one of the user's other devices is still logged in"
    assert store.load(bobs) == {"user": bob}, "log_out_everywhere() ended another user's session"
    assert log_out_everywhere(store, laptop) == 0, "a session that no longer exists should end nothing and return 0"
