"""Checks for exercises/04-jwt-exercises.ipynb: the checks attack the learner's verifiers.

Every check first runs the legitimate flow (so an unfinished answer reports
"not done yet"), then replays the attacks: each must be refused. A failure
shows the token (and key) that got through, so the learner can try it again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import warnings
from typing import Any, Callable

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from course.checks import exercise, in_your_code, needs
from course.checks._support import call, calling, random_word, running_server
from course.checks._values import original
from demo_server import DEMO_EPOCH, DEMO_USERS

ISSUER = "sessions-live-demo"
AUDIENCE = "sessions-live-api"
# A time far from the real one, so a verifier that looks at the real clock gets it wrong.
SOME_NOW = DEMO_EPOCH - 400 * 86400


# --- helpers the checks (and the hidden tests) share ---------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def handmade_token(header: dict[str, Any], claims: dict[str, Any], hmac_key: bytes | None) -> str:
    """What an attacker writes by hand: unsigned (hmac_key None) or HMAC-SHA256 with any key."""
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    if hmac_key is None:
        return signing_input + "."
    return f"{signing_input}.{b64url(hmac.new(hmac_key, signing_input.encode(), hashlib.sha256).digest())}"


def tampered(token: str, **changes: Any) -> str:
    """The same token with claims changed and the old signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return f"{header}.{b64url(json.dumps({**claims, **changes}).encode())}.{signature}"


def refused(function: Callable, *args: Any, **kwargs: Any) -> BaseException | None:
    """The exception ``function`` raised (it refused), or None if it accepted."""
    try:
        function(*args, **kwargs)
    except NotImplementedError:
        raise  # "not done yet", not a refusal
    except Exception as error:  # any exception counts as a refusal here
        return error
    return None


def accepted(what: str, function: Callable, *args: Any, **kwargs: Any) -> Any:
    """The result for a legitimate input; a refusal becomes a failure that says what was refused."""
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as error:
        raise AssertionError(f"{what} was refused: {type(error).__name__}: {error}{in_your_code(error)}") from None


def _not_the_course_copy(function: Callable, name: str) -> None:
    """The lesson imports a finished HS256 from course.lessons.by_hand.jwt_hs256; the exercise is to write one."""
    from course.lessons.by_hand import jwt_hs256 as jwt_by_hand

    assert original(function) is not getattr(jwt_by_hand, name), (
        f"this {name} is the lesson's own, imported from course.lessons.by_hand.jwt_hs256: write yours in the cell"
    )


class SigningKey:
    """A fresh Ed25519 key, its kid and its JWKS, as an issuer would have."""

    def __init__(self) -> None:
        self.private_key = Ed25519PrivateKey.generate()
        self.kid = random_word("key-")
        self.jwk = {**jwt.algorithms.OKPAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True),
                    "kid": self.kid, "alg": "EdDSA", "use": "sig"}  # fmt: skip

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        headers = {"kid": self.kid, "typ": "at+jwt", **header}
        return jwt.encode(claims, self.private_key, algorithm="EdDSA", headers=headers)

    def public_key_forms(self) -> list[bytes]:
        """Every form of the *public* key an attacker could use as an HMAC secret."""
        public_key = self.private_key.public_key()
        return [
            public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
            public_key.public_bytes(Encoding.Raw, PublicFormat.Raw),
            self.jwk["x"].encode(),
            json.dumps(self.jwk).encode(),
        ]


def access_claims(now: float, **changes: Any) -> dict[str, Any]:
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": random_word("user"), "jti": random_word("jti"),
              "iat": int(now), "nbf": int(now), "exp": int(now) + 300}  # fmt: skip
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


# --- 04.1 and 04.2: HS256 by hand ------------------------------------------------------------


@exercise(
    "04.1",
    "Sign an HS256 token by hand",
    hint=[
        "Lesson 04, Step 2 wrote sign_hs256 in full; this is the same, with the b64url helper given.",
        "Header {'alg': 'HS256', 'typ': 'JWT'} and the payload, each json.dumps(...).encode() then b64url; "
        "the signing input is the ASCII text 'header.payload'.",
        "Shape: signature = hmac.new(key, signing_input, hashlib.sha256).digest(); return "
        "f'{header}.{payload}.{b64url(signature)}'.",
    ],
)
def sign_by_hand(ns):
    (sign_hs256,) = needs(ns, "sign_hs256")
    _not_the_course_copy(sign_hs256, "sign_hs256")
    key = secrets.token_bytes(32)
    payload = {"sub": random_word("user"), "admin": False, "n": secrets.randbelow(10**6)}
    tried, token = calling("sign_hs256", sign_hs256, payload, key)
    made = f"{tried} returned {token!r}"
    assert isinstance(token, str), f"{made}: it should return a str"
    assert token.count(".") == 2, f"{made}: a JWT is three parts joined by dots, header.payload.signature"
    assert "=" not in token, f"{made}: base64url in a JWT has no '=' padding, strip it"
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError as error:
        raise AssertionError(f"{made}: PyJWT cannot read its header ({error})") from None
    assert header.get("alg") == "HS256", f"{made}: the header should say alg HS256, it says {header!r}"
    try:
        decoded = jwt.decode(token, key, algorithms=["HS256"])
    except jwt.InvalidSignatureError:
        raise AssertionError(
            f"{made}: PyJWT says the signature is wrong (HMAC-SHA256 over the ASCII text 'header.payload')"
        ) from None
    assert decoded == payload, f"{made}: PyJWT decoded {decoded!r}, but you signed {payload!r}"
    other = sign_hs256(payload, secrets.token_bytes(32))
    assert other.split(".")[2] != token.split(".")[2], "a different key must give a different signature"


