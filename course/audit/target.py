"""The app under audit: where it is, whether we may talk to it, and every request we send it.

Safety first: only loopback hosts (127.0.0.0/8, ::1, localhost) unless the user says
--allow-remote; redirects are never followed (a probe could be sent somewhere else);
proxies from the environment are never used (loopback traffic stays on this machine);
and the number of requests is bounded. Every request and answer is kept, so each finding
can quote the exact lines that prove it.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from course.audit.errors import BudgetSpent, Unreachable, UnsafeTarget
from course.audit.limits import DEFAULT_MAX_REQUESTS

USER_AGENT = "course-audit"
TIMEOUT_SECONDS = 10


def is_loopback_host(host: str) -> bool:
    """True for a literal loopback address, or "localhost" when it resolves only to loopback."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if host.lower().rstrip(".") != "localhost":
        return False  # no name lookups for other names: asking DNS would already leave the machine
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo("localhost", None)}
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in addresses)


@dataclass(frozen=True)
class TargetURL:
    base: str  # scheme://host[:port][/prefix], no trailing slash
    host: str
    https: bool
    loopback: bool

    def url(self, path: str) -> str:
        return self.base + path


def parse_target(base_url: str, *, allow_remote: bool) -> TargetURL:
    """Check BASE_URL: http(s), a host, no query; loopback unless ``allow_remote``."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget(f"BASE_URL must look like http://127.0.0.1:5000, not {base_url!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise UnsafeTarget(f"BASE_URL is scheme, host, port and an optional path prefix only, not {base_url!r}")
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        raise UnsafeTarget(f"BASE_URL has a port that is not a number: {base_url!r}") from None
    loopback = is_loopback_host(parts.hostname)
    if not loopback and not allow_remote:
        raise UnsafeTarget(
            f"refusing to audit {parts.hostname}: it is not this machine (loopback: 127.0.0.1, ::1, localhost); "
            "add --allow-remote only for an app you own"
        )
    return TargetURL(
        base=f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}",
        host=parts.hostname,
        https=parts.scheme == "https",
        loopback=loopback,
    )


def check_path(option: str, path: str | None) -> None:
    """Routes are paths on the target (so no probe can be pointed at another host)."""
    if path is None:
        return
    if not path.startswith("/") or path.startswith("//") or any(ch in path for ch in " \r\n\t#"):
        raise UnsafeTarget(f"{option} is a path on the app, like /login, not {path!r}")


@dataclass
class Target:
    """Sends the probes: a budget, no redirects, no proxies, no cookie jar, everything recorded."""

    where: TargetURL
    max_requests: int = DEFAULT_MAX_REQUESTS
    sent: int = 0
    exchanges: list[requests.Response] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._http = requests.Session()
        self._http.trust_env = False  # never a proxy from the environment: loopback stays loopback
        self._http.headers.clear()
        self._http.headers.update({"User-Agent": USER_AGENT, "Accept": "*/*"})

    def send(
        self,
        method: str,
        path: str,
        *,
        cookies: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        **body: Any,
    ) -> requests.Response:
        """One request; ``cookies`` become the whole Cookie header; ``body``: json=..., data=..."""
        if self.sent >= self.max_requests:
            raise BudgetSpent(f"the request budget is spent ({self.max_requests} requests, --max-requests)")
        self.sent += 1
        sent_headers = dict(headers or {})
        if cookies:
            sent_headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        try:
            response = self._http.request(
                method,
                self.where.url(path),
                headers=sent_headers,
                allow_redirects=False,
                timeout=TIMEOUT_SECONDS,
                **body,
            )
        except requests.Timeout:
            raise Unreachable(f"{self.where.base} did not answer {method} {path} within {TIMEOUT_SECONDS} s") from None
        except requests.ConnectionError:
            raise Unreachable(
                f"nothing answers at {self.where.base}: is the app running, on that port? "
                "(In a lesson after its Teardown cell: run the Setup cell again.)"
            ) from None
        finally:
            self._http.cookies.clear()  # the audit decides which cookies go with each request
        self.exchanges.append(response)
        return response

    def close(self) -> None:
        self._http.close()


def set_cookie_headers(response: requests.Response) -> list[str]:
    """Every Set-Cookie header of a response, one per cookie, as sent."""
    raw = getattr(response.raw, "headers", None)
    if raw is not None and hasattr(raw, "getlist"):
        return list(raw.getlist("Set-Cookie"))
    value = response.headers.get("Set-Cookie")
    return [value] if value else []


def cookies_set_by(response: requests.Response) -> dict[str, str]:
    """The cookies a response sets, name -> value (a cookie it deletes maps to "")."""
    cookies = {}
    for header in set_cookie_headers(response):
        name, _, rest = header.partition("=")
        if name.strip():
            cookies[name.strip()] = rest.partition(";")[0].strip()
    return cookies


def server_time(response: requests.Response) -> float | None:
    """The server's clock from its Date header (the demo server's is fixed), or None."""
    try:
        return parsedate_to_datetime(response.headers["Date"]).timestamp()
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def authenticated(response: requests.Response) -> bool:
    """--profile answers 2xx to a session; 4xx or a redirect (to the login page) without one."""
    return 200 <= response.status_code < 300
