"""course.lessons.jwt_inspector: what it reports and warns about (no browser needed)."""

from __future__ import annotations

import warnings

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from course.lessons.by_hand.jwt_hs256 import b64url_encode, sign_hs256
from course.lessons.jwt_inspector import inspect
from demo_server import DEMO_EPOCH, demo_key

NOW = int(DEMO_EPOCH)
KEY = demo_key("inspector")
GOOD = {"iss": "demo", "aud": "api", "sub": "ada", "iat": NOW, "exp": NOW + 300}


def warnings_of(token, **kwargs) -> str:
    return "\n".join(inspect(token, now=NOW, **kwargs).warnings)


def test_a_good_token_has_no_warnings_and_human_times():
    result = inspect(sign_hs256(GOOD, KEY), key=KEY, now=NOW)
    assert result.header == {"alg": "HS256", "typ": "JWT"}
    assert result.payload == GOOD
    assert result.signature == "valid"
    assert result.warnings == []
    assert result.times == {"iat": "2026-01-01 09:00:00 UTC (now)", "exp": "2026-01-01 09:05:00 UTC (in 5 min)"}
    assert "no warnings" in result.report()


def test_wrong_key_and_no_key():
    token = sign_hs256(GOOD, KEY)
    assert inspect(token, key=demo_key("other"), now=NOW).signature.startswith("INVALID")
    assert inspect(token, now=NOW).signature == "not checked (no key given)"


def test_alg_none():
    unsigned_header = b64url_encode(b'{"alg":"none"}')
    token = f"{unsigned_header}.{sign_hs256(GOOD, KEY).split('.')[1]}."
    result = inspect(token, now=NOW)
    assert result.signature.startswith("none: there is no signature")
    assert "alg is 'none'" in "\n".join(result.warnings)


def test_alg_none_in_any_spelling_and_a_missing_alg():
    body = sign_hs256(GOOD, KEY).split(".")[1]
    shouting = inspect(b64url_encode(b'{"alg":"NONE"}') + f".{body}.", now=NOW)
    assert "alg is 'NONE': the token is unsigned" in "\n".join(shouting.warnings)
    missing = inspect(b64url_encode(b'{"typ":"JWT"}') + f".{body}.", now=NOW)
    assert "no alg" in "\n".join(missing.warnings)


@pytest.mark.parametrize(
    ("claims", "warning"),
    [
        ({"sub": "ada", "aud": "api"}, "no exp: this token never expires"),
        ({**GOOD, "exp": NOW + 30 * 86400}, "long lifetime (30 d)"),
        ({**GOOD, "exp": NOW - 90}, "expired 1 min 30 s ago"),
        ({**GOOD, "nbf": NOW + 7200}, "not valid yet (for another 2 h)"),
        ({**GOOD, "exp": "soon"}, "claim 'exp' is not a number"),
        ({k: v for k, v in GOOD.items() if k != "aud"}, "no aud"),
        ({**GOOD, "password": "hunter2"}, "claim 'password' looks sensitive"),
        ({**GOOD, "user": {"SSN": "078-05-1120"}}, "claim 'user.SSN' looks sensitive"),
        ({**GOOD, "credit_card": "4111"}, "claim 'credit_card' looks sensitive"),
        ({**GOOD, "pinCode": "1234"}, "claim 'pinCode' looks sensitive"),
        ({**GOOD, "clientSecret": "s"}, "claim 'clientSecret' looks sensitive"),
    ],
)
def test_claim_warnings(claims, warning):
    assert warning in warnings_of(sign_hs256(claims, KEY), key=KEY)


def test_ordinary_claims_are_not_called_sensitive():
    ordinary = {**GOOD, "shipping": "express", "discard_after": 3, "mapping": {"spinner": True}}
    assert "looks sensitive" not in warnings_of(sign_hs256(ordinary, KEY), key=KEY)


def test_weak_keys_are_named_without_a_pyjwt_warning_leaking():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
        tutorial_token = jwt.encode(GOOD, "your-256-bit-secret", algorithm="HS256")
    short_key_token = sign_hs256(GOOD, b"k3y!")
    # filterwarnings=error: any warning PyJWT let through would fail these lines.
    assert "well-known secret" in warnings_of(tutorial_token, key="your-256-bit-secret")
    assert "weak-looking key: 4 bytes" in warnings_of(short_key_token, key=b"k3y!")
    assert "repeats a few characters" in warnings_of(sign_hs256(GOOD, b"a" * 40), key=b"a" * 40)


def test_well_known_secret_found_without_a_key():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
        token = jwt.encode(GOOD, "secret", algorithm="HS256")
    result = inspect(token, now=NOW)
    assert result.signature == "valid with the well-known secret 'secret'"
    assert "anyone can forge tokens" in "\n".join(result.warnings)


def test_asymmetric_keys_as_object_jwk_or_pem():
    private_key = Ed25519PrivateKey.from_private_bytes(demo_key("inspector ed25519"))
    token = jwt.encode(GOOD, private_key, algorithm="EdDSA")
    jwk = jwt.algorithms.OKPAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    assert inspect(token, key=private_key.public_key(), now=NOW).signature == "valid"
    assert inspect(token, key=jwk, now=NOW).signature == "valid"
    assert (
        inspect(token, key=jwt.algorithms.OKPAlgorithm.to_jwk(private_key.public_key()), now=NOW).signature == "valid"
    )
    assert inspect(token, key="not a key", now=NOW).signature.startswith("not checked: this key does not fit EdDSA")


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "3 dot-separated parts"),
        ("abc", "3 dot-separated parts"),
        ("not.a.jwt", "not JSON"),
        ("%.%.%", "base64url"),
        (None, "not NoneType"),
    ],
)
def test_not_a_jwt(token, message):
    result = inspect(token)
    assert message in result.error
    assert result.report().startswith("✗ not a JWT")


def test_the_widget_updates_when_a_token_is_pasted():
    from course.lessons.widgets.jwt_inspector import jwt_inspector_widget

    widget = jwt_inspector_widget(now=NOW)
    token_box, key_box, report = widget.children
    assert "Paste a token" in report.value
    token_box.value = sign_hs256(GOOD, KEY)
    assert "not checked (no key given)" in report.value
    key_box.value = "wrong key, long enough to be 32 bytes"
    assert "INVALID" in report.value
