"""Logging in as the user would: a JSON post, or an HTML form (with its hidden CSRF token).

``log_in`` sends one login (optionally with cookies planted first, or as a cross-site form
would) and collects what it set: cookies and tokens. ``establish`` logs in for the audit,
then finds out what the session is: which cookies ``--profile`` needs, or a bearer token.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import requests

from course.audit.errors import SetupError
from course.audit.options import AuditOptions
from course.audit.session_values import looks_like_jwt
from course.audit.target import Target, authenticated, server_time, set_cookie_headers
from demo_server.cookies.rules import parse_set_cookie

TOKEN_HEADERS = ("authorization", "x-auth-token", "x-access-token", "access-token", "x-token")
TOKEN_FIELDS = ("access_token", "token", "id_token", "jwt", "auth_token", "session_token")
CROSS_SITE_ORIGIN = "https://attacker.example"


@dataclass(frozen=True)
class FoundToken:
    value: str
    where: str  # 'body field "access_token"', 'header "X-Auth-Token"'


@dataclass
class LoginAnswer:
    response: requests.Response | None = None  # the login post's answer (None only while it is being sent)
    page: requests.Response | None = None  # the login form, fetched first with --form
    cookies: dict[str, str] = field(default_factory=dict)  # name -> value, as a browser would now send them
    set_cookies: dict[str, str] = field(default_factory=dict)  # name -> the Set-Cookie header that set it
    tokens: list[FoundToken] = field(default_factory=list)
    set_by: dict[str, requests.Response] = field(default_factory=dict)  # name -> the answer that set it


@dataclass(frozen=True)
class Credential:
    """What proves the session: cookies, or a bearer token (plus any cookies that came along)."""

    cookies: dict[str, str]
    session_cookies: tuple[str, ...] = ()  # the cookies --profile needs
    bearer: str | None = None

    @property
    def value(self) -> str:
        """The session's own value: the bearer token, or the (first) session cookie's value."""
        return self.bearer if self.bearer is not None else self.cookies[self.session_cookies[0]]

    @property
    def where(self) -> str:
        return "an Authorization: Bearer header" if self.bearer is not None else f"cookie {self.session_cookies[0]!r}"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.bearer}"} if self.bearer is not None else {}

    def replaced(self, value: str) -> Credential:
        """The same credential carrying another value (a forged one)."""
        if self.bearer is not None:
            return Credential(self.cookies, self.session_cookies, value)
        return Credential({**self.cookies, self.session_cookies[0]: value}, self.session_cookies)

    def only_forged(self, value: str) -> Credential:
        """Just the (forged) session value, as a fresh client that never logged in would send it."""
        if self.bearer is not None:
            return Credential({}, (), value)
        return Credential({self.session_cookies[0]: value}, self.session_cookies[:1])

    def send(self, target: Target, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        return target.send(method, path, cookies=self.cookies, headers=headers, **kwargs)


@dataclass(frozen=True)
class Setup:
    """What the audit learned before probing."""

    answer: LoginAnswer  # the audit's login
    credential: Credential
    profile_without_session: requests.Response
    profile_with_session: requests.Response


def log_in(
    target: Target,
    options: AuditOptions,
    *,
    username: str | None = None,
    password: str | None = None,
    planted: dict[str, str] | None = None,
    cross_site: str | None = None,
) -> LoginAnswer:
    """One login. ``planted``: cookies the browser already had. ``cross_site``: sent as a page on
    another site could send it, without any token from the app's pages and with a foreign Origin:
    "form" (form-encoded) or "text/plain" (a form whose body reads as JSON)."""
    username = options.username if username is None else username
    password = options.password if password is None else password
    answer = LoginAnswer(cookies=dict(planted or {}))
    fields: dict[str, str] = {}
    names = ("username", "password")
    headers: dict[str, str] = {}
    if cross_site:
        headers = {"Origin": CROSS_SITE_ORIGIN, "Referer": CROSS_SITE_ORIGIN + "/", "Sec-Fetch-Site": "cross-site"}
    elif options.form:
        answer.page = target.send("GET", options.login, cookies=answer.cookies)
        _remember_cookies(answer.page, answer)
        form = login_form(answer.page.text)
        if form is not None:
            fields = dict(form.hidden)
            names = (form.username_field or "username", form.password_field or "password")
    fields.update({names[0]: username, names[1]: password})
    if cross_site == "text/plain":
        body = {"headers": {**headers, "Content-Type": "text/plain"}, "data": json.dumps(fields)}
    elif options.form or cross_site:
        body = {"headers": headers, "data": fields}
    else:
        body = {"headers": headers, "json": fields}
    answer.response = target.send("POST", options.login, cookies=answer.cookies, **body)
    _remember_cookies(answer.response, answer)
    answer.tokens = tokens_in(answer.response)
    return answer


def establish(target: Target, options: AuditOptions) -> Setup:
    """Log in and find out what the session is, or say in one line why that failed."""
    without = target.send("GET", options.profile)
    if authenticated(without):
        raise SetupError(
            f"--profile {options.profile} answers {without.status_code} without a session: "
            "choose a route that needs a login"
        )
    answer = log_in(target, options)
    if answer.response.status_code >= 400:
        hint = "" if options.form else "; if the login is an HTML form, add --form"
        raise SetupError(
            f"logging in failed: POST {options.login} answered {answer.response.status_code}: "
            f"check --login, --username and --password{hint}"
        )
    credential, with_session = _find_credential(target, options, answer)
    return Setup(answer, credential, without, with_session)


def _find_credential(
    target: Target, options: AuditOptions, answer: LoginAnswer
) -> tuple[Credential, requests.Response]:
    cookies = answer.cookies
    if cookies:
        with_cookies = target.send("GET", options.profile, cookies=cookies)
        if authenticated(with_cookies):
            return Credential(cookies, _needed_cookies(target, options, cookies)), with_cookies
    for token in answer.tokens:
        bearer = Credential(cookies, (), token.value)
        with_token = bearer.send(target, "GET", options.profile)
        if authenticated(with_token):
            return bearer, with_token
    what = f"cookies {', '.join(cookies)}" if cookies else "no cookie"
    if answer.tokens:
        what += " and a token (tried as a Bearer header)"
    raise SetupError(
        f"logged in (POST {options.login} answered {answer.response.status_code}, {what}), "
        f"but --profile {options.profile} still refuses the session: check --username, --password and --profile"
    )


def _needed_cookies(target: Target, options: AuditOptions, cookies: dict[str, str]) -> tuple[str, ...]:
    """The cookies without which --profile refuses the session (all of them if none alone is needed)."""
    if len(cookies) == 1:
        return tuple(cookies)
    needed = []
    for name in cookies:
        others = {other: value for other, value in cookies.items() if other != name}
        if not authenticated(target.send("GET", options.profile, cookies=others)):
            needed.append(name)
    return tuple(needed) or tuple(cookies)


def _remember_cookies(response: requests.Response, answer: LoginAnswer) -> None:
    """Apply a response's Set-Cookie headers as a browser would: set, replace, or delete."""
    now = server_time(response)
    for header in set_cookie_headers(response):
        parsed = parse_set_cookie(header)
        if not parsed.name:
            continue
        expired = (parsed.max_age is not None and parsed.max_age <= 0) or (
            parsed.max_age is None and parsed.expires is not None and now is not None and parsed.expires <= now
        )
        if expired:
            answer.cookies.pop(parsed.name, None)
        else:
            answer.cookies[parsed.name] = parsed.value
        answer.set_cookies[parsed.name] = header
        answer.set_by[parsed.name] = response


