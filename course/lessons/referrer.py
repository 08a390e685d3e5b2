"""Which ``Referer`` a browser sends, by the W3C Referrer Policy rules.

    referrer_for("http://127.0.0.1:5000/account?sid=abc", "http://127.0.0.1:6000/pixel.gif",
                 policy="no-referrer-when-downgrade")       # the whole URL, sid and all
    follow_link(client, page_response, "http://127.0.0.1:6000/")   # requests, sending that Referer

``requests`` never sends a Referer by itself; a browser does, on every link,
image, script and form, with as much of the page's URL as the page's
``Referrer-Policy`` allows (section 8.3 of the specification, "Determine
request's Referrer"). This module computes the same answer, so a notebook can
show what the third party receives. Lesson 06 watches a real browser do it.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

import requests

# What current browsers use when a page sets no (valid) policy (Chrome and Firefox since 2020-21).
DEFAULT_POLICY = "strict-origin-when-cross-origin"
POLICIES = (
    "no-referrer",
    "no-referrer-when-downgrade",
    "same-origin",
    "origin",
    "strict-origin",
    "origin-when-cross-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
)
MAX_REFERRER_LENGTH = 4096  # longer referrers are cut to the origin


def policy_from_header(header: str | None) -> str:
    """The policy a Referrer-Policy header sets: the last token browsers know, else the default."""
    known = [token.strip().lower() for token in (header or "").split(",") if token.strip().lower() in POLICIES]
    return known[-1] if known else DEFAULT_POLICY


def referrer_for(document_url: str, request_url: str, policy: str = DEFAULT_POLICY) -> str | None:
    """The Referer a browser sends from ``document_url`` to ``request_url`` under ``policy`` (None: none)."""
    if policy not in POLICIES:
        raise ValueError(f"unknown referrer policy {policy!r}; one of: {', '.join(POLICIES)}")
    full = _stripped(document_url)
    origin = _stripped(document_url, origin_only=True)
    if len(full) > MAX_REFERRER_LENGTH:
        full = origin
    same_origin = _origin(document_url) == _origin(request_url)
    downgrade = _trustworthy(document_url) and not _trustworthy(request_url)
    if policy == "no-referrer":
        return None
    if policy == "unsafe-url":
        return full
    if policy == "origin":
        return origin
    if policy == "no-referrer-when-downgrade":
        return None if downgrade else full
    if policy == "same-origin":
        return full if same_origin else None
    if policy == "origin-when-cross-origin":
        return full if same_origin else origin
    if policy == "strict-origin":
        return None if downgrade else origin
    # strict-origin-when-cross-origin
    if same_origin:
        return full
    return None if downgrade else origin


def follow_link(client: requests.Session, page: requests.Response, target_url: str) -> requests.Response:
    """GET ``target_url`` as a browser would from ``page``: with the Referer its policy allows."""
    referer = referrer_for(page.url, target_url, policy_from_header(page.headers.get("Referrer-Policy")))
    return client.get(target_url, headers={"Referer": referer} if referer else {})


def _stripped(url: str, origin_only: bool = False) -> str:
    """Section 8.4: no user name or password, no fragment; for origin only, no path or query either."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc += f":{parts.port}"
    if origin_only:
        return urlunsplit((parts.scheme, netloc, "/", "", ""))
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default_port


def _trustworthy(url: str) -> bool:
    """Secure Contexts, "potentially trustworthy": https, or loopback even over http."""
    parts = urlsplit(url)
    if parts.scheme in ("https", "wss", "file"):
        return True
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
