"""Reading a JSON request body with errors a learner can act on."""

from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from demo_server.web import strict_json

MAX_FIELD_LENGTH = 1024


def json_object() -> dict[str, Any]:
    """The request body as a JSON object, or a 4xx that says what is wrong (see strict_json for what is refused)."""
    if not request.is_json:
        raise UnsupportedMediaType(
            f"send a JSON body with 'Content-Type: application/json' (got {request.mimetype or 'no Content-Type'})"
        )
    try:
        data = strict_json.loads(request.get_data(cache=True))
    except strict_json.JSONRejected as refused:
        raise BadRequest(f"the request body {refused}") from None
    if not isinstance(data, dict):
        raise BadRequest(f"expected a JSON object, got a JSON {type(data).__name__}")
    return data


def string_fields(data: dict[str, Any], *names: str) -> tuple[str, ...]:
    """The named fields, each a non-empty string of sensible length."""
    missing = [name for name in names if name not in data]
    if missing:
        raise BadRequest(f"missing field(s): {', '.join(missing)}")
    values = []
    for name in names:
        value = data[name]
        if not isinstance(value, str):
            raise BadRequest(f"field '{name}' must be a string")
        if len(value) > MAX_FIELD_LENGTH:
            raise BadRequest(f"field '{name}' is longer than {MAX_FIELD_LENGTH} characters")
        values.append(value)
    return tuple(values)
