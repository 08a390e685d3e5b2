"""Reading Set-Cookie headers as a client would, for the attacks (the test client hides attributes)."""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass
from urllib.parse import unquote


@dataclass(frozen=True)
class SetCookie:
    name: str
    value: str
    attributes: frozenset[str]  # lower-cased attribute names: {"secure", "httponly", "path", ...}


def set_cookies(response) -> list[SetCookie]:
    found = []
    for header in response.headers.getlist("Set-Cookie"):
        pair, _, rest = header.partition(";")
        name, _, value = pair.partition("=")
        attributes = frozenset(part.split("=")[0].strip().lower() for part in rest.split(";") if part.strip())
        found.append(SetCookie(name.strip(), value.strip(), attributes))
    return found


def cookie_header(cookies: list[SetCookie]) -> dict:
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in cookies if c.value)}


def readings(value: str) -> list[str]:
    """Every way an attacker would try to read a token: as it is, percent-decoded, and each
    dot-separated part base64-decoded (zlib-inflated too, as Flask compresses its cookie)."""
    texts = [value, unquote(value)]
    for part in [value, *value.split(".")]:
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                raw = decode(part + "=" * (-len(part) % 4))
            except (binascii.Error, ValueError):
                continue
            for data in (raw, _inflated(raw)):
                if data:
                    texts.append(data.decode("latin-1"))
    return texts


def _inflated(data: bytes) -> bytes:
    try:
        return zlib.decompress(data)
    except zlib.error:
        return b""


def strings_in(body: bytes) -> list[str]:
    """Every string value in a JSON body (tokens, URLs), or [] if it is not JSON."""
    try:
        data = json.loads(body)
    except ValueError:
        return []
    found = []

    def walk(thing):
        if isinstance(thing, str):
            found.append(thing)
        elif isinstance(thing, dict):
            for item in thing.values():
                walk(item)
        elif isinstance(thing, list):
            for item in thing:
                walk(item)

    walk(data)
    return found


def query_values(text: str) -> list[str]:
    return re.findall(r"[?&;][A-Za-z_]+=([A-Za-z0-9_.~-]+)", text)
