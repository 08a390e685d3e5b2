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
    "v5.0.0-1.2.1": "output is encoded for its context (HTML, attributes, headers), so data cannot become markup",
    "v5.0.0-3.3.1": "cookies are Secure, and named with the __Host- or else the __Secure- prefix",
    "v5.0.0-3.3.2": "each cookie's SameSite is set according to its purpose, against CSRF",
    "v5.0.0-3.3.3": "cookies use the __Host- prefix unless they must be shared with other hosts",
    "v5.0.0-3.3.4": "cookies scripts need not read (session tokens) are HttpOnly and sent only by Set-Cookie",
    "v5.0.0-3.4.3": "a Content-Security-Policy limits what the page may load and run (object-src and base-uri 'none')",
    "v5.0.0-3.5.1": "requests to sensitive functions are checked to come from the application (anti-CSRF)",
    "v5.0.0-3.5.3": "sensitive functions use POST, PUT, PATCH or DELETE, never GET (or check Sec-Fetch-*)",
    "v5.0.0-3.5.4": "separate applications live on separate host names (same-origin policy, cookie scoping)",
    "v5.0.0-7.2.1": "session tokens are verified by a trusted backend service",
    "v5.0.0-7.2.4": "a new session token at every authentication, and the old one ended",
    "v5.0.0-9.1.2": "only allow-listed algorithms create and verify self-contained tokens",
    "v5.0.0-11.5.1": "non-guessable values come from a cryptographically secure random generator",
    "v5.0.0-14.3.3": "browser storage (localStorage, cookies) holds no sensitive data except session tokens",
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
