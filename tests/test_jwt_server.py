"""The /jwt blueprint: login, bearer checks, refresh rotation, logout, JWKS, key rotation,
and the /vuln/jwt twin whose attacks must fail on /jwt/me."""

from __future__ import annotations

import hashlib
import hmac
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from course.lessons.by_hand.jwt_hs256 import b64url_encode
from demo_server import DEMO_USERS, create_app, demo_key
from demo_server.context import token_service
from demo_server.tokens.access import ACCESS_TOKEN_SECONDS, AUDIENCE, ISSUER, LEEWAY_SECONDS

from .auth import AuthActions
from .conftest import TEST_CONFIG

FAST = TEST_CONFIG


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def forge(header: dict, claims: dict, hmac_key: bytes | None) -> str:
    """A token an attacker writes by hand: unsigned, or HMAC-signed with a key of their choice."""
    head = b64url_encode(json.dumps(header).encode())
    body = b64url_encode(json.dumps(claims).encode())
    if hmac_key is None:
        return f"{head}.{body}."
    signature = hmac.new(hmac_key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url_encode(signature)}"


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def rejected(response, status: int, message: str) -> None:
    assert response.status_code == status, response.json
    assert message in response.json["error"], response.json["error"]


# --- login and /me ---------------------------------------------------------------------


def test_login_returns_a_pair_and_me_knows_the_user(client, clock):
    pair = AuthActions(client).jwt_login()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == ACCESS_TOKEN_SECONDS
    response = client.get("/jwt/me", headers=bearer(pair["access_token"]))
    assert response.status_code == 200
    assert response.json["user"] == "alice"
    claims = response.json["claims"]
    assert claims["iss"] == ISSUER and claims["aud"] == AUDIENCE and claims["sub"] == "alice"
    assert claims["iat"] == claims["nbf"] == int(clock.now())
    assert claims["exp"] == int(clock.now()) + ACCESS_TOKEN_SECONDS
    assert claims["jti"] and claims["sid"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"username": "alice", "password": "wrong"}, 401, "wrong username or password"),
        ({"username": "nobody", "password": DEMO_USERS["alice"]}, 401, "wrong username or password"),
        ({"username": "alice"}, 400, "missing field(s): password"),
    ],
)
def test_login_refusals(client, body, status, message):
    rejected(client.post("/jwt/login", json=body), status, message)


def test_401_names_the_bearer_scheme(client):
    response = client.get("/jwt/me", headers=bearer("not.a.jwt"))
    rejected(response, 401, "malformed token")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="sessions-live", error="invalid_token"'


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "send 'Authorization: Bearer <access token>'"),
        ({"Authorization": "Basic YWRhOmxvdmVsYWNl"}, "must be 'Bearer <access token>'"),
        ({"Authorization": "Bearer "}, "must be 'Bearer <access token>'"),
        ({"Authorization": "Bearer not.a.jwt"}, "malformed token"),
        ({"Authorization": "Bearer " + "A" * 5000}, "longer than 4096"),
    ],
)
def test_me_refuses_missing_or_garbage_tokens(client, headers, message):
    rejected(client.get("/jwt/me", headers=headers), 401, message)


# --- the attacks the fixed endpoint must refuse ------------------------------------------


def test_alg_none_is_refused(client):
    real = claims_of(AuthActions(client).jwt_login()["access_token"])
    token = forge({"alg": "none", "typ": "at+jwt"}, {**real, "sub": "admin"}, hmac_key=None)
    rejected(client.get("/jwt/me", headers=bearer(token)), 401, "algorithm 'none' is not allowed")


def test_hs256_signed_with_the_public_key_is_refused(client):
    """Algorithm confusion: the public key is public, so an HMAC keyed with it proves nothing."""
    real = AuthActions(client).jwt_login()["access_token"]
    jwk = client.get("/jwt/.well-known/jwks.json").json["keys"][0]
    public_pem = jwt.PyJWK(jwk).key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    header = {"alg": "HS256", "kid": jwk["kid"], "typ": "at+jwt"}
    token = forge(header, {**claims_of(real), "sub": "admin"}, hmac_key=public_pem)
    rejected(client.get("/jwt/me", headers=bearer(token)), 401, "algorithm 'HS256' is not allowed")


def test_hs256_signed_with_an_rsa_public_key_is_refused(client):
    """The classic RS256 -> HS256 confusion: whatever public key the attacker uses as the HMAC
    secret, the allow-list refuses HS256 before any key is looked at."""
    real = AuthActions(client).jwt_login()["access_token"]
    rsa_public_pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    token = forge({"alg": "HS256", "typ": "at+jwt"}, {**claims_of(real), "sub": "admin"}, hmac_key=rsa_public_pem)
    rejected(client.get("/jwt/me", headers=bearer(token)), 401, "algorithm 'HS256' is not allowed")


