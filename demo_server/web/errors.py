"""Every error the demo server returns is JSON: ``{"error": "what was wrong"}``.

Lessons read these messages, so they say what was wrong in plain words.
A bug in a view still answers JSON (a 500), and tests make sure no input of a
learner's can reach that path.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("demo_server")


def json_error(status: int, message: str, **extra):
    body = {"error": message, **extra}
    return jsonify(body), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = error.description or error.name
        response = error.get_response()
        body, status = json_error(error.code or 500, message)
        # Keep headers such as Allow (405) or WWW-Authenticate (401).
        for name, value in response.headers.items():
            if name.lower() not in ("content-type", "content-length"):
                body.headers.add(name, value)
        return body, status

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("unhandled error in the demo server")
        return json_error(InternalServerError.code, "internal error in the demo server (a bug: please report it)")
