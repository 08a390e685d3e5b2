"""Look inside a JWT: header, payload, times in words, signature status, warnings.

Plain logic (the widget in course/lessons/widgets/jwt_inspector.py only wraps it), so
it is tested without a browser. Inspecting is not trusting: the inspector
reads the algorithm from the token to *report* on it; a verifier must never
do that (see demo_server/tokens/access.py).
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import jwt

from course.lessons.by_hand.jwt_hs256 import InvalidToken, b64url_decode

LONG_LIFETIME_SECONDS = 3600
MIN_HMAC_KEY_BYTES = 32
# Secrets seen in tutorials and leaked configs; a token signed with one is forgeable.
WELL_KNOWN_SECRETS = [
    "secret", "password", "changeme", "change-me", "your-256-bit-secret", "your-secret-key",
    "secretkey", "secret-key", "jwt-secret", "jwtsecret", "mysecret", "key", "test", "dev",
    "admin", "123456", "supersecret", "s3cr3t",
]  # fmt: skip
# Claim names that look like they hold something secret. Long ones match anywhere in the name
# ("userPassword"); short ones only as a whole word ("pin_code", not the "pin" in "shipping").
SENSITIVE_PARTS = [
    "password", "passwd", "secret", "social_security", "credit", "private_key", "api_key", "apikey",
]  # fmt: skip
SENSITIVE_WORDS = {"pwd", "ssn", "card", "cvv", "cvc", "iban", "pin"}
TIME_CLAIMS = ("iat", "nbf", "exp")
SIGNATURE_ONLY = {
    "verify_signature": True, "verify_exp": False, "verify_nbf": False, "verify_iat": False,
    "verify_aud": False, "verify_iss": False, "verify_sub": False, "verify_jti": False,
}  # fmt: skip


@dataclass
class Inspection:
    header: dict[str, Any] | None = None
    payload: dict[str, Any] | None = None
    times: dict[str, str] = field(default_factory=dict)
    signature: str = "not checked (no key given)"
    warnings: list[str] = field(default_factory=list)
    error: str = ""  # set when the token could not even be decoded

    def report(self) -> str:
        """The inspection as text (what the widget shows and what nbval compares)."""
        if self.error:
            return f"✗ not a JWT: {self.error}"
        payload = json.dumps(self.payload, indent=2).replace("\n", "\n         ")
        lines = ["header:  " + json.dumps(self.header), "payload: " + payload]
        lines += [f"{name}:     {text}" for name, text in self.times.items()]
        lines.append(f"signature: {self.signature}")
        lines += [f"⚠ {warning}" for warning in self.warnings] or ["no warnings"]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.report()


def inspect(token: str, key: Any = None, now: float | None = None) -> Inspection:
    """Decode ``token`` without trusting it; check the signature if ``key`` is given.

    ``key``: bytes or text for HMAC (HS256...), or a public key (a
    cryptography key object, PEM text, or a JWK as a dict or JSON text).
    ``now``: when to judge exp/nbf (default: the current time).
    """
    result = Inspection()
    try:
        result.header, result.payload = _decode_parts(token)
    except InvalidToken as error:
        result.error = str(error)
        return result

    now = datetime.now(timezone.utc).timestamp() if now is None else now
    algorithm = result.header.get("alg")
    result.times = {name: _human_time(result.payload[name], now) for name in TIME_CLAIMS if name in result.payload}
    result.warnings += _header_warnings(result.header)
    result.warnings += _claim_warnings(result.payload, now)

    if algorithm == "none" or not token.rpartition(".")[2]:
        result.signature = "none: there is no signature, anyone could have written this"
        if algorithm != "none":
            result.warnings.append(f"alg says {algorithm!r} but the signature part is empty")
    elif key is not None:
        result.signature, key_warnings = _check_signature(token, algorithm, key)
        result.warnings += key_warnings
    elif isinstance(algorithm, str) and algorithm.startswith("HS"):
        cracked = _well_known_secret(token, algorithm)
        if cracked is not None:
            result.signature = f"valid with the well-known secret {cracked!r}"
            result.warnings.append(f"signed with the well-known secret {cracked!r}: anyone can forge tokens")
    return result


def _decode_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    if not isinstance(token, str):
        raise InvalidToken(f"a token is text, not {type(token).__name__}")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise InvalidToken(f"a JWT has 3 dot-separated parts, this one has {len(parts)}")
    decoded = []
    for part, what in zip(parts[:2], ("header", "payload"), strict=True):
        try:
            value = json.loads(b64url_decode(part).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InvalidToken(f"the {what} is not JSON") from None
        if not isinstance(value, dict):
            raise InvalidToken(f"the {what} is not a JSON object")
        decoded.append(value)
    return decoded[0], decoded[1]


def _header_warnings(header: dict[str, Any]) -> list[str]:
    found = []
    algorithm = header.get("alg")
    if not algorithm:
        found.append("no alg: a verifier must refuse a token that does not say how it was signed")
    elif str(algorithm).lower() == "none":
        found.append(f"alg is {algorithm!r}: the token is unsigned; a verifier must refuse it")
    for name in ("jku", "x5u"):
        if name in header:
            found.append(f"header '{name}' points at a key URL: never fetch keys from where the token says")
    return found


def _claim_warnings(payload: dict[str, Any], now: float) -> list[str]:
    found = []
    iat, nbf, exp = (_number(payload.get(name)) for name in TIME_CLAIMS)
    if exp is None:
        found.append("no exp: this token never expires")
    else:
        start = iat if iat is not None else now
        if exp - start > LONG_LIFETIME_SECONDS:
            lifetime = _duration(exp - start)
            found.append(f"long lifetime ({lifetime}): access tokens usually live minutes, an hour at most")
        if exp <= now:
            found.append(f"expired {_duration(now - exp)} ago")
    if nbf is not None and nbf > now:
        found.append(f"not valid yet (for another {_duration(nbf - now)})")
    for name in ("exp", "iat", "nbf"):
        if name in payload and _number(payload[name]) is None:
            found.append(f"claim '{name}' is not a number of seconds")
    if "aud" not in payload:
        found.append("no aud: every service that trusts this issuer would accept it")
    for path in _sensitive_claims(payload):
        found.append(f"claim '{path}' looks sensitive: the payload is only base64url, anyone can read it")
    return found


def _sensitive_claims(value: Any, prefix: str = "") -> list[str]:
    found = []
    if isinstance(value, dict):
        for name, inner in value.items():
            path = f"{prefix}{name}"
            if _looks_sensitive(str(name)):
                found.append(path)
            found += _sensitive_claims(inner, prefix=path + ".")
    return found


def _looks_sensitive(name: str) -> bool:
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().replace("-", "_")
    words = set(re.split(r"[^a-z0-9]+", snake))
    return bool(words & SENSITIVE_WORDS) or any(part in snake for part in SENSITIVE_PARTS)


def _check_signature(token: str, algorithm: Any, key: Any) -> tuple[str, list[str]]:
    found = []
    symmetric = isinstance(algorithm, str) and algorithm.startswith("HS")
    if symmetric:
        key = key.encode("utf-8") if isinstance(key, str) else key
        if isinstance(key, bytes):
            found += _weak_key_warnings(key)
    try:
        _signature_checks_out(token, algorithm, key if symmetric else _public_key(key))
    except jwt.InvalidSignatureError:
        return "INVALID: the token was changed, or signed with another key", found
    except (jwt.PyJWTError, TypeError, ValueError) as error:
        return f"not checked: this key does not fit {algorithm} ({error})", found
    return "valid", found


def _signature_checks_out(token: str, algorithm: Any, key: Any) -> None:
    """Raises unless the signature is right; ignores every claim (this is a report, not a login)."""
    with warnings.catch_warnings():
        # A short HMAC key makes PyJWT warn; the inspector reports weak keys itself.
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
        # algorithms=[the token's own alg] is fine for a report; a verifier must use its allow-list.
        jwt.decode(token, key, algorithms=[algorithm], options=SIGNATURE_ONLY)


def _weak_key_warnings(secret: bytes) -> list[str]:
    found = []
    if secret.decode("utf-8", "replace").lower() in WELL_KNOWN_SECRETS:
        found.append("the key is a well-known secret from tutorials: anyone can forge tokens")
    elif len(secret) < MIN_HMAC_KEY_BYTES:
        found.append(f"weak-looking key: {len(secret)} bytes; HS256 needs at least {MIN_HMAC_KEY_BYTES} random bytes")
    elif len(set(secret)) < 8:
        found.append("weak-looking key: it repeats a few characters; use secrets.token_bytes(32)")
    return found


def _well_known_secret(token: str, algorithm: str) -> str | None:
    for candidate in WELL_KNOWN_SECRETS:
        try:
            _signature_checks_out(token, algorithm, candidate)
        except (jwt.PyJWTError, TypeError, ValueError):
            continue
        return candidate
    return None


def _public_key(key: Any) -> Any:
    if isinstance(key, dict):
        return jwt.PyJWK(key).key
    if isinstance(key, str) and key.lstrip().startswith("{"):
        return jwt.PyJWK(json.loads(key)).key
    return key


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _human_time(value: Any, now: float) -> str:
    seconds = _number(value)
    if seconds is None:
        return f"{value!r} (not a time)"
    try:
        moment = datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return f"{value!r} (out of range)"
    if seconds == now:
        return f"{moment} (now)"
    relation = f"in {_duration(seconds - now)}" if seconds > now else f"{_duration(now - seconds)} ago"
    return f"{moment} ({relation})"


def _duration(seconds: float) -> str:
    seconds = int(abs(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        minutes, rest = divmod(seconds, 60)
        return f"{minutes} min" + (f" {rest} s" if rest else "")
    if seconds < 86400:
        hours, minutes = divmod(seconds // 60, 60)
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(seconds // 3600, 24)
    return f"{days} d" + (f" {hours} h" if hours else "")