def tokens_in(response: requests.Response) -> list[FoundToken]:
    """Tokens a login answer hands over: in a JSON body (named fields, or any JWT), or a header."""
    found: list[FoundToken] = []
    for name in TOKEN_HEADERS:
        value = response.headers.get(name, "")
        value = value.removeprefix("Bearer ").strip()
        if value:
            found.append(FoundToken(value, f"header {name!r}"))
    try:
        data = response.json()
    except ValueError:
        return found

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, f"{path}[{index}]")
        elif isinstance(value, str) and (looks_like_jwt(value) or path.rpartition(".")[2] in TOKEN_FIELDS):
            found.append(FoundToken(value, f"body field {path!r}"))

    walk(data, "")
    # Named access tokens first, then other JWTs: the first one --profile accepts is the session.
    return sorted(found, key=lambda token: (not token.where.endswith("access_token'"), not looks_like_jwt(token.value)))


@dataclass
class LoginForm:
    hidden: list[tuple[str, str]] = field(default_factory=list)
    username_field: str | None = None
    password_field: str | None = None


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[LoginForm] = []
        self._current: LoginForm | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._current = LoginForm()
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and attributes.get("name"):
            kind = attributes.get("type", "text").lower()
            name = attributes["name"]
            if kind == "hidden":
                self._current.hidden.append((name, attributes.get("value", "")))
            elif kind == "password" and self._current.password_field is None:
                self._current.password_field = name
            elif kind in ("text", "email") and self._current.username_field is None:
                self._current.username_field = name

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def login_form(html: str) -> LoginForm | None:
    """The form with a password field (or the first form) of a login page, or None."""
    reader = _FormReader()
    reader.feed(html)
    with_password = [form for form in reader.forms if form.password_field]
    return (with_password or reader.forms or [None])[0]
