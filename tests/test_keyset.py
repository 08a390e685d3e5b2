"""The shared key set: one file every process loads, rotated in three steps without logging anybody out."""

from __future__ import annotations

import json
import stat

import pytest

from demo_server import create_app, demo_key
from demo_server.context import token_service
from demo_server.scale.keyset import KeySet, KeySetError, cookie_key_id

from .auth import credentials


@pytest.fixture
def key_set():
    return KeySet.new(demo_key("test cookie key"), demo_key("test jwt key"))


def test_a_key_set_survives_its_file(key_set, tmp_path):
    new_kid = key_set.add_jwt_key(demo_key("test jwt key 2"))
    path = tmp_path / "keys.json"
    key_set.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "private keys: owner only"
    loaded = KeySet.load(path)
    assert loaded.to_json() == key_set.to_json()
    assert loaded.jwt.verifying == [new_kid] and loaded.jwt.signing != new_kid
    jwk = json.loads(path.read_text())["jwt"]["jwks"]["keys"][0]
    assert {jwk["kty"], jwk["crv"], jwk["alg"]} == {"OKP", "Ed25519", "EdDSA"} and len(jwk["kid"]) == 16


def test_an_app_takes_its_keys_from_the_set(key_set, tmp_path):
    key_set.add_cookie_key(demo_key("test cookie key 2"))
    new_kid = key_set.add_jwt_key(demo_key("test jwt key 2"))
    path = tmp_path / "keys.json"
    key_set.save(path)
    app = create_app({"KEY_SET": str(path), "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    assert app.config["SECRET_KEY"] == demo_key("test cookie key")
    assert app.config["SECRET_KEY_FALLBACKS"] == [demo_key("test cookie key 2")]
    ring = token_service(app).keys
    assert ring.current.kid == key_set.jwt.signing and ring.get(new_kid) is not None
    assert [key["kid"] for key in ring.jwks()["keys"]] == [key_set.jwt.signing, new_kid]
    client = app.test_client()
    tokens = client.post("/jwt/login", json=credentials("alice")).json
    assert client.get("/jwt/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}).status_code == 200


def test_keys_are_not_given_twice(key_set, tmp_path):
    key_set.save(tmp_path / "keys.json")
    with pytest.raises(KeySetError, match="KEY_SET replaces SECRET_KEY"):
        create_app({"KEY_SET": str(tmp_path / "keys.json"), "SECRET_KEY": demo_key("x")})


def test_rotation_steps_guard_their_order(key_set):
    old = key_set.jwt.signing
    with pytest.raises(KeyError, match="add it first"):
        key_set.jwt.sign_with("not-a-kid")
    with pytest.raises(ValueError, match="sign with another key"):
        key_set.jwt.retire(old)
    new = key_set.add_jwt_key()
    key_set.jwt.sign_with(new)
    key_set.jwt.retire(old)
    assert list(key_set.jwt.keys) == [new]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data: data.pop("jwt"), "not a key set"),
        (lambda data: data["jwt"].update(signing="nobody"), "signing JWT key 'nobody' is not in the set"),
        (lambda data: data["jwt"]["jwks"]["keys"][0].update(kid="forged"), "does not match its private key"),
        (lambda data: data["jwt"]["jwks"]["keys"][0].update(kty="RSA"), "not an Ed25519"),
        (lambda data: data["cookies"]["keys"].update(short="AAAA"), "at least 32 random bytes"),
        (lambda data: data["cookies"].update(signing="gone"), "signing cookie key 'gone' is not in the set"),
    ],
)
def test_a_broken_key_set_is_refused_with_a_reason(key_set, change, message):
    data = key_set.to_json()
    change(data)
    with pytest.raises(KeySetError, match=message):
        KeySet.from_json(data)


def test_unreadable_files_say_so(tmp_path):
    with pytest.raises(KeySetError, match="cannot read the key set"):
        KeySet.load(tmp_path / "missing.json")
    (tmp_path / "garbage.json").write_text("{")
    with pytest.raises(KeySetError, match="is not JSON"):
        KeySet.load(tmp_path / "garbage.json")


def test_cookie_key_ids_name_keys_without_revealing_them():
    secret = demo_key("id test")
    assert cookie_key_id(secret) == cookie_key_id(secret) != cookie_key_id(demo_key("other"))
    assert len(cookie_key_id(secret)) == 8 and cookie_key_id(secret) not in secret.hex()
