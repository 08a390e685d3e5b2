"""The demo users, and how the server checks their passwords.

``DEMO_USERS`` is the one place lessons and tests read usernames and
passwords from. FOR TEACHING ONLY: real passwords are never written down.

The server never keeps these passwords as they are: each app hashes them
(scrypt, with a random salt) the first time someone logs in, and compares
hashes from then on. A password change lives in that app only, so every
fresh demo server starts with the passwords below.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Mapping

from flask import Flask
from werkzeug.security import check_password_hash, generate_password_hash

from demo_server import context

DEMO_USERS: Mapping[str, str] = {
    "alice": "correct-horse-battery",
    "bob": "hunter2-but-longer",
    "admin": "admin-password-2026",
}

# scrypt with N=2**14, r=8, p=1: 16 MiB and tens of milliseconds per check, half
# of werkzeug's default (N=2**15), so a notebook full of logins stays snappy.
# Production keeps the library default or stronger; tests set a cheaper cost
# through the PASSWORD_HASH_METHOD config key.
DEFAULT_PASSWORD_HASH_METHOD = "scrypt:16384:8:1"
MIN_PASSWORD_LENGTH = 8


class UserDirectory:
    """Usernames and password hashes for one app."""

    def __init__(self, users: Mapping[str, str], hash_method: str = DEFAULT_PASSWORD_HASH_METHOD) -> None:
        self._plain = dict(users)  # hashed on first use, then forgotten
        self._hash_method = hash_method
        self._hashes: dict[str, str] = {}
        self._decoy = ""
        self._lock = threading.Lock()

    def verify(self, username: str, password: str) -> bool:
        """True if the password is right. Unknown users cost the same time as known
        ones (a decoy hash is checked), so timing does not reveal who has an account."""
        hashes = self._ready()
        with self._lock:
            stored = hashes.get(username)
        if stored is None:
            check_password_hash(self._decoy, password)
            return False
        return check_password_hash(stored, password)

    def set_password(self, username: str, new_password: str) -> None:
        hashed = self._hash(new_password)
        hashes = self._ready()
        with self._lock:
            if username not in hashes:
                raise KeyError(username)
            hashes[username] = hashed

    def password_hash(self, username: str) -> str:
        """The stored hash (method$salt$hash), for lessons to look at."""
        return self._ready()[username]

    def _ready(self) -> dict[str, str]:
        with self._lock:
            if self._plain:
                # All at once (never one user at a time: an account nobody had logged in to yet would
                # answer slower, and so give away that it exists), each in a thread of its own:
                # scrypt lets go of the GIL, so on two cores the first login waits about half as long.
                names = list(self._plain)
                passwords = [*self._plain.values(), "decoy for unknown users"]
                with ThreadPoolExecutor(max_workers=len(passwords), thread_name_prefix="password-hash") as pool:
                    *hashed, self._decoy = pool.map(self._hash, passwords)
                self._hashes.update(zip(names, hashed, strict=True))
                self._plain.clear()
            return self._hashes

    def _hash(self, password: str) -> str:
        return generate_password_hash(password, method=self._hash_method)


def init_app(app: Flask) -> None:
    """Give the app its user directory (``context.users()``); PASSWORD_HASH_METHOD picks the hash."""
    app.config.setdefault("PASSWORD_HASH_METHOD", DEFAULT_PASSWORD_HASH_METHOD)
    app.extensions[context.USERS] = UserDirectory(DEMO_USERS, app.config["PASSWORD_HASH_METHOD"])
