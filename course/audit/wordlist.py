"""The secrets an attacker tries first: lesson 02's word list and lesson 04's well-known JWT secrets."""

from __future__ import annotations

from functools import lru_cache

from course.layout import COURSE_ROOT
from course.lessons.jwt_inspector import WELL_KNOWN_SECRETS

WORD_LIST = COURSE_ROOT / "notebooks" / "data" / "weak-secrets.txt"


@lru_cache(maxsize=1)
def weak_secrets() -> tuple[str, ...]:
    """Every candidate key, each once, in the list's order (comment lines left out)."""
    lines = WORD_LIST.read_text(encoding="utf-8").splitlines() if WORD_LIST.is_file() else []
    words = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return tuple(dict.fromkeys([*words, *WELL_KNOWN_SECRETS]))