@exercise(
    "04.2",
    "Verify an HS256 token by hand",
    hint=[
        "Lesson 04, Step 2: verify_hs256 in course/lessons/by_hand/jwt_hs256.py, and the order its checks come in.",
        "Order: three parts and a JSON header; alg must BE 'HS256' (allow one, do not forbid 'none'); then the "
        "signature with hmac.compare_digest; only then the claims.",
        "Shape: raise ValueError('why') for each refusal; expired when now >= exp, too early when now < nbf; "
        "now = time.time() when it is None.",
    ],
)
def verify_by_hand(ns):
    (verify_hs256,) = needs(ns, "verify_hs256")
    _not_the_course_copy(verify_hs256, "verify_hs256")
    key = secrets.token_bytes(32)
    now = SOME_NOW + secrets.randbelow(86400)
    claims = {"sub": random_word("user"), "iat": int(now), "nbf": int(now), "exp": int(now) + 60}
    good = jwt.encode(claims, key, algorithm="HS256")
    payload = accepted("a valid token made by PyJWT (judged at `now`)", verify_hs256, good, key, now=now)
    assert payload == claims, f"a valid PyJWT token should give back its payload {claims!r}, got {payload!r}"
    forever = {"sub": "ada", "exp": 4102444800}  # 2100-01-01
    payload = accepted(
        "a valid token with no `now` given (use time.time())",
        verify_hs256, jwt.encode(forever, key, algorithm="HS256"), key,
    )  # fmt: skip
    assert payload == forever, f"verify_hs256 should give back the payload {forever!r}, got {payload!r}"

    forged = {**claims, "sub": "admin"}
    attacks = {
        "an unsigned token (alg none)": handmade_token({"alg": "none", "typ": "JWT"}, forged, None),
        "alg 'None' spelled differently": handmade_token({"alg": "None"}, forged, None),
        "an HS512 token (not the allowed algorithm)": jwt.encode(claims, key * 2, algorithm="HS512"),
        "a header saying HS384 over a good HMAC-SHA256 (allow HS256, don't just forbid none)": handmade_token(
            {"alg": "HS384"}, claims, key
        ),
        "a tampered payload": tampered(good, sub="admin"),
        "a token signed with another key": jwt.encode(claims, secrets.token_bytes(32), algorithm="HS256"),
        "an expired token (exp == now)": jwt.encode({**claims, "exp": int(now)}, key, algorithm="HS256"),
        "a token that is not valid yet (nbf > now)": jwt.encode(
            {**claims, "nbf": int(now) + 30}, key, algorithm="HS256"
        ),
        "garbage ('not.a.jwt')": "not.a.jwt",
        "garbage (two parts)": "abc.def",
    }
    for name, token in attacks.items():
        error = refused(verify_hs256, token, key, now=now)
        tried = call("verify_hs256", token, key, now=now)
        assert error is not None, f"verify_hs256 accepted {name}: {tried}"
        assert isinstance(error, ValueError), (
            f"for {name}, raise ValueError('why'), not {type(error).__name__}: {error}{in_your_code(error)} ({tried})"
        )
        assert str(error), f"for {name}, say why: ValueError('bad signature'), not a bare ValueError() ({tried})"


# --- 04.3: a verifier for the demo server's EdDSA access tokens ------------------------------


