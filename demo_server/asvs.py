"""The OWASP ASVS 5.0.0 requirements this course cites, each with a short title in our words.

Cite them in their versioned form, ``v5.0.0-7.2.4`` (chapter.section.requirement),
in labels (``@insecure(asvs=...)``), lesson text, checks and hidden tests.
``tests/test_asvs_citations.py`` fails on any cited id that is not listed here and
on any unversioned id. Look ids up in the standard itself (the ASVS 5.0.0 CSV),
never from memory; add an entry here in id order when you cite a new one.
"""

from __future__ import annotations

import re

VERSION = "5.0.0"
CITATION = re.compile(r"\bv5\.0\.0-(\d+)\.(\d+)\.(\d+)\b")

CITED: dict[str, str] = {
    "v5.0.0-7.2.1": "session tokens are verified by a trusted backend service",
    "v5.0.0-7.2.4": "a new session token at every authentication, and the old one ended",
    "v5.0.0-7.4.1": "a terminated session stays terminated; self-contained tokens need a list of revoked ones",
    "v5.0.0-9.1.2": "only allow-listed algorithms create and verify self-contained tokens",
    "v5.0.0-9.1.3": "keys that verify self-contained tokens come from trusted, pre-configured sources",
    "v5.0.0-10.4.5": "a reused refresh token revokes every refresh token of that authorization",
    "v5.0.0-11.5.1": "non-guessable values come from a cryptographically secure random generator",
    "v5.0.0-13.3.4": "secrets expire and are rotated as documented",
    "v5.0.0-15.4.1": "shared state in concurrent code is changed safely (no lost updates)",
    "v5.0.0-15.4.2": "a check on a resource's state and the action that depends on it are one atomic operation",
}


def title(citation: str) -> str:
    """The short title of a cited requirement; KeyError names the id if it is not listed."""
    try:
        return CITED[citation]
    except KeyError:
        raise KeyError(f"{citation!r} is not a cited ASVS {VERSION} id: add it to demo_server/asvs.py") from None


def key(citation: str) -> tuple[int, int, int]:
    """Sort order of an id: v5.0.0-7.10.1 comes after v5.0.0-7.2.1."""
    match = CITATION.fullmatch(citation)
    if match is None:
        raise ValueError(f"an ASVS citation looks like 'v5.0.0-7.2.4', not {citation!r}")
    return tuple(int(part) for part in match.groups())
