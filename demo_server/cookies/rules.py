"""What a browser does with a Set-Cookie header, in plain words (RFC 6265bis).

``judge_set_cookie(header)`` reads a header the way RFC 6265bis section 5.6
tells a browser to, applies the storage rules of section 5.7 (size limit,
SameSite=None needs Secure, the ``__Secure-`` and ``__Host-`` prefixes, the
400-day cap) and says whether the cookie would be stored and what to watch
out for. ``requests`` applies none of these rules, so the lessons, the
``/cookies/set`` endpoint and the cookie-builder widget ask this module what
a browser would do.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass, field
from datetime import timezone
from email.utils import parsedate_to_datetime

MAX_NAME_VALUE_BYTES = 4096  # section 5.6: larger cookies are ignored
MAX_ATTRIBUTE_VALUE_BYTES = 1024  # section 5.6: longer attribute values are ignored
MAX_LIFETIME_DAYS = 400  # sections 5.6.1 and 5.6.2: longer lifetimes are cut to this
MAX_LIFETIME_SECONDS = MAX_LIFETIME_DAYS * 24 * 3600
SAMESITE_VALUES = {"strict": "Strict", "lax": "Lax", "none": "None"}

# Control characters other than horizontal tab make a browser ignore the header.
_CONTROL_CHARACTERS = frozenset(chr(code) for code in [*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F])


@dataclass(frozen=True)
class ParsedSetCookie:
    """A Set-Cookie header as a browser reads it (last attribute of a kind wins)."""

    name: str
    value: str
    max_age: int | None = None
    expires: float | None = None  # Unix time
    domain: str | None = None
    path: str | None = None  # None: the browser uses the request's directory
    secure: bool = False
    httponly: bool = False
    samesite: str | None = None  # "Strict", "Lax", "None" or None (not given / not understood)
    ignored: tuple[str, ...] = field(default=())  # attributes a browser would skip, and why


@dataclass(frozen=True)
class Verdict:
    """Would a browser store the cookie, and what should its author know."""

    refused: tuple[str, ...]  # reasons a browser ignores the cookie entirely
    warnings: tuple[str, ...]  # stored, but changed, or weaker than it should be

    @property
    def stored(self) -> bool:
        return not self.refused


def parse_set_cookie(header: str) -> ParsedSetCookie:
    """Split a Set-Cookie header into its name, value and attributes (section 5.6)."""
    pair, _, unparsed_attributes = header.partition(";")
    if "=" in pair:
        name, _, value = pair.partition("=")
    else:
        name, value = "", pair  # a nameless cookie, as browsers read it
    found: dict = {}
    ignored: list[str] = []
    for raw in unparsed_attributes.split(";") if unparsed_attributes else []:
        key, _, attribute_value = raw.partition("=")
        key, attribute_value = key.strip(" \t"), attribute_value.strip(" \t")
        lowered = key.lower()
        if len(attribute_value.encode("utf-8")) > MAX_ATTRIBUTE_VALUE_BYTES:
            ignored.append(f"{key} is longer than {MAX_ATTRIBUTE_VALUE_BYTES} bytes: ignored")
            continue
        if lowered == "max-age":
            digits = attribute_value.removeprefix("-")
            if digits.isascii() and digits.isdigit():
                found["max_age"] = int(attribute_value)
            else:
                ignored.append(f"Max-Age={attribute_value} is not a whole number of seconds: ignored")
        elif lowered == "expires":
            timestamp = _http_date(attribute_value)
            if timestamp is None:
                ignored.append(f"Expires={attribute_value} is not a date browsers understand: ignored")
            else:
                found["expires"] = timestamp
        elif lowered == "domain":
            if attribute_value:
                found["domain"] = attribute_value.removeprefix(".").lower()
            else:
                ignored.append("an empty Domain is ignored")
        elif lowered == "path":
            if attribute_value.startswith("/"):
                found["path"] = attribute_value
            else:
                found.pop("path", None)
                ignored.append(
                    f"Path={attribute_value} does not start with '/': the browser uses the request's directory instead"
                )
        elif lowered in ("secure", "httponly"):
            found[lowered] = True
        elif lowered == "samesite":
            found["samesite"] = SAMESITE_VALUES.get(attribute_value.lower())
            if found["samesite"] is None:
                ignored.append(f"SameSite={attribute_value} is not Strict, Lax or None: treated as not set")
        elif key:
            ignored.append(f"{key} is not a cookie attribute browsers know: ignored")
    return ParsedSetCookie(name=name.strip(" \t"), value=value.strip(" \t"), ignored=tuple(ignored), **found)


def judge_set_cookie(header: str, *, now: float | None = None, request_host: str | None = None) -> Verdict:
    """Whether a browser would store this cookie, and plain-language warnings.

    ``now`` (Unix time) is the browser's clock, used to read Expires; the
    real time unless given (the demo server passes its own clock).
    ``request_host`` is the host that sent the header, if known: a Domain
    must cover it.
    """
    now = time.time() if now is None else now
    if any(character in _CONTROL_CHARACTERS for character in header):
        return Verdict(refused=("the header contains control characters: browsers ignore it",), warnings=())
    cookie = parse_set_cookie(header)
    refused = _refusals(cookie)
    if request_host and cookie.domain is not None and not domain_matches(request_host.lower(), cookie.domain):
        refused.append(
            f"Domain={cookie.domain} does not cover {request_host}, the host that set it: "
            "a site may set cookies only for itself and its parent domains"
        )
    return Verdict(refused=tuple(refused), warnings=(*cookie.ignored, *_warnings(cookie, now)))


def domain_matches(host: str, domain: str) -> bool:
    """RFC 6265bis, section 5.1.3: the host is the domain, or a name inside it (never an IP address)."""
    if host == domain:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host.endswith("." + domain)
    return False


def _refusals(cookie: ParsedSetCookie) -> list[str]:
    reasons = []
    size = len(cookie.name.encode("utf-8")) + len(cookie.value.encode("utf-8"))
    if not cookie.name and not cookie.value:
        reasons.append("the cookie has neither a name nor a value")
    if size > MAX_NAME_VALUE_BYTES:
        reasons.append(f"name and value are {size} bytes; browsers drop cookies over {MAX_NAME_VALUE_BYTES} bytes")
    if cookie.samesite == "None" and not cookie.secure:
        reasons.append("SameSite=None without Secure: browsers refuse it (add Secure, or use Lax)")
    # Browsers compare the prefixes case-insensitively (RFC 6265bis, section 4.1.3).
    name = cookie.name.lower()
    if not name and cookie.value.lower().startswith(("__secure-", "__host-")):
        reasons.append("a nameless cookie whose value starts like a __Secure-/__Host- name is refused")
    if name.startswith("__secure-") and not cookie.secure:
        reasons.append("a __Secure- cookie must have the Secure attribute")
    if name.startswith("__host-"):
        if not cookie.secure:
            reasons.append("a __Host- cookie must have the Secure attribute")
        if cookie.domain is not None:
            reasons.append("a __Host- cookie must not have a Domain attribute (it belongs to one host only)")
        if cookie.path != "/":
            reasons.append("a __Host- cookie must have Path=/")
    return reasons


def _warnings(cookie: ParsedSetCookie, now: float) -> list[str]:
    notes = []
    if cookie.max_age is not None:
        lifetime = cookie.max_age
    elif cookie.expires is not None:
        lifetime = cookie.expires - now
        notes.append(
            "Expires alone is read with the browser's own clock, which may be wrong; "
            "Max-Age counts seconds from arrival and does not depend on it"
        )
    else:
        lifetime = None
        notes.append(
            "no Max-Age or Expires: a session cookie, kept until the browser closes "
            "(or longer, if it restores sessions)"
        )
    if lifetime is not None and lifetime <= 0:
        notes.append("the lifetime is over already: the browser deletes any cookie with this name, domain and path")
    elif lifetime is not None and lifetime > MAX_LIFETIME_SECONDS:
        days = lifetime / 86400
        notes.append(f"a lifetime of {days:.0f} days is cut to {MAX_LIFETIME_DAYS} days by browsers")
    if not cookie.httponly:
        notes.append("no HttpOnly: JavaScript on the page can read it (document.cookie), so can injected script")
    if not cookie.secure:
        notes.append("no Secure: it is also sent over plain http, where anyone on the network can read it")
    if cookie.samesite is None:
        notes.append(
            "no SameSite: Chrome and Edge treat it as Lax (yet send it on cross-site top-level POSTs "
            "for its first 2 minutes), Firefox and Safari as None; say Lax or Strict"
        )
    if cookie.path is None:
        notes.append("no Path: it applies to the directory of the URL that set it; say Path=/ for the whole site")
    if cookie.domain is not None:
        notes.append(
            f"Domain={cookie.domain}: also sent to every subdomain of {cookie.domain}; "
            "leave Domain out to keep it to one host"
        )
    return notes


def _http_date(text: str) -> float | None:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


# RFC 6265bis, section 4.1.3: the examples of the cookie prefixes, and whether a browser stores each
# cookie (set from a secure origin). Exercise 01.4's check and the tests use this one list.
RFC_PREFIX_EXAMPLES = [
    ("__Secure-SID=12345; Domain=site.example", False),
    ("__Secure-SID=12345; Secure; Domain=site.example", True),
    ("__Host-SID=12345", False),
    ("__Host-SID=12345; Secure", False),
    ("__Host-SID=12345; Domain=site.example", False),
    ("__Host-SID=12345; Domain=site.example; Path=/", False),
    ("__Host-SID=12345; Secure; Domain=site.example; Path=/", False),
    ("__Host-SID=12345; Secure; Path=/", True),
]
