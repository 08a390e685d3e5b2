"""The layer every request passes before a view reads it: what the server cannot represent is refused here, with a 4xx.

- Bodies: at most ``MAX_CONTENT_LENGTH`` bytes (413). Werkzeug refuses a larger ``Content-Length``
  itself, but a streamed (chunked) body has none, and werkzeug would cut it at the limit and hand
  the view the first 64 KiB as if that were all; ``LimitedBody`` refuses it instead.
- JSON: ``strict_json`` (lone surrogates, deep nesting, NaN, huge numbers); views read bodies
  with ``request_input.json_object()``, and ``request.get_json()`` uses the same parser.
- Cookies: none larger than a browser would send (``cookie_limits``, 431).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import IO

from flask import Flask, Request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream

from demo_server.web import strict_json
from demo_server.web.cookie_limits import reject_oversized_cookies


def init_app(app: Flask) -> None:
    app.request_class = DemoRequest
    app.before_request(reject_oversized_cookies)


class LimitedBody(LimitedStream):
    """A body of unknown length that may be read up to ``limit`` bytes, and is refused (413) past them."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        # One byte more than allowed may be read: getting it proves the body is too large.
        super().__init__(stream, limit + 1, is_max=True)
        self.allowed = limit

    def readinto(self, buffer: bytearray) -> int | None:  # type: ignore[override]
        count = super().readinto(buffer)
        if self.tell() > self.allowed:
            raise RequestEntityTooLarge(f"the request body is larger than {self.allowed} bytes")
        return count


class DemoRequest(Request):
    # request.get_json() refuses what strict_json refuses; on_json_loading_failed says why.
    json_module = SimpleNamespace(loads=strict_json.loads)

    @cached_property
    def stream(self) -> IO[bytes]:
        limit = self.max_content_length
        streamed = self.content_length is None and "wsgi.input_terminated" in self.environ
        if streamed and limit is not None and not self.shallow:
            return LimitedBody(self.environ["wsgi.input"], limit)
        return Request.stream.fget(self)  # werkzeug's own: Content-Length checked against the limit

    def on_json_loading_failed(self, error: ValueError | None):
        if isinstance(error, strict_json.JSONRejected):
            raise BadRequest(f"the request body {error}")
        return super().on_json_loading_failed(error)