@exercise(
    "04.3",
    "A verifier that cannot be talked into trusting a forged token",
    hint=[
        "Lesson 04, Steps 3-5: an allow-list, the key the kid names from the JWKS, iss and aud, and the times "
        "judged at the server's clock.",
        "kid = jwt.get_unverified_header(token).get('kid'); pick the jwks['keys'] entry with that kid "
        "(jwt.PyJWK(entry) is its key) or refuse; jwt.decode(..., algorithms=['EdDSA'], audience=AUDIENCE, "
        "issuer=ISSUER, options={'verify_exp': False, 'verify_nbf': False, 'verify_iat': False}).",
        "Then the times at `now`, with LEEWAY_SECONDS: refuse when now >= exp + leeway, now < nbf - leeway, or "
        "iat > now + leeway (issued in the future).",
    ],
    points=2,
)
def access_token_verifier(ns):
    (verify_access_token,) = needs(ns, "verify_access_token")
    issuer_key = SigningKey()
    jwks = {"keys": [issuer_key.jwk]}
    now = SOME_NOW + secrets.randbelow(86400)
    claims = access_claims(now)
    good = issuer_key.sign(claims)
    what = "a valid token (signed by the JWKS key, judged at `now`)"
    result = accepted(what, verify_access_token, good, jwks, now)
    assert isinstance(result, dict) and result.get("sub") == claims["sub"], (
        f"a valid token should give back its claims, got {result!r}"
    )
    _real_server_token_is_accepted(verify_access_token)

    forged = {**claims, "sub": "admin"}
    unsigned_header = {"alg": "none", "kid": issuer_key.kid, "typ": "at+jwt"}
    attacks = {"alg none": handmade_token(unsigned_header, forged, None)}
    for number, secret in enumerate(issuer_key.public_key_forms(), start=1):
        attacks[f"HS256 signed with the public key as the HMAC secret (form {number})"] = handmade_token(
            {"alg": "HS256", "kid": issuer_key.kid, "typ": "at+jwt"}, forged, secret
        )
    attacks.update({
        "a tampered payload": tampered(good, sub="admin"),
        "a token signed by another key with the same kid": _same_kid_other_key(issuer_key, claims),
        "an expired token (2 minutes past exp)": issuer_key.sign(access_claims(now, exp=int(now) - 120)),
        "a token for another audience": issuer_key.sign(access_claims(now, aud="another-api")),
        "a token from another issuer": issuer_key.sign(access_claims(now, iss="someone-else")),
        "a token issued 2 minutes in the future (iat)": issuer_key.sign(access_claims(now, iat=int(now) + 120)),
        "a token that is not valid for 2 more minutes (nbf)": issuer_key.sign(access_claims(now, nbf=int(now) + 120)),
    })  # fmt: skip
    for name, token in attacks.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)  # raw 32-byte forms are "short"
            error = refused(verify_access_token, token, jwks, now)
        assert error is not None, (
            f"verify_access_token accepted {name}: {call('verify_access_token', token, jwks, now)}"
        )


def _same_kid_other_key(issuer_key: SigningKey, claims: dict[str, Any]) -> str:
    impostor = SigningKey()
    headers = {"kid": issuer_key.kid, "typ": "at+jwt"}
    return jwt.encode(claims, impostor.private_key, algorithm="EdDSA", headers=headers)


def _real_server_token_is_accepted(verify_access_token: Callable) -> None:
    server = running_server()
    alice = {"username": "alice", "password": DEMO_USERS["alice"]}
    login = requests.post(f"{server.url}/jwt/login", json=alice, timeout=5)
    jwks = requests.get(f"{server.url}/jwt/.well-known/jwks.json", timeout=5).json()
    claims = accepted(
        "the demo server's own token (judged at server.clock.now())",
        verify_access_token, login.json()["access_token"], jwks, server.clock.now(),
    )  # fmt: skip
    assert isinstance(claims, dict) and claims.get("sub") == "alice", (
        f"the demo server's own token (judged at server.clock.now()) should verify, got {claims!r}"
    )


# --- 04.4: refresh-token rotation with reuse detection ------------------------------------------


@exercise(
    "04.4",
    "Rotate refresh tokens and catch a reused one",
    hint=[
        "Lesson 04, Step 6: a login starts a family; each refresh uses one token up and hands out the next.",
        "Keep two maps: token -> its family and whether it was used; family -> its user and whether it ended.",
        "Shape of rotate(): unknown token or ended family -> ValueError; a used token -> end its family, then "
        "ValueError; else mark it used and issue the family's next token.",
    ],
    points=2,
)
def refresh_rotation(ns):
    (RefreshTokens,) = needs(ns, "RefreshTokens")
    store = RefreshTokens()
    user = random_word("user")
    _, first = calling("RefreshTokens().start", store.start, user)
    assert isinstance(first, str) and len(first) >= 22, (
        "a refresh token is a long random string (secrets.token_urlsafe)"
    )
    _, (who, second) = calling("store.rotate", store.rotate, first)
    assert who == user, f"rotate() should return the user the family belongs to ({user!r}), got {who!r}"
    assert second != first, "rotate() must hand out a new refresh token"
    who, third = store.rotate(second)
    assert who == user and third not in (first, second), "each rotation gives a fresh token"

    other_user = random_word("user")
    other = store.start(other_user)

    error = refused(store.rotate, first)
    assert error is not None, "a used refresh token came back and rotate() accepted it: that is the replay"
    assert isinstance(error, ValueError), f"refuse with ValueError('why'), not {type(error).__name__}"
    assert refused(store.rotate, third) is not None, (
        "after the reuse, the newest token of that family must fail too: the thief may be the one holding it"
    )
    made_up = random_word("made-up-token-")
    assert refused(store.rotate, made_up) is not None, "an unknown token must be refused"
    who, _ = store.rotate(other)
    assert who == other_user, "another family (another login) must not be affected by the reuse"
