"""Hidden tests for 02-signed-and-encrypted-cookies: run by `course grade` only.

Edge cases the visible checks do not show: other hash functions and key
sizes, non-ASCII signatures, several fallback keys, str keys, data that is
not ASCII, and tokens from the future.
"""

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.fernet import Fernet
from itsdangerous import BadSignature

from course.checks import hidden_test
from course.checks._support import call, random_word
from course.checks.lesson_02 import flask_format


@hidden_test("02.1")
def block_sizes_other_than_64_and_keys_at_the_edge(ns):
    hmac_by_hand = ns["hmac_by_hand"]
    for hash_function in (hashlib.sha3_256, hashlib.sha384, hashlib.sha224, hashlib.md5):
        block = hash_function().block_size
        for key_length in (block - 1, block, block + 1):
            key, message = os.urandom(key_length), os.urandom(300)
            tried = call("hmac_by_hand", key, message, hash_function)
            assert hmac_by_hand(key, message, hash_function) == hmac.new(key, message, hash_function).digest(), (
                f"{hash_function().name} with a {key_length}-byte key: {tried}"
            )


@hidden_test("02.1")
def the_default_hash_is_sha256(ns):
    key, message = os.urandom(32), b""
    assert ns["hmac_by_hand"](key, message) == hmac.new(key, message, hashlib.sha256).digest(), (
        f"without a hash_function argument, HMAC-SHA256: {call('hmac_by_hand', key, message)}"
    )


@hidden_test("02.2")
def garbage_signatures_return_none(ns):
    sign, verify = ns["sign"], ns["verify"]
    key = secrets.token_bytes(32)
    value = random_word("v")
    signed = sign(value, key)
    signature = signed.rpartition(".")[2]
    standard_base64 = signature.replace("-", "+").replace("_", "/")
    candidates = [
        f"{value}.é",
        f"{value}.{signature[:-1]}é",
        signed + "=",
        signed + "==",
        f"{value}.{'A' * 43}",
        ".",
        "..",
    ]
    if standard_base64 != signature:
        candidates.append(f"{value}.{standard_base64}")
    for candidate in candidates:
        assert verify(candidate, key) is None, f"verify accepted {candidate!r}: {call('verify', candidate, key)}"


@hidden_test("02.2")
def unicode_and_empty_values(ns):
    sign, verify = ns["sign"], ns["verify"]
    key = secrets.token_bytes(32)
    for value in ("", "naïve café ☕", "a.b.c", "user=ada; role=admin"):
        assert verify(sign(value, key), key) == value, (
            f"round trip of {value!r}: {call('verify', sign(value, key), key)}"
        )
        other = secrets.token_bytes(32)
        assert verify(sign(value, key), other) is None, f"another key: {call('verify', sign(value, key), other)}"


@hidden_test("02.3")
def several_fallbacks_and_str_keys(ns):
    make = ns["session_serializer"]
    current, older, oldest = "current-" + secrets.token_hex(16), secrets.token_bytes(32), secrets.token_bytes(32)
    serializer = make(current, [older, oldest])
    for key in (older, oldest, current):
        data = {"user": random_word("u"), "cart": [1, 2, 3]}
        assert serializer.loads(flask_format(key).dumps(data)) == data
    made = serializer.dumps({"user": "x"})
    assert flask_format(current).loads(made) == {"user": "x"}
    for key in (older, oldest):
        try:
            flask_format(key).loads(made)
        except BadSignature:
            continue
        raise AssertionError("a new cookie was signed with a fallback key")


@hidden_test("02.3")
def no_fallbacks_at_all(ns):
    key = secrets.token_bytes(32)
    serializer = ns["session_serializer"](key, [])
    assert flask_format(key).loads(serializer.dumps({"user": "solo"})) == {"user": "solo"}


@hidden_test("02.4")
def non_ascii_data_and_fresh_tokens(ns):
    seal, unseal = ns["seal"], ns["unseal"]
    key = Fernet.generate_key()
    data = {"user": "zoë", "items": ["☕", 2], "nested": {"a": None}}
    now = 1767258000
    first, second = seal(data, key, now), seal(data, key, now)
    assert first != second, "two seals of the same data should differ (Fernet uses a random IV)"
    assert unseal(first, key, now, 60) == data and unseal(second, key, now, 60) == data


@hidden_test("02.4")
def tokens_from_the_future_and_broken_base64(ns):
    seal, unseal = ns["seal"], ns["unseal"]
    key = Fernet.generate_key()
    now = 1767258000
    future = seal({"user": "ada"}, key, now + 3600)
    assert unseal(future, key, now, 7200) is None, "a token made an hour in the future is refused (clock skew)"
    assert unseal("gAAAA%%%", key, now, 60) is None
    assert unseal("gAAAAé", key, now, 60) is None, "a cookie can hold non-ASCII text: Fernet raises ValueError on it"
    assert unseal(base64.urlsafe_b64encode(b"\x80" + b"\x00" * 80).decode(), key, now, 60) is None