def test_a_tampered_payload_is_refused(client):
    header, _, signature = AuthActions(client).jwt_login()["access_token"].split(".")
    real = claims_of(f"{header}.{_}.{signature}")
    body = b64url_encode(json.dumps({**real, "sub": "admin"}).encode())
    rejected(client.get("/jwt/me", headers=bearer(f"{header}.{body}.{signature}")), 401, "bad signature")


def test_expiry_follows_the_server_clock_with_leeway(client, clock):
    token = AuthActions(client).jwt_login()["access_token"]
    clock.advance(ACCESS_TOKEN_SECONDS + LEEWAY_SECONDS - 1)
    assert client.get("/jwt/me", headers=bearer(token)).status_code == 200, "inside the leeway"
    clock.advance(1)
    rejected(client.get("/jwt/me", headers=bearer(token)), 401, "token expired")


def _signed_by_the_server(app, claims: dict, typ: str = "at+jwt") -> str:
    key = token_service(app).keys.current
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid, "typ": typ})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"aud": "another-api"}, "wrong audience"),
        ({"iss": "someone-else"}, "wrong issuer"),
        ({"nbf": "LATER"}, "token not valid yet"),
        ({"iat": "LATER"}, "issued in the future"),
        ({"exp": "BEFORE"}, "token expired"),
        ({"jti": None}, "lacks the 'jti' claim"),
    ],
)
def test_claims_are_checked_even_with_a_good_signature(app, client, clock, change, message):
    now = int(clock.now())
    times = {"LATER": now + 3600, "BEFORE": now - 3600}
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "alice",
        "sid": "s",
        "jti": "j",
        "iat": now,
        "nbf": now,
        "exp": now + 60,
    }
    claims.update({name: times.get(value, value) for name, value in change.items()})
    claims = {name: value for name, value in claims.items() if value is not None}
    rejected(client.get("/jwt/me", headers=bearer(_signed_by_the_server(app, claims))), 401, message)


def test_a_token_of_another_type_is_refused(app, client, clock):
    now = int(clock.now())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "alice",
        "sid": "s",
        "jti": "j",
        "iat": now,
        "nbf": now,
        "exp": now + 60,
    }
    rejected(
        client.get("/jwt/me", headers=bearer(_signed_by_the_server(app, claims, typ="JWT"))), 401, "not an access token"
    )


# --- refresh rotation and reuse detection ------------------------------------------------


def refresh(client, refresh_token: str):
    return client.post("/jwt/refresh", json={"refresh_token": refresh_token})


def test_refresh_rotates_the_pair(client):
    first = AuthActions(client).jwt_login()
    second = refresh(client, first["refresh_token"])
    assert second.status_code == 200
    assert second.json["refresh_token"] != first["refresh_token"]
    assert second.json["access_token"] != first["access_token"]
    assert client.get("/jwt/me", headers=bearer(second.json["access_token"])).json["user"] == "alice"
    assert claims_of(second.json["access_token"])["sid"] == claims_of(first["access_token"])["sid"]


def test_reusing_a_refresh_token_ends_the_whole_family(client):
    first = AuthActions(client).jwt_login()
    second = refresh(client, first["refresh_token"]).json
    third = refresh(client, second["refresh_token"]).json
    rejected(refresh(client, first["refresh_token"]), 401, "refresh token reuse detected")
    # The newest token of that family, unused until now, is dead too: the thief may hold it.
    rejected(refresh(client, third["refresh_token"]), 401, "family has ended")
    # Another login (another family) is not affected.
    other = AuthActions(client).jwt_login()
    assert refresh(client, other["refresh_token"]).status_code == 200


def test_refresh_refusals(client, clock):
    rejected(refresh(client, "made-up"), 401, "unknown refresh token")
    rejected(refresh(client, "x" * 300), 401, "unknown refresh token")
    rejected(client.post("/jwt/refresh", json={}), 400, "missing field(s): refresh_token")
    old = AuthActions(client).jwt_login()["refresh_token"]
    clock.advance(24 * 3600)
    rejected(refresh(client, old), 401, "refresh token expired")


def test_a_family_ends_a_week_after_login_however_often_it_refreshes(client, clock):
    token = AuthActions(client).jwt_login()["refresh_token"]
    for _ in range(7):  # 7 x 23 h = 161 h, just under a week
        clock.advance(23 * 3600)
        token = refresh(client, token).json["refresh_token"]
    clock.advance(23 * 3600)
    rejected(refresh(client, token), 401, "too old")


def test_an_access_token_is_not_a_refresh_token(client):
    pair = AuthActions(client).jwt_login()
    rejected(refresh(client, pair["access_token"]), 401, "unknown refresh token")
    rejected(client.get("/jwt/me", headers=bearer(pair["refresh_token"])), 401, "malformed token")


# --- logout ------------------------------------------------------------------------------


def test_logout_denies_the_token_and_ends_its_refresh_family(client):
    pair = AuthActions(client).jwt_login()
    response = client.post("/jwt/logout", headers=bearer(pair["access_token"]))
    assert response.status_code == 200
    rejected(client.get("/jwt/me", headers=bearer(pair["access_token"])), 401, "revoked")
    rejected(refresh(client, pair["refresh_token"]), 401, "family has ended (logged out)")


