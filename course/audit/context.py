"""What every probe gets: the target, the options, the audit's session, and small helpers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import requests

from course.audit.evidence import Evidence
from course.audit.login import Credential, LoginAnswer, Setup, log_in
from course.audit.options import AuditOptions
from course.audit.session_values import SessionValue, read_value
from course.audit.target import Target, authenticated


@dataclass
class AuditContext:
    options: AuditOptions
    target: Target
    setup: Setup
    evidence: Evidence

    @property
    def credential(self) -> Credential:
        return self.setup.credential

    @cached_property
    def session_value(self) -> SessionValue:
        return read_value(self.credential.value, self.options.username)

    @property
    def plain_http_on_loopback(self) -> bool:
        """Served over http on this machine: a missing Secure or prefix is a note, not a failure."""
        return self.target.where.loopback and not self.target.where.https

    def profile(self, credential: Credential, **kwargs) -> requests.Response:
        return credential.send(self.target, "GET", self.options.profile, **kwargs)

    def fresh_session(self, planted: dict[str, str] | None = None) -> tuple[Credential | None, LoginAnswer]:
        """Log in again (a new browser); the credential is shaped like the audit's own, or None."""
        answer = log_in(self.target, self.options, planted=planted)
        return self.credential_from(answer), answer

    def credential_from(self, answer: LoginAnswer) -> Credential | None:
        main = self.credential
        if main.bearer is not None:
            return Credential(answer.cookies, (), answer.tokens[0].value) if answer.tokens else None
        if not all(name in answer.cookies for name in main.session_cookies):
            return None
        return Credential(answer.cookies, main.session_cookies)

    def works(self, credential: Credential) -> tuple[bool, requests.Response]:
        """Does --profile accept this credential?"""
        response = self.profile(credential)
        return authenticated(response), response
