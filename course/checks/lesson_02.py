"""Checks for exercises/02-signed-and-encrypted-cookies-exercises.ipynb.

Each check runs the legitimate flow first (so an unfinished answer reports
"not done yet"), then replays lesson 02's attacks, which must fail: tampered
values, truncated signatures, other keys, retired keys, expired tokens.
Keys and values are random, so an answer fitted to fixed examples fails; a
failure names the call (keys included) that the learner can run again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from contextlib import contextmanager

from cryptography.fernet import Fernet
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

from course.checks import exercise, in_your_code, needs
from course.checks._support import call, calling, random_word
from course.checks._values import unguarded
from demo_server import SystemClock, create_app
from demo_server.signed.views import ACCOUNTS

RFC_4231 = [
    (b"\x0b" * 20, b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (b"Jefe", b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@contextmanager
def replaced(ns, module, names, replacement):
    """Swap module attributes (and same-named notebook globals) for ``replacement`` meanwhile."""
    saved = [(module, name, getattr(module, name)) for name in names]
    notebook = unguarded(ns)  # the learner's own objects, to compare and put back
    saved += [(None, name, notebook[name]) for name in names if notebook.get(name) is getattr(module, name)]
    try:
        for owner, name, _ in saved:
            if owner is None:
                ns[name] = replacement
            else:
                setattr(owner, name, replacement)
        yield
    finally:
        for owner, name, original in saved:
            if owner is None:
                ns[name] = original
            else:
                setattr(owner, name, original)


def _hmac_is_off(*args, **kwargs):
    raise AssertionError("write HMAC by hand: the hmac module is off while this exercise is checked")


@exercise(
    "02.1",
    "HMAC by hand, for any hash",
    hint=[
        "Lesson 02, Step 1 wrote HMAC-SHA256 by hand with BLOCK_SIZE = 64: make the block size and the hash "
        "come from hash_function instead.",
        "block = hash_function().block_size; a key longer than block becomes hash_function(key).digest(), "
        "then it is padded with b'\\x00' to block bytes.",
        "Shape: inner = H(key xor 0x36 bytes + message).digest(); return H(key xor 0x5C bytes + inner).digest(), "
        "where H is hash_function and 'xor' is byte by byte.",
    ],
)
def hmac_for_any_hash(ns):
    (hmac_by_hand,) = needs(ns, "hmac_by_hand")
    cases = [(key, message, hashlib.sha256, expected) for key, message, expected in RFC_4231]
    # SHA-512 has 128-byte blocks; a 200-byte key is longer than SHA-256's 64-byte block.
    sizes = [
        (hashlib.sha256, 32),
        (hashlib.sha1, 20),
        (hashlib.sha512, 100),
        (hashlib.sha256, 200),
        (hashlib.sha256, 0),
    ]
    for hash_function, key_length in sizes:
        key, message = os.urandom(key_length), random_word("message ").encode()
        cases.append((key, message, hash_function, hmac.new(key, message, hash_function).hexdigest()))

    with replaced(ns, hmac, ["new", "digest", "HMAC"], _hmac_is_off):
        answers = [
            calling("hmac_by_hand", hmac_by_hand, key, message, hash_function)[1]
            for key, message, hash_function, _ in cases
        ]

    for (key, _message, hash_function, expected), answer in zip(cases, answers, strict=True):
        assert isinstance(answer, bytes), (
            f"{call('hmac_by_hand', key, _message, hash_function)} should return bytes (the raw digest), "
            f"got {type(answer).__name__}"
        )
        name, block_size = hash_function().name, hash_function().block_size
        advice = ""
        if len(key) > block_size:
            advice = " (a key longer than the block must be hashed first)"
        elif name == "sha512":
            advice = f" (is the block size right? {name} uses {block_size} bytes: hash_function().block_size)"
        tried = call("hmac_by_hand", key, _message, hash_function)
        assert answer.hex() == expected, f"HMAC-{name.upper()} with a {len(key)}-byte key is wrong{advice}: {tried}"


def _spy_on_compare_digest():
    calls = []
    original = hmac.compare_digest

    def spy(a, b):
        calls.append(1)
        return original(a, b)

    return calls, spy


@exercise(
    "02.2",
    "A sign/verify pair that rejects tampering",
    hint=[
        "Lesson 02, Step 1: itsdangerous.Signer writes value + '.' + URL-safe base64 of the HMAC, without '='.",
        "sign: hmac.new(key, value.encode(), hashlib.sha256).digest(), base64url without '=' padding. verify: "
        "split at the LAST '.' (str.rpartition), sign the value again and compare the two signatures.",
        "Shape of verify: value, dot, signature = signed.rpartition('.'); no dot: None; "
        "hmac.compare_digest(expected.encode(), signature.encode()) decides between value and None.",
    ],
)
def sign_and_verify(ns):
    sign, verify = needs(ns, "sign", "verify")
    key, other_key = secrets.token_bytes(32), secrets.token_bytes(32)
    value = f"user={random_word('ada')}.role=user"  # a dot inside the value, as real values have

    _, signed = calling("sign", sign, value, key)
    expected = f"{value}.{b64url(hmac.new(key, value.encode(), hashlib.sha256).digest())}"
    assert signed == expected, (
        f"{call('sign', value, key)} returned {signed!r}; expected value + '.' + base64url (no '=') "
        f"of HMAC-SHA256(key, value): {expected!r}"
    )

    calls, spy = _spy_on_compare_digest()
    with replaced(ns, hmac, ["compare_digest"], spy), replaced(ns, secrets, ["compare_digest"], spy):
        got = verify(signed, key)
    assert got == value, f"the legitimate flow fails: {call('verify', signed, key)} returned {got!r}"
    assert calls, "compare signatures with hmac.compare_digest (constant time), not ==: it was never called"

    signature = signed.rpartition(".")[2]
    forged_value = value.replace("role=user", "role=admin")
    attacks = {
        "a changed value with the old signature": f"{forged_value}.{signature}",
        "a truncated signature": signed[:-1],
        "half a signature": f"{value}.{signature[: len(signature) // 2]}",
        "an empty signature": f"{value}.",
        "a value signed with another key": sign(value, other_key),
        "no signature at all": value.replace(".", "_"),
        "an empty string": "",
    }
    for attack, candidate in attacks.items():
        try:
            got = verify(candidate, key)
        except NotImplementedError:
            raise
        except Exception as error:
            raise AssertionError(
                f"{call('verify', candidate, key)} raised {type(error).__name__} on {attack}; return None instead"
                + in_your_code(error)
            ) from None
        assert got is None, f"verify() accepted {attack}: {call('verify', candidate, key)} returned {got!r}"


def _any_account() -> str:
    return secrets.choice(sorted(ACCOUNTS))


def _login_cookie(secret_key, fallbacks=()):
    """A real session cookie from the demo server's /signed/login, and whose it is."""
    app = create_app({"TESTING": True, "SECRET_KEY": secret_key, "SECRET_KEY_FALLBACKS": list(fallbacks)})
    username = _any_account()
    credentials = {"username": username, "password": ACCOUNTS[username].password}
    response = app.test_client().post("/signed/login", json=credentials)
    return username, response.headers["Set-Cookie"].partition(";")[0].partition("=")[2]


