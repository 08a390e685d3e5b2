"""Show an HTTP exchange (what the client sent, what the server answered).

``show(response)`` returns an object that JupyterLab renders as HTML, with
``Set-Cookie`` and ``Cookie`` highlighted, and whose ``text/plain`` form is a
clean transcript (that is what nbval compares and what a terminal prints).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

import requests

HIGHLIGHTED_HEADERS = {"set-cookie", "cookie"}
# Transport details that say nothing about sessions; hidden unless asked for.
TRANSPORT_HEADERS = {"connection", "content-length", "accept-encoding"}
MAX_BODY_CHARS = 2000


@dataclass(frozen=True)
class Exchange:
    request_line: str
    request_headers: list[tuple[str, str]]
    request_body: str
    status_line: str
    response_headers: list[tuple[str, str]]
    response_body: str

    def lines(self) -> list[tuple[str, bool]]:
        """(line, highlighted) pairs of the transcript."""
        out: list[tuple[str, bool]] = [(f">>> {self.request_line}", False)]
        out += [(f"    {name}: {value}", name.lower() in HIGHLIGHTED_HEADERS) for name, value in self.request_headers]
        if self.request_body:
            out += [("", False)] + [(f"    {line}", False) for line in self.request_body.splitlines()]
        out += [("", False), (f"<<< {self.status_line}", False)]
        out += [(f"    {name}: {value}", name.lower() in HIGHLIGHTED_HEADERS) for name, value in self.response_headers]
        if self.response_body:
            out += [("", False)] + [(f"    {line}", False) for line in self.response_body.splitlines()]
        return out

    def __repr__(self) -> str:
        return "\n".join(line for line, _ in self.lines())

    def _repr_html_(self) -> str:
        rows = []
        for line, highlighted in self.lines():
            text = html.escape(line) or "&nbsp;"
            if highlighted:
                text = f'<mark style="background:#fff3b0;color:#000">{text}</mark>'
            elif line.startswith((">>>", "<<<")):
                text = f"<b>{text}</b>"
            rows.append(text)
        return (
            '<pre style="font-size:12px;line-height:1.35;padding:8px;border-left:3px solid #888">'
            + "\n".join(rows)
            + "</pre>"
        )


def show(response: requests.Response, *, transport_headers: bool = False) -> Exchange:
    """The exchange behind a ``requests`` response, ready to display."""
    if not isinstance(response, requests.Response):
        raise TypeError(f"show() takes the response of a requests call, not {type(response).__name__}")
    request = response.request
    url = urlsplit(request.url)
    target = url.path or "/"
    if url.query:
        target += f"?{url.query}"

    request_headers = [("Host", url.netloc)] + list(request.headers.items())
    response_headers = _response_headers(response)
    if not transport_headers:
        request_headers = [(n, v) for n, v in request_headers if n.lower() not in TRANSPORT_HEADERS]
        response_headers = [(n, v) for n, v in response_headers if n.lower() not in TRANSPORT_HEADERS]

    return Exchange(
        request_line=f"{request.method} {target} HTTP/1.1",
        request_headers=request_headers,
        request_body=_readable_body(request.body, request.headers.get("Content-Type", "")),
        status_line=f"{response.status_code} {_reason(response)}",
        response_headers=response_headers,
        response_body=_readable_body(response.content, response.headers.get("Content-Type", "")),
    )


def _response_headers(response: requests.Response) -> list[tuple[str, str]]:
    # requests folds repeated headers (two Set-Cookie lines) into one; the raw
    # urllib3 headers keep them apart, as they were on the wire.
    raw_headers = getattr(response.raw, "headers", None)
    if raw_headers is not None and hasattr(raw_headers, "iteritems"):
        return list(raw_headers.iteritems())
    return list(response.headers.items())


def _reason(response: requests.Response) -> str:
    if response.reason:
        return response.reason
    try:
        return HTTPStatus(response.status_code).phrase
    except ValueError:
        return ""


def _readable_body(body: bytes | str | None, content_type: str) -> str:
    if not body:
        return ""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return f"<{len(body)} bytes of binary data>"
    if "json" in content_type:
        try:
            body = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    if len(body) > MAX_BODY_CHARS:
        body = body[:MAX_BODY_CHARS] + f"\n... ({len(body) - MAX_BODY_CHARS} more characters)"
    return body
