"""A ``requests`` session whose headers are the same on every machine.

Plain ``requests`` sends ``User-Agent: python-requests/<version>`` and an
``Accept-Encoding`` that depends on which compression packages are
installed; the lessons show raw headers, so the client says the same thing
everywhere.

A request to a demo server that is not running (the Teardown cell ran, or
the kernel was restarted) raises ``DemoServerStopped``: one line saying what
happened and which cell starts the server again, not a page of urllib3
traceback.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from demo_server.one_line_error import OneLineError

USER_AGENT = "sessions-live-notebook"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost"}
SETUP_HINT = "Run the Setup cell (## Setup) to start it again."


class DemoServerStopped(OneLineError, requests.ConnectionError):
    """Nothing answers at a demo server's address: it was stopped, or it moved."""


class CourseClient(requests.Session):
    """``requests.Session`` that explains, in one line, a refused connection to the demo server."""

    def request(self, method, url, *args, **kwargs):
        try:
            return super().request(method, url, *args, **kwargs)
        except requests.ConnectionError as error:
            explained = _explain_refused(str(url), error)
            if explained is None:
                raise
            raise DemoServerStopped(explained, request=error.request) from None


def new_client() -> requests.Session:
    """A fresh client with an empty cookie jar (like a new private browser window)."""
    client = CourseClient()
    client.headers.clear()
    client.headers.update({"User-Agent": USER_AGENT, "Accept": "*/*"})
    client.trust_env = False  # never route loopback traffic through a proxy from the environment
    return client


def _explain_refused(url: str, error: requests.ConnectionError) -> str | None:
    """The one-line explanation of a failed request to loopback, or None to keep the original error."""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK_HOSTS or isinstance(error, requests.exceptions.ProxyError):
        return None
    import demo_server  # only now: importing course stays light for `course check`

    running = demo_server.current()
    if running is None or not running.running:
        return f"The demo server is stopped (Teardown ran). {SETUP_HINT}"
    if parts.port != running.port:
        return (
            f"Nothing answers at {parts.scheme}://{parts.netloc}: that server was stopped or restarted; "
            f"the demo server runs at {running.url} now (build URLs from server.url)."
        )
    return None  # the server is up on that port: a real network error, shown as it is
