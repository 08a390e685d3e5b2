"""Flask's signed session cookie, timestamped by the app's injected clock.

Flask signs its session cookie with itsdangerous' TimestampSigner, which
stamps real time into every cookie; the demo server stamps its own clock's
time instead, so lesson 02 prints the same cookies on every run and expiry
can be shown by advancing the clock.
"""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from demo_server.context import clock


class ClockedTimestampSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(clock().now())


def session_serializer(keys: list) -> URLSafeTimedSerializer:
    """Flask's session-cookie format (salt, HMAC-SHA1, JSON tags) on the demo clock.

    ``keys``: oldest first; itsdangerous signs with the last one and accepts all.
    """
    flask_format = SecureCookieSessionInterface
    return URLSafeTimedSerializer(
        keys,
        salt=flask_format.salt,
        serializer=flask_format.serializer,
        signer=ClockedTimestampSigner,
        signer_kwargs={"key_derivation": flask_format.key_derivation, "digest_method": flask_format.digest_method},
    )


class ClockedSessionInterface(SecureCookieSessionInterface):
    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        fallbacks = app.config.get("SECRET_KEY_FALLBACKS") or []
        return session_serializer([*fallbacks, app.secret_key])
