"""The sets of cookies lesson 06 asks the browser to store, as raw Set-Cookie values.

Each kit is set by ``GET /browser/cookies/<kit>``. The values are written out
by hand (not built with ``set_cookie``) so every attribute is exactly what the
lesson's table says it is. A cookie without ``Path`` gets ``Path=/`` (otherwise
its default path would be ``/browser/cookies``). ``{host}`` is the host name the
browser used.
"""

from __future__ import annotations

ACCOUNT_PATH = "/browser/account"  # a more specific path, for same-name cookies (Step 7)

KITS: dict[str, tuple[str, ...]] = {
    # Step 1: one cookie a browser sends only to requests from its own site.
    "strict": ("site_check=1; SameSite=Strict",),
    # Step 2: one cookie script can read, one it cannot.
    "httponly": ("visible=1", "hidden=1; HttpOnly"),
    # Step 4: one cookie per SameSite value.
    "samesite": ("strict=1; SameSite=Strict", "lax=1; SameSite=Lax", "none=1; SameSite=None; Secure", "unset=1"),
    # Step 4: the unset cookie again, with a new value (a new cookie, to the browser).
    "unset-renewed": ("unset=2",),
    # Step 6: Secure and the name prefixes, right and wrong, over plain http.
    "prefixes": (
        "plain=1",
        "secure=1; Secure",
        "__Secure-right=1; Secure",
        "__Secure-nosecure=1",
        "__Host-right=1; Secure; Path=/",
        "__Host-nosecure=1; Path=/",
        f"__Host-subpath=1; Secure; Path={ACCOUNT_PATH}",
        "__Host-domain=1; Secure; Path=/; Domain={host}",
    ),
    # Step 7: the victim's own session cookies, plain and __Host-.
    "session": ("sid=victim; Path=/", "__Host-sid=victim; Secure; Path=/"),
}


def set_cookie_values(kit: str, host: str) -> list[str]:
    """The kit's Set-Cookie values for a response to ``host``; KeyError if there is no such kit."""
    values = []
    for value in KITS[kit]:
        if "path=" not in value.lower():
            value += "; Path=/"
        values.append(value.replace("{host}", host))
    return values


def cookie_name(set_cookie_value: str) -> str:
    return set_cookie_value.partition("=")[0]