def _profile_status(cookie, secret_key):
    # SystemClock: a learner's serializer stamps cookies with the real time.
    app = create_app({"TESTING": True, "SECRET_KEY": secret_key, "CLOCK": SystemClock()})
    client = app.test_client(use_cookies=False)
    return client.get("/signed/profile", headers={"Cookie": f"session={cookie}"}).status_code


def flask_format(secret_key) -> URLSafeTimedSerializer:
    """Flask's own session-cookie format for one key (the reference answer; loads() needs no clock)."""
    interface = SecureCookieSessionInterface
    return URLSafeTimedSerializer(
        secret_key,
        salt=interface.salt,
        serializer=interface.serializer,
        signer_kwargs={"key_derivation": interface.key_derivation, "digest_method": interface.digest_method},
    )


def _refuses(serializer, cookie) -> bool:
    try:
        serializer.loads(cookie)
    except BadSignature:
        return True
    return False


@exercise(
    "02.3",
    "Flask's session cookie during a key rotation",
    hint=[
        "Lesson 02, Step 2 opened Flask's cookie with itsdangerous.URLSafeTimedSerializer and Flask's settings; "
        "Step 5's 'Common mistake' is about the order of keys.",
        "URLSafeTimedSerializer accepts a list of keys: it verifies with all of them and signs with the LAST one.",
        "Shape: URLSafeTimedSerializer([*fallbacks, secret_key], salt='cookie-session', "
        "signer_kwargs={'key_derivation': 'hmac', 'digest_method': hashlib.sha1}).",
    ],
)
def rotating_serializer(ns):
    (session_serializer,) = needs(ns, "session_serializer")
    old_key, new_key, retired_key = (secrets.token_bytes(32) for _ in range(3))
    _, serializer = calling("session_serializer", session_serializer, new_key, [old_key])

    username, old_cookie = _login_cookie(old_key)
    try:
        opened = serializer.loads(old_cookie)
    except BadSignature as error:
        raise AssertionError(
            f"a cookie the server signed with a fallback key was refused ({error}): are the fallbacks in "
            "the key list, and are salt, key_derivation and digest_method Flask's?"
        ) from None
    assert opened == {"user": username}, (
        f"a real Flask session cookie for {username!r} ({old_cookie!r}) opened as {opened!r}"
    )
    username, new_cookie = _login_cookie(new_key, [old_key])
    assert serializer.loads(new_cookie) == {"user": username}, "a cookie signed with the current key was not opened"

    user = random_word("user")
    made = serializer.dumps({"user": user})
    assert _refuses(flask_format(old_key), made), (
        "a new cookie was signed with the old key: itsdangerous signs with the LAST key of its list"
    )
    assert not _refuses(flask_format(new_key), made), (
        "a new cookie must be signed with the current key (secret_key), in Flask's format: salt "
        "'cookie-session', key_derivation 'hmac', digest_method hashlib.sha1"
    )
    assert flask_format(new_key).loads(made) == {"user": user}, "the cookie you made does not hold the given data"
    known = _any_account()
    assert _profile_status(serializer.dumps({"user": known}), new_key) == 200, (
        "Flask (SECRET_KEY = the current key, no fallbacks) refused a cookie your serializer made"
    )

    _, retired_cookie = _login_cookie(retired_key)
    assert _refuses(serializer, retired_cookie), "a cookie signed with a key no longer listed was accepted"
    _, _, timestamp_and_signature = old_cookie.partition(".")
    other_payload = b64url(json.dumps({"user": random_word("admin")}, separators=(",", ":")).encode())
    tampered = f"{other_payload}.{timestamp_and_signature}"
    assert _refuses(serializer, tampered), "a cookie whose payload was changed was accepted"


