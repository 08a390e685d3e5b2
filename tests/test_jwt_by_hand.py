"""course.lessons.by_hand.jwt_hs256: HS256 written by hand agrees with PyJWT, both ways."""

from __future__ import annotations

import json

import jwt
import pytest

from course.lessons.by_hand.jwt_hs256 import InvalidToken, b64url_decode, b64url_encode, sign_hs256, verify_hs256
from demo_server import DEMO_EPOCH, demo_key

KEY = demo_key("test hs256")
NOW = DEMO_EPOCH
CLAIMS = {"sub": "ada", "iat": int(NOW), "exp": int(NOW) + 300}


def test_base64url_has_no_padding_and_round_trips():
    for data in [b"", b"a", b"ab", b"abc", b"\xff\xfe\xfd\xfc"]:
        encoded = b64url_encode(data)
        assert "=" not in encoded and "+" not in encoded and "/" not in encoded
        assert b64url_decode(encoded) == data


def test_pyjwt_accepts_a_hand_signed_token():
    token = sign_hs256(CLAIMS, KEY)
    # PyJWT judges exp by the real time, which is past the demo epoch: that check is ours.
    assert jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False}) == CLAIMS


def test_hand_verifier_accepts_a_pyjwt_token():
    token = jwt.encode(CLAIMS, KEY, algorithm="HS256")
    assert verify_hs256(token, KEY, now=NOW) == CLAIMS


def test_same_claims_same_key_same_token_as_pyjwt():
    assert sign_hs256(CLAIMS, KEY) == jwt.encode(CLAIMS, KEY, algorithm="HS256")


def test_default_now_is_the_current_time():
    far_future = {"sub": "ada", "exp": 4102444800}  # 2100-01-01
    assert verify_hs256(sign_hs256(far_future, KEY), KEY) == far_future
    with pytest.raises(InvalidToken, match="expired"):
        verify_hs256(sign_hs256({"exp": int(NOW)}, KEY), KEY)


def _part(value) -> str:
    return b64url_encode(json.dumps(value).encode())


def _tampered(token: str) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{_part({'sub': 'admin'})}.{signature}"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "3 dot-separated parts"),
        ("a.b", "3 dot-separated parts"),
        ("a.b.c.d", "3 dot-separated parts"),
        ("not.a.jwt", "not JSON"),
        ("%%%.e30.sig", "not valid base64url"),
        ("é.e30.sig", "not base64url"),
        (f"{_part([1])}.e30.", "JSON object"),
        (f"{_part({'alg': 'none'})}.{_part({'sub': 'admin'})}.", "'none' is not allowed"),
        (jwt.encode(CLAIMS, demo_key("hs512", 64), algorithm="HS512"), "'HS512' is not allowed"),
        (sign_hs256(CLAIMS, demo_key("another key")), "bad signature"),
        (_tampered(sign_hs256(CLAIMS, KEY)), "bad signature"),
        (sign_hs256({"exp": int(NOW)}, KEY), "expired"),
        (sign_hs256({"exp": int(NOW) - 1}, KEY), "expired"),
        (sign_hs256({"nbf": int(NOW) + 1}, KEY), "not valid yet"),
        (sign_hs256({"exp": "tomorrow"}, KEY), "must be a number"),
        (sign_hs256({"exp": True}, KEY), "must be a number"),
    ],
)
def test_rejections_say_why(token, message):
    with pytest.raises(InvalidToken, match=message):
        verify_hs256(token, KEY, now=NOW)


def test_invalid_token_is_a_value_error():
    assert issubclass(InvalidToken, ValueError)


def test_nbf_in_the_past_and_exp_in_the_future_pass():
    claims = {"nbf": int(NOW), "exp": int(NOW) + 1}
    assert verify_hs256(sign_hs256(claims, KEY), KEY, now=NOW) == claims
