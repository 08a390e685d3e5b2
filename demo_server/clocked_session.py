"""Flask's signed session cookie, timestamped by the app's injected clock.

Flask signs its session cookie with itsdangerous' TimestampSigner, which
stamps real time into every cookie; the demo server stamps its own clock's
time instead, so lesson 02 prints the same cookies on every run and expiry
can be shown by advancing the clock.
"""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from .context import clock


class ClockedTimestampSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(clock().now())


class ClockedSessionInterface(SecureCookieSessionInterface):
    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        fallbacks = app.config.get("SECRET_KEY_FALLBACKS") or []
        keys = [*fallbacks, app.secret_key]  # itsdangerous signs with the last, the current key
        return URLSafeTimedSerializer(
            keys,
            salt=self.salt,
            serializer=self.serializer,
            signer=ClockedTimestampSigner,
            signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method},
        )
