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
    "v5.0.0-3.3.2": "each cookie's SameSite value fits what the cookie is for",
    "v5.0.0-3.3.3": "cookies carry the __Host- prefix unless they must be shared with other hosts",
    "v5.0.0-3.3.4": "cookies scripts need not read (session tokens) are HttpOnly and set only by Set-Cookie",
    "v5.0.0-3.3.5": "a cookie's name and value together stay within 4096 bytes",
    "v5.0.0-3.4.1": "every response sends HSTS for at least a year (with subdomains from L2)",
    "v5.0.0-3.4.3": "a Content-Security-Policy limits what the page may load and run (object-src and base-uri 'none')",
    "v5.0.0-3.4.5": "a referrer policy keeps sensitive URL data from reaching third parties",
    "v5.0.0-3.5.1": "cross-site requests to sensitive functions are refused (anti-forgery tokens or a custom header)",
    "v5.0.0-3.5.3": "sensitive functions use POST, PUT, PATCH or DELETE, never GET (or check Sec-Fetch-*)",
    "v5.0.0-3.5.4": "separate applications live on separate host names (same-origin policy, cookie scoping)",
    "v5.0.0-4.1.2": "only pages for browsers redirect from http to https; APIs do not quietly redirect",
    "v5.0.0-4.1.3": "headers an intermediary sets (X-Forwarded-For...) cannot be overridden by the user",
    "v5.0.0-6.1.1": "documented rate limiting against brute force that does not allow malicious lockout",
    "v5.0.0-6.3.1": "controls against credential stuffing and password brute force are in place",
    "v5.0.0-6.3.8": "failed logins do not reveal whether a user exists (message, status or timing)",
    "v5.0.0-7.1.1": "the idle timeout and absolute session lifetime are documented and justified",
    "v5.0.0-7.2.1": "session tokens are verified by a trusted backend service",
    "v5.0.0-7.2.2": "session tokens are generated per session, not static secrets or keys",
    "v5.0.0-7.2.3": "reference session tokens are unique, from a CSPRNG, with at least 128 bits of entropy",
    "v5.0.0-7.2.4": "a new session token at every authentication, and the old one ended",
    "v5.0.0-7.3.1": "an inactivity timeout forces re-authentication",
    "v5.0.0-7.3.2": "an absolute maximum session lifetime forces re-authentication",
    "v5.0.0-7.4.1": "a terminated session (logout, expiry) cannot be used again, self-contained tokens included",
    "v5.0.0-7.4.3": "after a password or other factor change, the other sessions can be ended",
    "v5.0.0-7.5.2": "users can see their active sessions and end any of them, after authenticating again",
    "v5.0.0-8.3.1": "authorization is enforced on the server, never by what the client controls",
    "v5.0.0-9.1.1": "a self-contained token's signature or MAC is checked before its contents are used",
    "v5.0.0-9.1.2": "only allow-listed algorithms create and verify self-contained tokens",
    "v5.0.0-9.1.3": "token verification keys come from the issuer's pre-configured, trusted sources",
    "v5.0.0-9.2.1": "a token is accepted only within its validity time span (nbf, exp)",
    "v5.0.0-9.2.2": "a service checks that a token is of the right type for the purpose",
    "v5.0.0-9.2.3": "a service accepts only tokens meant for it (the audience)",
    "v5.0.0-10.4.5": "refresh token replay is stopped: rotation, and the whole grant revoked on reuse",
    "v5.0.0-10.4.8": "refresh tokens have an absolute expiry, even with sliding expiry",
    "v5.0.0-11.3.3": "encrypted data is protected against changes (authenticated encryption or a MAC)",
    "v5.0.0-11.4.2": "passwords are stored with a computationally expensive password-hashing function",
    "v5.0.0-11.5.1": "non-guessable values come from a CSPRNG, with at least 128 bits of entropy",
    "v5.0.0-12.2.1": "TLS for all client connections, with no fallback to plain text",
    "v5.0.0-13.3.1": "secrets live in a secrets manager, never in source code or build artifacts",
    "v5.0.0-13.3.4": "secrets expire and are rotated on a documented schedule",
    "v5.0.0-14.2.1": "sensitive data such as session tokens never goes in URLs or query strings",
    "v5.0.0-14.2.2": "sensitive data is not cached in server components (load balancers, caches)",
    "v5.0.0-14.3.2": "anti-caching headers (Cache-Control: no-store) keep sensitive data out of browser caches",
    "v5.0.0-14.3.3": "browser storage, cookies included, holds no sensitive data but session tokens",
    "v5.0.0-15.4.1": "shared state in concurrent code is changed safely (no lost updates)",
    "v5.0.0-15.4.2": "a check on a resource's state and the action that depends on it are one atomic operation",
    "v5.0.0-16.2.5": "sensitive data (credentials, session tokens) is logged only as its protection level allows",
}


def title(citation: str) -> str:
    """The short title of a cited requirement; KeyError names the id if it is not listed."""
    try:
        return CITED[citation]
    except KeyError:
        raise KeyError(f"{citation!r} is not a cited ASVS {VERSION} id: add it to demo_server/asvs.py") from None


def key(citation: str) -> tuple[int, int, int]:
    """Sort order of an id, numeric part by part (section 7.10 comes after section 7.2)."""
    match = CITATION.fullmatch(citation)
    if match is None:
        raise ValueError(f"an ASVS citation looks like 'v5.0.0-7.2.4', not {citation!r}")
    return tuple(int(part) for part in match.groups())
