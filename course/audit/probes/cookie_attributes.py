"""The session cookie's attributes: HttpOnly, Secure, SameSite, prefix, lifetime, Domain, size.

Read from the Set-Cookie header the login sent, judged with the browser rules of
``demo_server/cookies/rules.py`` (RFC 6265bis). A missing ``Secure`` or ``__Host-`` prefix on
an app served over plain http on loopback is a note: it cannot be set there, and the note
says what to do once the app is on https.
"""

from __future__ import annotations

from course.audit import lessons
from course.audit.context import AuditContext
from course.audit.findings import Finding, Fix, ProbeOutcome, Severity
from course.audit.target import server_time
from demo_server.cookies.rules import MAX_LIFETIME_DAYS, ParsedSetCookie, judge_set_cookie, parse_set_cookie

NAME = "cookie attributes"
LONG_LIFETIME_DAYS = 30


def run(ctx: AuditContext) -> ProbeOutcome:
    outcome = ProbeOutcome()
    if ctx.credential.bearer is not None:
        outcome.skipped.append("cookie attributes: the session travels in an Authorization header, not a cookie")
        return outcome
    for name in ctx.credential.session_cookies:
        header = ctx.setup.answer.set_cookies.get(name)
        if header is None:
            outcome.skipped.append(
                f"cookie attributes: {name!r} was not set by the login, so its attributes are unknown"
            )
            continue
        _judge(ctx, name, header, outcome)
    return outcome


def _judge(ctx: AuditContext, name: str, header: str, outcome: ProbeOutcome) -> None:
    answer = ctx.setup.answer.set_by[name]
    cookie = parse_set_cookie(header)
    evidence = tuple(
        line for line in ctx.evidence.of(answer, body=False, request_body=False) if not _sets_another_cookie(line, name)
    )
    route = answer.request.path_url.partition("?")[0]

    def add(**fields) -> None:
        outcome.add(Finding(route=route, evidence=evidence, **fields))

    verdict = judge_set_cookie(header, now=server_time(answer), request_host=ctx.target.where.host)
    if verdict.refused:
        add(
            id="cookie/refused-by-browsers",
            severity=Severity.LOW,
            title=f"Browsers refuse the session cookie {name!r}",
            asvs="v5.0.0-3.3.5",
            cwe=None,
            detail="A browser would not store it: " + "; ".join(verdict.refused) + ".",
            fix=Fix(
                "Change what the reason names; lesson 01's cookie builder shows what a browser does.",
                lessons.COOKIE_PREFIXES,
            ),
        )
    _http_only(cookie, add, outcome)
    _secure(ctx, cookie, add)
    _same_site(cookie, add, outcome)
    _prefix(ctx, cookie, add, outcome)
    _lifetime(cookie, server_time(answer), add, outcome)
    if cookie.domain is not None:
        add(
            id="cookie/domain-wide",
            severity=Severity.LOW,
            title=f"The session cookie {name!r} is sent to every subdomain of {cookie.domain}",
            asvs="v5.0.0-3.3.3",
            cwe=None,
            detail="Domain widens a cookie: any subdomain (a forgotten blog, a preview site) receives it and can "
            "overwrite it.",
            fix=Fix("Leave Domain out of the session cookie, so it stays with this one host.", lessons.COOKIE_DOMAIN),
        )


def _http_only(cookie: ParsedSetCookie, add, outcome: ProbeOutcome) -> None:
    if cookie.httponly:
        outcome.passed.append(f"{cookie.name}: HttpOnly, so page scripts cannot read it")
        return
    add(
        id="cookie/no-httponly",
        severity=Severity.MEDIUM,
        title=f"The session cookie {cookie.name!r} has no HttpOnly",
        asvs="v5.0.0-3.3.4",
        cwe="CWE-1004",
        detail="Any script on the page can read it (document.cookie), so one XSS bug hands the session over.",
        fix=Fix(
            "Add HttpOnly to the session cookie (Flask: SESSION_COOKIE_HTTPONLY = True, its default).",
            lessons.COOKIE_HTTPONLY,
        ),
    )


def _secure(ctx: AuditContext, cookie: ParsedSetCookie, add) -> None:
    if cookie.secure:
        return
    on_loopback = ctx.plain_http_on_loopback
    add(
        id="cookie/no-secure",
        severity=Severity.NOTE if on_loopback else Severity.MEDIUM,
        title=f"The session cookie {cookie.name!r} has no Secure",
        asvs="v5.0.0-3.3.1",
        cwe="CWE-614",
        detail="Without Secure a browser also sends it over plain http, where anyone on the network can read it.",
        fix=Fix(
            "Serve the app over https and mark the session cookie Secure (Flask: SESSION_COOKIE_SECURE = True).",
            lessons.COOKIE_SECURE,
        ),
        production="behind https, add Secure, so the cookie never travels over plain http. Here the app speaks plain "
        "http on this machine, where Secure cannot work (browsers keep Secure cookies for https pages, with an "
        "exception for localhost), so this is only a note."
        if on_loopback
        else "",
    )


