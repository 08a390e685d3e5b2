"""Sessions in SQLite: the default store, embedded, no server to run.

By default the database lives in memory, private to one app (nothing is
written to disk, nothing lands in the repository). Give a file path to share
sessions between processes (lesson 07): every write is a transaction that
takes SQLite's write lock first (BEGIN IMMEDIATE), so concurrent read-modify-
write never loses an update, across threads or processes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import weakref
from contextlib import closing
from functools import cache
from typing import Callable

from demo_server.sessions.stores.base import Clock, ExpiryPolicy, Session, SessionStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id_hash    TEXT PRIMARY KEY,  -- SHA-256 of the session ID; the ID itself is never stored
    user_id    TEXT,              -- NULL for an anonymous session
    created_at REAL NOT NULL,
    last_seen  REAL NOT NULL,
    expires_at REAL NOT NULL,     -- min(last_seen + idle, created_at + absolute)
    device     TEXT NOT NULL,
    data       TEXT NOT NULL,     -- JSON
    rotated    INTEGER NOT NULL DEFAULT 0  -- 1: the marker rotate() leaves at an old ID (see SessionStore.rotate)
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id);
CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
"""
COLUMNS = "id_hash, user_id, created_at, last_seen, expires_at, device, data, rotated"
BUSY_TIMEOUT_SECONDS = 5.0


class SQLiteSessionStore(SessionStore):
    def __init__(self, clock: Clock, policy: ExpiryPolicy | None = None, path: str = ":memory:") -> None:
        super().__init__(clock, policy)
        self.path = path
        # One connection shared by the server's threads, used under a lock (an
        # in-memory database exists only inside its connection).
        self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        # Close the connection when the store is garbage-collected, not at some later GC of the connection.
        self._closer = weakref.finalize(self, self._db.close)
        with self._lock:
            if path == ":memory:" and hasattr(self._db, "deserialize"):  # (SQLite may be built without it)
                self._db.deserialize(_empty_database())  # SCHEMA, made once per process
                return
            if path != ":memory:":
                # Readers do not block the writer, and commits need no fsync of
                # the whole file: sessions are cheap to lose in a crash, a demo's are.
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.executescript(SCHEMA)
            _add_missing_columns(self._db)

    def close(self) -> None:
        self._closer()

    def _add(self, record: Session) -> None:
        with self._write() as db:
            db.execute(f"INSERT INTO sessions ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", _row(record))

    def _find(self, id_hash: str) -> Session | None:
        with self._lock:
            row = self._db.execute(f"SELECT {COLUMNS} FROM sessions WHERE id_hash = ?", (id_hash,)).fetchone()
        return _record(row) if row else None

    def _change(self, id_hash: str, change: Callable[[Session], Session | None]) -> Session | None:
        with self._write() as db:
            row = db.execute(f"SELECT {COLUMNS} FROM sessions WHERE id_hash = ?", (id_hash,)).fetchone()
            if row is None:
                return None
            new = change(_record(row))
            if new is None:
                db.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))
            else:
                db.execute(
                    "UPDATE sessions SET user_id = ?, created_at = ?, last_seen = ?, expires_at = ?,"
                    " device = ?, data = ?, rotated = ? WHERE id_hash = ?",
                    _row(new)[1:] + (id_hash,),
                )
            return new

    def _remove(self, id_hash: str) -> bool:
        with self._write() as db:
            return db.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,)).rowcount > 0

    def _for_user(self, user_id: str) -> list[Session]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {COLUMNS} FROM sessions WHERE user_id = ? ORDER BY rowid", (user_id,)
            ).fetchall()
        return [_record(row) for row in rows]

    def _all(self) -> list[Session]:
        with self._lock:
            rows = self._db.execute(f"SELECT {COLUMNS} FROM sessions ORDER BY rowid").fetchall()
        return [_record(row) for row in rows]

    def _remove_expired(self, now: float) -> int:
        with self._write() as db:
            return db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,)).rowcount

    def _write(self) -> "_Transaction":
        return _Transaction(self._db, self._lock)


class _Transaction:
    """``with`` block = one write transaction: commit on success, roll back on any exception."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        self._db = db
        self._lock = lock

    def __enter__(self) -> sqlite3.Connection:
        self._lock.acquire()
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        return self._db

    def __exit__(self, error_type, error, traceback) -> None:
        try:
            self._db.execute("COMMIT" if error_type is None else "ROLLBACK")
        finally:
            self._lock.release()


def _row(record: Session) -> tuple:
    return (
        record.id_hash,
        record.user_id,
        record.created_at,
        record.last_seen,
        record.expires_at,
        record.device,
        json.dumps(record.data, separators=(",", ":")),
        int(record.rotated),
    )


def _record(row: tuple) -> Session:
    id_hash, user_id, created_at, last_seen, expires_at, device, data, rotated = row
    return Session(id_hash, user_id, created_at, last_seen, expires_at, device, json.loads(data), bool(rotated))


@cache
def _empty_database() -> bytes:
    """An in-memory database with SCHEMA and no rows, as bytes: copying it is quicker than
    running SCHEMA again, for the store of every app."""
    with closing(sqlite3.connect(":memory:")) as db:
        db.executescript(SCHEMA)
        return db.serialize()


def _add_missing_columns(db: sqlite3.Connection) -> None:
    # A database file written before SessionStore.rotate() existed lacks its column.
    columns = {row[1] for row in db.execute("PRAGMA table_info(sessions)")}
    if "rotated" not in columns:
        try:
            db.execute("ALTER TABLE sessions ADD COLUMN rotated INTEGER NOT NULL DEFAULT 0")
        except sqlite3.OperationalError:
            pass  # another process sharing the file added it first