@exercise(
    "02.4",
    "An encrypted cookie",
    hint=[
        "Lesson 02, Step 6: Fernet(key).encrypt_at_time(...) and decrypt_at_time(..., ttl=..., current_time=...).",
        "seal: JSON text of data, encoded, encrypted at time now; return the token as str. unseal: decrypt at "
        "now with ttl=max_age, then json.loads.",
        "Shape of unseal: try the decrypt; on InvalidToken (and ValueError, which Fernet raises for non-ASCII "
        "text) return None.",
    ],
)
def sealed_cookie(ns):
    seal, unseal = needs(ns, "seal", "unseal")
    key, other_key = Fernet.generate_key(), Fernet.generate_key()
    secret_name = random_word("ada")
    data = {"user": secret_name, "role": "admin"}
    now, max_age = 1767258000 + secrets.randbelow(10**6), 3600

    sealed, token = calling("seal", seal, data, key, now)
    assert isinstance(token, str), f"{sealed} should return the cookie value as a str, got {type(token).__name__}"
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        raw = b""
    assert raw[:1] == b"\x80", f"{sealed} returned {token!r}: that is not a Fernet token (Fernet(key).encrypt_at_time)"
    assert int.from_bytes(raw[1:9], "big") == now, (
        f"{sealed}: the token should be made at `now` (use encrypt_at_time), not at the real time"
    )
    assert secret_name.encode() not in raw, f"{sealed}: the user name is readable in the token, encrypt it (Fernet)"

    _, opened = calling("unseal", unseal, token, key, now + 60, max_age)
    assert opened == data, (
        f"the legitimate flow fails: {call('unseal', token, key, now + 60, max_age)} gave {opened!r}, not {data!r}"
    )
    at_the_limit = unseal(token, key, now + max_age, max_age)
    assert at_the_limit == data, (
        f"a token exactly max_age seconds old is valid: {call('unseal', token, key, now + max_age, max_age)} "
        f"gave {at_the_limit!r}"
    )

    index = len(token) // 2
    flipped = token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]
    attacks = {
        "a token with one character changed": (flipped, key, now),
        "a token sealed with another key": (seal(data, other_key, now), key, now),
        "a token older than max_age": (token, key, now + max_age + 1),
        "something that is not a token": ("not-a-token", key, now),
    }
    for attack, (candidate, used_key, at) in attacks.items():
        try:
            got = unseal(candidate, used_key, at, max_age)
        except NotImplementedError:
            raise
        except Exception as error:
            raise AssertionError(
                f"{call('unseal', candidate, used_key, at, max_age)} raised {type(error).__name__} on {attack}; "
                "return None instead" + in_your_code(error)
            ) from None
        assert got is None, (
            f"unseal() accepted {attack}: {call('unseal', candidate, used_key, at, max_age)} gave {got!r}"
        )
