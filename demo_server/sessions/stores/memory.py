"""Sessions in a dict of this process: fast, and gone when the process ends.

Fine for one process (a notebook, a test); lesson 07 shows why it breaks as
soon as a second app process serves the same users.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import replace
from typing import Callable

from demo_server.sessions.stores.base import Clock, ExpiryPolicy, Session, SessionStore


class MemorySessionStore(SessionStore):
    def __init__(self, clock: Clock, policy: ExpiryPolicy | None = None) -> None:
        super().__init__(clock, policy)
        self._records: dict[str, Session] = {}
        # One lock makes every read-modify-write atomic across the server's threads.
        self._lock = threading.Lock()

    def _add(self, record: Session) -> None:
        with self._lock:
            self._records[record.id_hash] = record

    def _find(self, id_hash: str) -> Session | None:
        with self._lock:
            record = self._records.get(id_hash)
            return _detached(record) if record else None

    def _change(self, id_hash: str, change: Callable[[Session], Session | None]) -> Session | None:
        with self._lock:
            record = self._records.get(id_hash)
            if record is None:
                return None
            new = change(_detached(record))
            if new is None:
                del self._records[id_hash]
                return None
            self._records[id_hash] = _detached(new)
            return new

    def _remove(self, id_hash: str) -> bool:
        with self._lock:
            return self._records.pop(id_hash, None) is not None

    def _for_user(self, user_id: str) -> list[Session]:
        with self._lock:
            return [_detached(r) for r in self._records.values() if r.user_id == user_id]

    def _all(self) -> list[Session]:
        with self._lock:
            return [_detached(r) for r in self._records.values()]

    def _remove_expired(self, now: float) -> int:
        with self._lock:
            expired = [h for h, r in self._records.items() if r.expired(now)]
            for id_hash in expired:
                del self._records[id_hash]
            return len(expired)


def _detached(record: Session) -> Session:
    # Callers get their own copy of the data: editing it must not bypass the lock.
    return replace(record, data=copy.deepcopy(record.data))
