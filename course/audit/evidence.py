"""Evidence: the exact request and response lines that prove a finding.

Lines look like ``show()``'s transcripts (``>>>`` what was sent, ``<<<`` what came back),
keeping only the headers that matter for sessions. The audit's password never appears:
it is masked wherever the login body carried it. With ``--redact`` the values the server
issued (session IDs, tokens) are replaced by numbered placeholders, so a report can be
shared without live credentials.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote_plus

import requests

from course.audit.session_values import looks_like_jwt
from course.audit.target import set_cookie_headers
from course.lessons.display import show

REQUEST_HEADERS = ("cookie", "authorization", "content-type", "origin", "sec-fetch-site", "referer")
RESPONSE_HEADERS = ("set-cookie", "location", "cache-control", "www-authenticate")
MAX_BODY_CHARS = 240
MASK = "********"
MIN_REDACTED_LENGTH = 16  # shorter values (like "admin") are the finding itself, not a secret


@dataclass
class Evidence:
    password: str = ""

    def of(
        self, response: requests.Response, comment: str = "", *, body: bool = True, request_body: bool = True
    ) -> list[str]:
        """The lines of one exchange: request line and its session headers and body, then the answer."""
        exchange = show(response)
        lines = [f"# {comment}"] if comment else []
        lines.append(f">>> {exchange.request_line}")
        wanted = REQUEST_HEADERS if request_body else tuple(name for name in REQUEST_HEADERS if name != "content-type")
        lines += [f"    {name}: {value}" for name, value in exchange.request_headers if name.lower() in wanted]
        if request_body and exchange.request_body:
            lines.append(f"    {self._masked(_compact(exchange.request_body))}")
        lines.append(f"<<< {exchange.status_line}")
        lines += [
            f"    {name}: {value}" for name, value in exchange.response_headers if name.lower() in RESPONSE_HEADERS
        ]
        # A redirect's body is a "Redirecting..." page nobody reads; its Location says it all.
        if body and exchange.response_body and not 300 <= response.status_code < 400:
            lines.append(f"    {_shortened(_compact(exchange.response_body))}")
        return lines

    def _masked(self, text: str) -> str:
        if not self.password:
            return text
        text = text.replace(json.dumps(self.password), json.dumps(MASK))
        return re.sub(rf"=({re.escape(quote_plus(self.password))})(?=&|$)", f"={MASK}", text)


@dataclass
class Redactor:
    """Numbered placeholders for the values the server issued (for --redact)."""

    names: dict[str, str] = field(default_factory=dict)

    def learn(self, responses: list[requests.Response]) -> None:
        for response in responses:
            for header in set_cookie_headers(response):
                value = header.partition("=")[2].partition(";")[0]
                self._add(value)
            for token in _tokens_in_body(response):
                self._add(token)

    def _add(self, value: str) -> None:
        if len(value) >= MIN_REDACTED_LENGTH and value not in self.names:
            self.names[value] = f"<value #{len(self.names) + 1}, {len(value)} characters>"

    def apply(self, line: str) -> str:
        for value in sorted(self.names, key=len, reverse=True):  # longest first: a value may contain another
            line = line.replace(value, self.names[value])
        return line


def _tokens_in_body(response: requests.Response) -> list[str]:
    """Tokens in a JSON answer: JWT-shaped strings, and strings under a key that names a token."""
    try:
        data = response.json()
    except ValueError:
        return []
    found = []

    def walk(value, key: str = "") -> None:
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(inner, str(name))
        elif isinstance(value, list):
            for inner in value:
                walk(inner, key)
        elif isinstance(value, str) and (looks_like_jwt(value) or "token" in key.lower()):
            found.append(value)

    walk(data)
    return found


def _compact(body: str) -> str:
    try:
        return json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        return " ".join(body.split())


def _shortened(text: str) -> str:
    return text if len(text) <= MAX_BODY_CHARS else text[: MAX_BODY_CHARS - 1] + f"… ({len(text)} characters)"