def test_logout_needs_a_valid_token(client):
    rejected(client.post("/jwt/logout"), 401, "send 'Authorization: Bearer")


def test_the_deny_list_forgets_tokens_once_they_expire(app, client, clock):
    pair = AuthActions(client).jwt_login()
    client.post("/jwt/logout", headers=bearer(pair["access_token"]))
    denied = token_service(app).access.denied
    assert len(denied) == 1
    clock.advance(ACCESS_TOKEN_SECONDS + LEEWAY_SECONDS + 1)
    client.post("/jwt/logout", headers=bearer(AuthActions(client).jwt_login()["access_token"]))
    assert len(denied) == 1, "the first entry should have been dropped: its token expired anyway"


# --- JWKS, kid and key rotation -----------------------------------------------------------


def test_jwks_publishes_public_keys_only(client):
    jwks = client.get("/jwt/.well-known/jwks.json").json
    assert set(jwks) == {"keys"} and len(jwks["keys"]) == 1
    (key,) = jwks["keys"]
    assert set(key) == {"kty", "crv", "x", "kid", "alg", "use"}, "no private member 'd'"
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert len(key["x"]) == 43  # 32 bytes, base64url without padding


def test_anyone_can_verify_with_the_jwks(client, clock):
    token = AuthActions(client).jwt_login()["access_token"]
    header = jwt.get_unverified_header(token)
    jwks = jwt.PyJWKSet.from_dict(client.get("/jwt/.well-known/jwks.json").json)
    key = jwks[header["kid"]]
    claims = jwt.decode(
        token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER,
        options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
    )  # fmt: skip
    assert claims["sub"] == "alice"


def test_key_rotation_keeps_old_tokens_valid_until_the_key_is_retired(app, client):
    keys = token_service(app).keys
    old_kid = keys.current.kid
    old_token = AuthActions(client).jwt_login()["access_token"]
    new_kid = keys.rotate(demo_key("rotated")).kid
    new_token = AuthActions(client).jwt_login()["access_token"]
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid != old_kid
    assert [k["kid"] for k in client.get("/jwt/.well-known/jwks.json").json["keys"]] == [new_kid, old_kid]
    assert client.get("/jwt/me", headers=bearer(old_token)).status_code == 200
    keys.retire(old_kid)
    rejected(client.get("/jwt/me", headers=bearer(old_token)), 401, "unknown signing key")
    assert client.get("/jwt/me", headers=bearer(new_token)).status_code == 200
    with pytest.raises(ValueError, match="rotate to a new key"):
        keys.retire(new_kid)


def test_seeded_keys_and_ids_give_the_same_tokens_on_every_run():
    config = {**FAST, "JWT_PRIVATE_KEY": demo_key("jwt"), "JWT_ID_SEED": demo_key("ids")}
    first, second = (AuthActions(create_app(config).test_client()).jwt_login() for _ in range(2))
    assert first == second
    assert (
        AuthActions(create_app(FAST).test_client()).jwt_login()
        != AuthActions(create_app(FAST).test_client()).jwt_login()
    )


# --- the insecure twin ---------------------------------------------------------------------


def test_vuln_twin_accepts_alg_none_and_the_fixed_one_does_not(insecure_client):
    token = forge({"alg": "none"}, {"sub": "admin"}, hmac_key=None)
    attacked = insecure_client.get("/vuln/jwt/me", headers=bearer(token))
    assert attacked.status_code == 200 and attacked.json["user"] == "admin"
    assert attacked.headers["X-Insecure-Demo"].startswith("CWE-347")
    rejected(insecure_client.get("/jwt/me", headers=bearer(token)), 401, "'none' is not allowed")


def test_vuln_twin_falls_for_algorithm_confusion_and_the_fixed_one_does_not(insecure_client):
    jwk = insecure_client.get("/jwt/.well-known/jwks.json").json["keys"][0]
    public_pem = jwt.PyJWK(jwk).key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    token = forge({"alg": "HS256", "kid": jwk["kid"]}, {"sub": "admin"}, hmac_key=public_pem)
    attacked = insecure_client.get("/vuln/jwt/me", headers=bearer(token))
    assert attacked.status_code == 200 and attacked.json["user"] == "admin"
    rejected(insecure_client.get("/jwt/me", headers=bearer(token)), 401, "'HS256' is not allowed")


def test_vuln_twin_still_accepts_real_tokens_and_refuses_bad_signatures(insecure_client):
    token = AuthActions(insecure_client).jwt_login()["access_token"]
    assert insecure_client.get("/vuln/jwt/me", headers=bearer(token)).json["user"] == "alice"
    wrong = forge({"alg": "HS256"}, {"sub": "admin"}, hmac_key=b"not the public key" * 2)
    rejected(insecure_client.get("/vuln/jwt/me", headers=bearer(wrong)), 401, "bad signature")
