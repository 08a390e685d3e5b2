"""A ``requests`` session whose headers are the same on every machine.

Plain ``requests`` sends ``User-Agent: python-requests/<version>`` and an
``Accept-Encoding`` that depends on which compression packages are
installed; the lessons show raw headers, so the client says the same thing
everywhere.
"""

from __future__ import annotations

import requests

USER_AGENT = "sessions-live-notebook"


def new_client() -> requests.Session:
    """A fresh client with an empty cookie jar (like a new private browser window)."""
    client = requests.Session()
    client.headers.clear()
    client.headers.update({"User-Agent": USER_AGENT, "Accept": "*/*"})
    client.trust_env = False  # never route loopback traffic through a proxy from the environment
    return client
