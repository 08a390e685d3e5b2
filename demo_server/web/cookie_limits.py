"""Refuse cookies larger than browsers would ever send (RFC 6265bis, section 5.7).

Browsers keep a cookie only if its name plus value fit in 4096 bytes, so a
bigger one on the wire is an attack or a bug: answer 431 with a reason.
"""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import RequestHeaderFieldsTooLarge

MAX_COOKIE_BYTES = 4096
MAX_COOKIE_HEADER_BYTES = 8192


def reject_oversized_cookies() -> None:
    header = request.headers.get("Cookie", "")
    size = len(header.encode("latin-1", "replace"))
    if size > MAX_COOKIE_HEADER_BYTES:
        raise RequestHeaderFieldsTooLarge(
            f"the Cookie header is {size} bytes; this server accepts at most {MAX_COOKIE_HEADER_BYTES}"
        )
    for pair in header.split(";"):
        name, _, value = pair.strip().partition("=")
        pair_size = len(name.encode("latin-1", "replace")) + len(value.encode("latin-1", "replace"))
        if pair_size > MAX_COOKIE_BYTES:
            raise RequestHeaderFieldsTooLarge(
                f"cookie '{name[:40]}' is {pair_size} bytes; browsers keep at most "
                f"{MAX_COOKIE_BYTES} bytes of name and value (RFC 6265bis)"
            )
