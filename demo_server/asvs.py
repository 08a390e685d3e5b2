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
    "v5.0.0-3.3.1": "cookies are Secure, and named with the __Host- or __Secure- prefix",
    "v5.0.0-3.3.2": "each cookie's SameSite value fits its purpose (limits CSRF)",
    "v5.0.0-3.3.3": "cookies carry the __Host- prefix unless they must be shared with other hosts",
    "v5.0.0-3.3.4": "session cookies are HttpOnly and reach the client only through Set-Cookie",
    "v5.0.0-3.4.1": "every response sends HSTS for at least a year (with subdomains from L2)",
    "v5.0.0-3.4.5": "a referrer policy keeps sensitive URL data from reaching third parties",
    "v5.0.0-3.5.1": "without CORS preflight protection, state changes are checked to come from the app itself",
    "v5.0.0-4.1.2": "only pages for browsers redirect from http to https; APIs do not quietly redirect",
    "v5.0.0-4.1.3": "headers an intermediary sets (X-Forwarded-For...) cannot be overridden by the user",
    "v5.0.0-6.1.1": "documented rate limiting against brute force that does not allow malicious lockout",
    "v5.0.0-6.3.1": "controls against credential stuffing and password brute force are in place",
    "v5.0.0-6.3.8": "failed logins do not reveal whether a user exists (message, status or timing)",
    "v5.0.0-7.2.1": "session tokens are verified by a trusted backend service",
    "v5.0.0-7.2.3": "reference session tokens are unique, from a CSPRNG, with at least 128 bits of entropy",
    "v5.0.0-7.2.4": "a new session token at every authentication, and the old one ended",
    "v5.0.0-7.3.1": "an inactivity timeout forces re-authentication",
    "v5.0.0-7.3.2": "an absolute maximum session lifetime forces re-authentication",
    "v5.0.0-7.4.1": "a terminated session (logout, expiry) cannot be used again, self-contained tokens included",
    "v5.0.0-7.4.3": "other sessions can be ended after a password or other factor changes",
    "v5.0.0-8.3.1": "authorization is enforced on the server, never by what the client controls",
    "v5.0.0-9.1.2": "only allow-listed algorithms create and verify self-contained tokens",
    "v5.0.0-9.1.3": "token verification keys come only from trusted, pre-configured sources (not jku, jwk, x5u)",
    "v5.0.0-11.5.1": "non-guessable values come from a cryptographically secure random generator",
    "v5.0.0-12.2.1": "TLS for all client connections, with no fallback to plain text",
    "v5.0.0-14.2.1": "sensitive data such as session tokens never goes in URLs or query strings",
    "v5.0.0-14.2.2": "sensitive data is not cached in server components (load balancers, caches)",
    "v5.0.0-14.3.2": "anti-caching headers (Cache-Control: no-store) keep sensitive data out of browser caches",
    "v5.0.0-14.3.3": "browser storage, cookies included, holds no sensitive data but session tokens",
    "v5.0.0-15.4.1": "shared state in concurrent code is changed safely (no lost updates)",
    "v5.0.0-16.2.5": "sensitive data (credentials, session tokens) is logged only as its protection level allows",
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
