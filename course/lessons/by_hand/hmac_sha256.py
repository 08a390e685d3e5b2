"""HMAC-SHA256 written out from RFC 2104 (lesson 02), to show there is no magic.

Lesson 02 shows this same function in a notebook cell (a test keeps the two
identical); real code calls ``hmac.new(key, message, hashlib.sha256)``, and
tests/test_signed_cookies.py proves both agree, RFC 4231's vectors included.
"""

from __future__ import annotations

import hashlib

BLOCK_SIZE = 64  # bytes: SHA-256 digests its input in 64-byte blocks
INNER_PAD = 0x36  # RFC 2104's ipad byte
OUTER_PAD = 0x5C  # RFC 2104's opad byte


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 = SHA256((K xor opad) + SHA256((K xor ipad) + message))."""
    if len(key) > BLOCK_SIZE:
        key = hashlib.sha256(key).digest()  # a key longer than a block is hashed first
    key = key.ljust(BLOCK_SIZE, b"\x00")  # then padded with zero bytes to one block
    inner = hashlib.sha256(bytes(byte ^ INNER_PAD for byte in key) + message).digest()
    return hashlib.sha256(bytes(byte ^ OUTER_PAD for byte in key) + inner).digest()
