"""The OWASP ASVS 5.0.0 requirements this course cites, each with a short title in our words.

Cite them in their versioned form, ``v5.0.0-7.2.4`` (chapter.section.requirement),
in the labels of vulnerable routes (``asvs=`` in demo_server.vulnerable.labels), lesson text, checks and hidden tests.
``tests/test_asvs_citations.py`` fails on any cited id that is not listed here and
on any unversioned id. Look ids up in the standard itself (the ASVS 5.0.0 CSV),
never from memory; add an entry here in id order when you cite a new one.
"""

from __future__ import annotations

import re

VERSION = "5.0.0"
CITATION = re.compile(r"\bv5\.0\.0-(\d+)\.(\d+)\.(\d+)\b")

CITED: dict[str, str] = {
    "v5.0.0-3.3.1": "cookies are Secure, and named with the __Host- or __Secure- prefix",
    "v5.0.0-3.3.2": "each cookie's SameSite fits its purpose (limits cross-site request forgery)",
    "v5.0.0-3.3.3": "cookies use the __Host- prefix unless they are meant to be shared with other hosts",
    "v5.0.0-3.3.4": "cookies that scripts need not read (session tokens) are HttpOnly",
    "v5.0.0-3.3.5": "a cookie's name and value together stay within 4096 bytes",
    "v5.0.0-3.5.1": "cross-site requests to sensitive functions are refused (anti-forgery tokens or origin checks)",
    "v5.0.0-6.3.8": "failed logins do not reveal which user names exist",
    "v5.0.0-7.2.1": "session tokens are verified by a trusted backend service",
    "v5.0.0-7.2.3": "reference session tokens are unique, from a CSPRNG, with at least 128 bits of entropy",
    "v5.0.0-7.2.4": "a new session token at every authentication, and the old one ended",
    "v5.0.0-7.3.2": "an absolute maximum session lifetime, after which the user logs in again",
    "v5.0.0-7.4.1": "after logout or expiry the session cannot be used any more",
    "v5.0.0-9.1.1": "self-contained tokens are accepted only after their signature or MAC is verified",
    "v5.0.0-9.1.2": "only allow-listed algorithms create and verify self-contained tokens",
    "v5.0.0-9.1.3": "keys that verify tokens come from trusted, pre-configured sources, not from the token",
    "v5.0.0-11.5.1": "non-guessable values come from a cryptographically secure random generator",
    "v5.0.0-14.2.2": "sensitive data is not cached by server components (proxies, load balancers)",
    "v5.0.0-14.3.2": "sensitive responses tell browsers not to cache them (Cache-Control: no-store)",
    "v5.0.0-14.3.3": "browser storage, cookies included, holds no sensitive data beyond session tokens",
    "v5.0.0-15.4.1": "shared state in concurrent code is changed safely (no lost updates)",
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
