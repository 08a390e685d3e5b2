"""What a session cookie's (or token's) value is made of, seen from outside.

A value is either a *reference* (an ID that points to a session the server keeps) or
*self-contained* (the session itself: a user name, JSON, base64 of either, Flask's signed
cookie, a signed value, a JWT). The probes ask this module which one they are looking at,
and rebuild self-contained values with other content to see whether the server notices.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from course.lessons.by_hand.flask_session_cookie import read_payload

JWT_SHAPE = re.compile(r"^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$")
FLASK_SHAPE = re.compile(r"^\.?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{4,8}\.[A-Za-z0-9_-]{20,}$")
SIGNED_SHAPE = re.compile(r"^(?P<value>[^.]+)(?:\.[A-Za-z0-9_-]{4,8})?\.[A-Za-z0-9_-]{20,}$")
BASE64_SHAPE = re.compile(r"^[A-Za-z0-9+/_-]{4,}={0,2}$")

KIND_LABELS = {
    "reference": "an opaque ID",
    "identity": "the user name in plain text",
    "json": "JSON",
    "base64-json": "base64 of JSON",
    "base64-text": "base64 of text",
    "flask": "Flask's signed cookie",
    "signed": "a signed value",
    "jwt": "a JWT",
    "encrypted": "an encrypted value",
}
# Kinds whose whole state travels in the value (the server keeps nothing to end).
SELF_CONTAINED = {"identity", "json", "base64-json", "base64-text", "flask", "signed", "jwt", "encrypted"}


@dataclass(frozen=True)
class SessionValue:
    raw: str  # as it travels in the Cookie header (or after "Bearer ")
    kind: str  # "reference", or one of SELF_CONTAINED
    content: Any = None  # what can be read: a dict (JSON, Flask, JWT payload) or text
    url_encoded: bool = False
    base64_variant: str = ""  # "standard" or "urlsafe", for base64 kinds

    @property
    def self_contained(self) -> bool:
        return self.kind in SELF_CONTAINED

    @property
    def readable(self) -> bool:
        return self.kind != "reference"

    @property
    def label(self) -> str:
        """The kind in words: "the user name in plain text", "a JWT", ..."""
        return KIND_LABELS[self.kind]

    def describe(self) -> str:
        """What the value is, in words, with what can be read from it."""
        shown = _short(json.dumps(self.content) if isinstance(self.content, (dict, list)) else repr(self.content))
        return {
            "reference": "an opaque ID (it points to a session the server keeps)",
            "identity": f"plain text naming the user: {shown}",
            "json": f"JSON anyone can read: {shown}",
            "base64-json": f"base64 of JSON anyone can read: {shown}",
            "base64-text": f"base64 of text anyone can read: {shown}",
            "flask": f"Flask's signed session cookie, readable by anyone: {shown}",
            "signed": f"a signed value whose content anyone can read: {shown}",
            "jwt": f"a JWT whose claims anyone can read: {shown}",
            "encrypted": f"an encrypted session ({self.content}): only the server can read it, but it carries the "
            "whole session",
        }[self.kind]

    def summary(self, limit: int = 70) -> str:
        """The kind, and what can be read, in one short line (for the report's header)."""
        if self.kind == "reference":
            return "an opaque ID (the session is kept on the server)"
        if self.kind == "encrypted":
            return f"{self.label}: {self.content}"
        shown = json.dumps(self.content) if isinstance(self.content, (dict, list)) else repr(self.content)
        return f"{self.label}, readable by anyone: {_short(shown, limit)}"

    def rebuilt(self, content: Any) -> str | None:
        """A value of the same format carrying ``content`` (None for formats that are signed)."""
        if self.kind == "identity":
            text = str(content)
        elif self.kind == "json":
            text = json.dumps(content, separators=(",", ":") if ", " not in self.raw else None)
        elif self.kind in ("base64-json", "base64-text"):
            plain = json.dumps(content, separators=(",", ":")) if self.kind == "base64-json" else str(content)
            encoded = base64.b64encode(plain.encode()).decode()
            if self.base64_variant == "urlsafe":
                encoded = encoded.replace("+", "-").replace("/", "_").rstrip("=")
            text = encoded
        else:
            return None
        return quote(text, safe="") if self.url_encoded else text


def read_value(raw: str, username: str = "") -> SessionValue:
    """Classify a cookie value or token (``username``: the account the audit logged in as)."""
    text, url_encoded = raw, False
    if "%" in raw:
        text, url_encoded = unquote(raw), True
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        text = text[1:-1]  # a quoted cookie value

    jwt_claims = _jwt_claims(text)
    if jwt_claims is not None:
        return SessionValue(raw, "jwt", jwt_claims, url_encoded)
    sealed_by = _encryption_format(text)
    if sealed_by is not None:
        return SessionValue(raw, "encrypted", sealed_by, url_encoded)
    if FLASK_SHAPE.match(text):
        payload = _flask_payload(text)
        if payload is not None:
            return SessionValue(raw, "flask", payload, url_encoded)
    signed = SIGNED_SHAPE.match(text)
    if signed and _names_the_user(signed.group("value"), username):
        return SessionValue(raw, "signed", signed.group("value"), url_encoded)
    parsed = _json(text)
    if isinstance(parsed, (dict, list)):
        return SessionValue(raw, "json", parsed, url_encoded)
    decoded = _base64_text(text)
    if decoded is not None:
        plain, variant = decoded
        parsed = _json(plain)
        if isinstance(parsed, (dict, list)):
            return SessionValue(raw, "base64-json", parsed, url_encoded, variant)
        if _names_the_user(plain, username):
            return SessionValue(raw, "base64-text", plain, url_encoded, variant)
    if _names_the_user(text, username):
        return SessionValue(raw, "identity", text, url_encoded)
    return SessionValue(raw, "reference", None, url_encoded)


def looks_like_jwt(text: str) -> bool:
    return _jwt_claims(text) is not None


def jwt_parts(token: str) -> tuple[dict, dict] | None:
    """(header, claims) of a JWT, read without checking anything; None if it is not one."""
    if not JWT_SHAPE.match(token):
        return None
    header_part, payload_part, _ = token.split(".")
    header, claims = _json(_b64url(header_part)), _json(_b64url(payload_part))
    if isinstance(header, dict) and "alg" in header and isinstance(claims, dict):
        return header, claims
    return None


def _jwt_claims(text: str) -> dict | None:
    parts = jwt_parts(text)
    return parts[1] if parts else None


def _encryption_format(text: str) -> str | None:
    """The format of an encrypted session value, recognised by its layout (Fernet, iron, JWE)."""
    if text.startswith("Fe26."):
        return "an iron seal, as iron-session makes"
    parts = text.split(".")
    if len(parts) == 5:
        header = _json(_b64url(parts[0]))
        if isinstance(header, dict) and "enc" in header:
            return "a JWE, as Auth.js's jwt strategy makes"
    data = _b64url(text) if re.fullmatch(r"[A-Za-z0-9_-]+=*", text) else None
    # Fernet: version byte 0x80, an 8-byte time, a 16-byte IV, ciphertext in 16-byte blocks, a 32-byte HMAC.
    if data is not None and len(data) >= 73 and data[0] == 0x80 and (len(data) - 57) % 16 == 0:
        return "a Fernet token"
    return None


def _flask_payload(text: str) -> Any:
    try:
        return read_payload(text)
    except (ValueError, binascii.Error, zlib.error, UnicodeDecodeError):
        return None


def _names_the_user(text: str, username: str) -> bool:
    """The user name as a whole word (so a random ID that happens to contain "al" does not count)."""
    if not username:
        return False
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(username)}(?![A-Za-z0-9])", text, re.IGNORECASE) is not None


def _json(text: str | bytes | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError):
        return None


def _b64url(part: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (ValueError, binascii.Error):
        return None


def _base64_text(text: str) -> tuple[str, str] | None:
    """The text inside a base64 value (printable UTF-8 only), and which alphabet it used."""
    if not BASE64_SHAPE.match(text):
        return None
    variant = "urlsafe" if ("-" in text or "_" in text) else "standard"
    padded = text + "=" * (-len(text.rstrip("=")) % 4)
    try:
        data = (base64.urlsafe_b64decode if variant == "urlsafe" else base64.b64decode)(padded)
        plain = data.decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not plain or not all(ch.isprintable() for ch in plain):
        return None
    return plain, variant


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