def _same_site(cookie: ParsedSetCookie, add, outcome: ProbeOutcome) -> None:
    if cookie.samesite in ("Lax", "Strict"):
        outcome.passed.append(f"{cookie.name}: SameSite={cookie.samesite}, so cross-site posts do not carry it")
        return
    said = "SameSite=None" if cookie.samesite == "None" else "no SameSite"
    add(
        id="cookie/samesite",
        severity=Severity.LOW,
        title=f"The session cookie {cookie.name!r} has {said}",
        asvs="v5.0.0-3.3.2",
        cwe="CWE-1275",
        detail="A page on another site can make the browser send it (Firefox and Safari treat a missing SameSite "
        "as None): the ground for cross-site request forgery. The csrf probe tests whether a route lets it.",
        fix=Fix(
            "Set SameSite=Lax on the session cookie (Flask: SESSION_COOKIE_SAMESITE = 'Lax').", lessons.COOKIE_SAMESITE
        ),
    )


def _prefix(ctx: AuditContext, cookie: ParsedSetCookie, add, outcome: ProbeOutcome) -> None:
    if cookie.name.lower().startswith("__host-"):
        outcome.passed.append(f"{cookie.name}: the __Host- prefix, so no other host or http page can plant one")
        return
    on_loopback = ctx.plain_http_on_loopback
    add(
        id="cookie/no-host-prefix",
        severity=Severity.NOTE if on_loopback else Severity.LOW,
        title=f"The session cookie {cookie.name!r} has no __Host- prefix",
        asvs="v5.0.0-3.3.3",
        cwe="CWE-384",
        detail="Without it the server cannot tell its own cookie from one planted by a sibling subdomain or an "
        "http page (cookie tossing), one way to fix a victim's session.",
        fix=Fix(
            "Name it __Host-<name>, with Secure, Path=/ and no Domain "
            "(Flask: SESSION_COOKIE_NAME = '__Host-session', SESSION_COOKIE_SECURE = True).",
            lessons.COOKIE_PREFIXES,
        ),
        production="behind https, name it __Host-…. A __Host- cookie must be Secure, which needs https, so on "
        "plain http on this machine this is only a note."
        if on_loopback
        else "",
    )


def _lifetime(cookie: ParsedSetCookie, now: float | None, add, outcome: ProbeOutcome) -> None:
    if cookie.max_age is not None:
        seconds = cookie.max_age
    elif cookie.expires is not None and now is not None:
        seconds = int(cookie.expires - now)
    else:
        add(
            id="cookie/no-lifetime",
            severity=Severity.NOTE,
            title=f"The session cookie {cookie.name!r} has no Max-Age or Expires",
            asvs="v5.0.0-7.3.2",
            cwe=None,
            detail="A browser keeps it until it closes, and one that restores tabs keeps it longer: only the server "
            "can end the session on time. (The audit cannot see the server's timeouts without waiting.)",
            fix=Fix("End sessions on the server after an idle and an absolute timeout.", lessons.SERVER_EXPIRY),
        )
        return
    days = seconds / 86400
    if days <= LONG_LIFETIME_DAYS:
        outcome.passed.append(f"{cookie.name}: a lifetime of {_duration(seconds)}")
        return
    capped = days > MAX_LIFETIME_DAYS
    add(
        id="cookie/long-lifetime",
        severity=Severity.LOW,
        title=f"The session cookie {cookie.name!r} lives {days:.0f} days"
        + (f" (browsers cut it to {MAX_LIFETIME_DAYS})" if capped else ""),
        asvs="v5.0.0-7.3.2",
        cwe="CWE-539",
        detail="A session cookie kept this long turns any copy of it (a shared computer, a stolen backup) into "
        "months of access.",
        fix=Fix(
            "Give the session cookie a lifetime of hours, and end sessions on the server after an absolute timeout.",
            lessons.COOKIE_400_DAYS if capped else lessons.SERVER_EXPIRY,
        ),
    )


def _sets_another_cookie(line: str, name: str) -> bool:
    """An evidence line that sets some other cookie than the one the finding is about."""
    header, _, value = line.strip().partition(":")
    return header.lower() == "set-cookie" and not value.strip().startswith(f"{name}=")


def _duration(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.0f} hours"
    return f"{seconds / 60:.0f} minutes"
