"""Build a Set-Cookie header from choices, and say what a browser will do with it.

    built = build_set_cookie("__Host-sid", "abc123", max_age=3600, path="/",
                             secure=True, httponly=True, samesite="Lax")
    built.header    # '__Host-sid=abc123; Max-Age=3600; Path=/; Secure; HttpOnly; SameSite=Lax'
    built.stored    # True: a browser keeps it
    built.refused   # why a browser would ignore it (empty here)
    built.warnings  # plain-language advice (empty here)

Characters that would change the header's meaning (a ';' in a value, a line
break, a space in a name) raise ValueError instead of producing a header: a
builder that passed them through would let a value inject attributes.
Everything that is valid syntax is built, and ``cookie_rules`` judges it.
Used by the demo server's ``/cookies/set`` and lesson 01's widget.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime

from demo_server.cookies.rules import SAMESITE_VALUES, Verdict, judge_set_cookie

# RFC 9110 token characters: what a cookie name may contain (RFC 6265bis, section 4.1.1).
_NAME_CHARACTERS = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")
# cookie-octet: printable ASCII except space, '"', ',', ';' and '\'.
_VALUE_CHARACTERS = frozenset(chr(code) for code in range(0x21, 0x7F)) - set('",;\\')
_DOMAIN_CHARACTERS = frozenset(string.ascii_letters + string.digits + ".-")


@dataclass(frozen=True)
class BuiltCookie:
    header: str  # the value of the Set-Cookie header
    verdict: Verdict

    @property
    def stored(self) -> bool:
        return self.verdict.stored

    @property
    def refused(self) -> tuple[str, ...]:
        return self.verdict.refused

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.verdict.warnings


def build_set_cookie(
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    expires: datetime | float | None = None,
    path: str | None = None,
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    samesite: str | None = None,
    now: float | None = None,
    request_host: str | None = None,
) -> BuiltCookie:
    """A Set-Cookie header with these attributes, and a browser's verdict on it.

    ``expires`` is a timezone-aware datetime or a Unix time; ``now`` is the
    clock a browser would read Expires with (real time unless given);
    ``request_host``, if given, is the host sending it (a Domain must cover it).
    """
    _check_name(name)
    _check_value(value)
    parts = [f"{name}={value}"]
    if max_age is not None:
        if isinstance(max_age, bool) or not isinstance(max_age, int):
            raise ValueError(f"max_age is a whole number of seconds, not {max_age!r}")
        parts.append(f"Max-Age={max_age}")
    if expires is not None:
        parts.append(f"Expires={_http_date(expires)}")
    if domain is not None:
        if not domain or not set(domain) <= _DOMAIN_CHARACTERS:
            raise ValueError(f"a domain is letters, digits, '.' and '-' only, like 'site.example' (got {domain!r})")
        parts.append(f"Domain={domain}")
    if path is not None:
        if not path or any(ch == ";" or not ch.isprintable() or not ch.isascii() for ch in path):
            raise ValueError(f"a path is printable ASCII without ';', like '/account' (got {path!r})")
        parts.append(f"Path={path}")
    if secure:
        parts.append("Secure")
    if httponly:
        parts.append("HttpOnly")
    if samesite is not None:
        if not isinstance(samesite, str) or samesite.lower() not in SAMESITE_VALUES:
            raise ValueError(f"SameSite is 'Strict', 'Lax' or 'None' (or leave it out), not {samesite!r}")
        parts.append(f"SameSite={SAMESITE_VALUES[samesite.lower()]}")
    header = "; ".join(parts)
    return BuiltCookie(header=header, verdict=judge_set_cookie(header, now=now, request_host=request_host))


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not name:
        raise ValueError("a cookie needs a name")
    bad = sorted(set(name) - _NAME_CHARACTERS)
    if bad:
        raise ValueError(f"a cookie name may not contain {_listed(bad)}: use letters, digits and !#$%&'*+-.^_`|~ only")


def _check_value(value: str) -> None:
    if not isinstance(value, str):
        raise ValueError(f"a cookie value is a string, not {type(value).__name__}")
    bad = sorted(set(value) - _VALUE_CHARACTERS)
    if bad:
        raise ValueError(
            f"a cookie value may not contain {_listed(bad)}: no spaces, quotes, ',', ';', '\\' or "
            "non-ASCII; encode the value first (base64url, for instance)"
        )


def _listed(characters: list[str]) -> str:
    return ", ".join(repr(ch) for ch in characters[:5]) + (" ..." if len(characters) > 5 else "")


def _http_date(expires: datetime | float) -> str:
    if isinstance(expires, datetime):
        if expires.tzinfo is None:
            raise ValueError("give expires as a timezone-aware datetime (UTC), or a Unix time")
        moment = expires.astimezone(timezone.utc)
    elif isinstance(expires, (int, float)) and not isinstance(expires, bool):
        try:
            moment = datetime.fromtimestamp(expires, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"expires={expires!r} is not a date a browser can read") from None
    else:
        raise ValueError(f"expires is a datetime or a Unix time, not {expires!r}")
    return format_datetime(moment, usegmt=True)
