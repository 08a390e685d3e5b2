"""Where the course teaches each fix: a lesson and a step, named as the notebook names them.

``tests/test_audit_lessons.py`` opens each notebook and checks that the step exists with this
title, so a renumbered lesson cannot leave the audit pointing at the wrong place.
"""

from __future__ import annotations

from dataclasses import dataclass

NOTEBOOKS = {
    "01": "01-cookies.ipynb",
    "02": "02-signed-and-encrypted-cookies.ipynb",
    "03": "03-server-sessions.ipynb",
    "04": "04-jwt.ipynb",
    "05": "05-common-mistakes.ipynb",
    "06": "06-in-a-real-browser.ipynb",
    "08": "08-from-nextjs-to-flask.ipynb",
}
TOPICS = {"05": "common mistakes", "06": "in a real browser"}


@dataclass(frozen=True)
class LessonStep:
    lesson: str  # "01"
    step: int | None  # None: the lesson as a whole (it is still being written)
    title: str = ""  # the step's heading after "## Step N — ", exactly as in the notebook

    @property
    def notebook(self) -> str:
        return f"notebooks/{NOTEBOOKS[self.lesson]}"

    def __str__(self) -> str:
        if self.step is None:
            topic = TOPICS.get(self.lesson)
            return f"lesson {self.lesson}" + (f" ({topic})" if topic else "")
        return f"lesson {self.lesson}, step {self.step} ({self.title.replace('`', '')})"

    def as_dict(self) -> dict:
        return {"lesson": self.lesson, "step": self.step, "title": self.title, "notebook": self.notebook}


COOKIE_LIFETIME = LessonStep("01", 3, "Lifetime: `Max-Age`, `Expires`, and whose clock")
COOKIE_DOMAIN = LessonStep("01", 5, "`Domain`: which hosts get the cookie")
COOKIE_SECURE = LessonStep("01", 6, "`Secure`: HTTPS only")
COOKIE_HTTPONLY = LessonStep("01", 7, "`HttpOnly`: hidden from page scripts")
COOKIE_SAMESITE = LessonStep("01", 8, "`SameSite`: requests that start on another site")
COOKIE_PREFIXES = LessonStep("01", 9, "The `__Secure-` and `__Host-` prefixes")
COOKIE_SIZE = LessonStep("01", 10, "Size: 4096 bytes")
COOKIE_400_DAYS = LessonStep("01", 11, "The 400-day cap")
ARTICLE_FORGED = LessonStep("01", 13, "Forged in one line")
ARTICLE_FIX = LessonStep("01", 14, "The fix")

FLASK_COOKIE_DECODED = LessonStep("02", 2, "Flask's session cookie, decoded")
WEAK_SECRET_KEY = LessonStep("02", 4, "A weak `SECRET_KEY`, cracked from a word list")
RANDOM_KEY = LessonStep("02", 5, "The fix: a random key, and rotating it")
CLIENT_SIDE_LOGOUT = LessonStep("02", 7, "What it still cannot do: logout")

OPAQUE_IDS = LessonStep("03", 1, "An opaque ID and a server-side store")
RANDOM_ENOUGH = LessonStep("03", 2, "How random is random enough?")
FIXATION = LessonStep("03", 4, "Session fixation: the attacker picks your ID")
SERVER_EXPIRY = LessonStep("03", 5, "Expiry on the server's clock")
SERVER_LOGOUT = LessonStep("03", 6, "Logout that really ends it")
LOST_UPDATES = LessonStep("03", 8, "The article's shopping cart, and lost updates")

JWT_HS256 = LessonStep("04", 2, "HS256 by hand, checked against PyJWT")
JWT_CLAIMS = LessonStep("04", 3, "Claims: time, issuer and audience")
JWT_ALLOW_LIST = LessonStep("04", 4, "The algorithm allow-list: `alg: none` and algorithm confusion")
JWT_KEYS = LessonStep("04", 5, "Public keys: EdDSA, JWKS and `kid`, and rotating keys")
JWT_LOGOUT = LessonStep("04", 7, "Logout, a deny-list, and why revocation costs a lookup again")

PASSWORD_IN_COOKIE = LessonStep("05", 1, "Station 1: a password in a cookie")
PREDICTABLE_IDS = LessonStep("05", 5, "Station 5: predictable session IDs")
USER_ENUMERATION = LessonStep("05", 8, "Station 8: a login that says who has an account")
SHARED_CACHE = LessonStep("05", 10, "Station 10: a logged-in page in a shared cache")
HEADER_KEYS = LessonStep("05", 11, "Station 11: the token chooses its own key")
PAYLOAD_SECRETS = LessonStep("05", 12, "Station 12: secrets in a token's payload")

# Lesson 06 is being written; its steps are named once they exist.
IN_A_REAL_BROWSER = LessonStep("06", None)
