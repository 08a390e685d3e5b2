"""Hidden tests for 04-jwt: run by `course grade` only, never shown to learners.

Edge cases the visible checks do not spell out, so an answer fitted to the
visible attacks (a list of forbidden algorithms instead of an allowed one,
a hard-coded key) fails here.
"""

import secrets

import jwt

from course.checks import hidden_test
from course.checks._support import random_word
from course.checks.lesson_04 import SOME_NOW, SigningKey, access_claims, handmade_token, refused


@hidden_test("04.1")
def unicode_and_nested_payloads_round_trip(ns):
    key = secrets.token_bytes(32)
    payload = {"sub": "zoë", "name": "Ådä 🍪", "roles": ["reader", "writer"], "meta": {"n": 1.5, "ok": None}}
    assert jwt.decode(ns["sign_hs256"](payload, key), key, algorithms=["HS256"]) == payload


@hidden_test("04.2")
def only_hs256_is_allowed_not_just_none_forbidden(ns):
    key = secrets.token_bytes(64)
    claims = {"sub": random_word("u")}
    for algorithm in ("HS384", "HS512"):
        assert (
            refused(ns["verify_hs256"], jwt.encode(claims, key, algorithm=algorithm), key, now=SOME_NOW) is not None
        ), algorithm
    for spelling in ("NONE", "nOnE", "", "hs256"):
        token = handmade_token({"alg": spelling}, claims, key)
        assert refused(ns["verify_hs256"], token, key, now=SOME_NOW) is not None, repr(spelling)


@hidden_test("04.2")
def extra_header_fields_are_fine_and_expired_by_the_real_clock_fails(ns):
    key = secrets.token_bytes(32)
    claims = {"sub": random_word("u"), "exp": int(SOME_NOW) + 10}
    token = jwt.encode(claims, key, algorithm="HS256", headers={"kid": "k1"})
    assert ns["verify_hs256"](token, key, now=SOME_NOW) == claims
    assert refused(ns["verify_hs256"], token, key) is not None, "SOME_NOW + 10 s is long past in real time"


@hidden_test("04.2")
def header_that_is_not_an_object_is_a_value_error(ns):
    key = secrets.token_bytes(32)
    for header_part in ("WzFd", "bnVsbA", "IkhTMjU2Ig"):  # [1], null, "HS256"
        error = refused(ns["verify_hs256"], f"{header_part}.e30.c2ln", key, now=SOME_NOW)
        assert isinstance(error, ValueError), f"{header_part}: {type(error).__name__}"


@hidden_test("04.3")
def the_right_key_is_chosen_by_kid_after_a_rotation(ns):
    old, new = SigningKey(), SigningKey()
    jwks = {"keys": [new.jwk, old.jwk]}
    claims = access_claims(SOME_NOW)
    assert ns["verify_access_token"](old.sign(claims), jwks, SOME_NOW)["sub"] == claims["sub"]
    assert ns["verify_access_token"](new.sign(claims), jwks, SOME_NOW)["sub"] == claims["sub"]
    retired = {"keys": [new.jwk]}
    assert refused(ns["verify_access_token"], old.sign(claims), retired, SOME_NOW) is not None, (
        "a retired key must not verify"
    )


@hidden_test("04.3")
def not_yet_valid_and_missing_exp_are_refused(ns):
    key = SigningKey()
    jwks = {"keys": [key.jwk]}
    later = access_claims(SOME_NOW, nbf=int(SOME_NOW) + 3600, iat=int(SOME_NOW) + 3600, exp=int(SOME_NOW) + 3900)
    assert refused(ns["verify_access_token"], key.sign(later), jwks, SOME_NOW) is not None, "nbf an hour ahead"
    assert (
        refused(ns["verify_access_token"], key.sign(access_claims(SOME_NOW, exp=None)), jwks, SOME_NOW) is not None
    ), "no exp"


@hidden_test("04.4")
def tokens_are_unguessable_and_families_are_separate(ns):
    store = ns["RefreshTokens"]()
    tokens = {store.start(random_word("u")) for _ in range(20)}
    assert len(tokens) == 20, "every login gets a different refresh token"
    a = store.start("a")
    b = store.start("b")
    _, a2 = store.rotate(a)
    assert refused(store.rotate, a) is not None
    assert refused(store.rotate, a2) is not None, "the family of a ended"
    who, _ = store.rotate(b)
    assert who == "b"


@hidden_test("04.4")
def a_token_is_good_for_exactly_one_rotation(ns):
    store = ns["RefreshTokens"]()
    token = store.start("u")
    for _ in range(5):
        _, token = store.rotate(token)
    _, newest = store.rotate(token)
    assert refused(store.rotate, token) is not None, "the token just used must not work twice"
