"""Lesson 05, station 2: a login over plain http, against https only with a __Host- cookie and HSTS."""

from __future__ import annotations

from ..auth import ALICE
from . import attack, twin_route
from ._cookies import set_cookies

HTTPS = "https://localhost"


@attack("/vuln/no-https/login")
def read_it_on_the_wire(app, target) -> bool:
    """A passive observer: does the login take the password over plain http? And after an https
    login, would the cookie ever cross plain http (no Secure), with no HSTS to keep the browser off it?"""
    if app.test_client().post(target, json=ALICE).status_code == 200:
        return True  # the password (and the answer's cookie) crossed the network in clear
    secure = app.test_client().post(target, json=ALICE, base_url=HTTPS)
    assert secure.status_code == 200, secure.json
    cookies = set_cookies(secure)
    no_secure = any("secure" not in cookie.attributes for cookie in cookies)
    return no_secure or "Strict-Transport-Security" not in secure.headers


@attack("/vuln/no-https/me")
def the_cookie_goes_out_over_plain_http(app, target) -> bool:
    """Log in over https, then follow a plain http:// link: would a browser send the cookie, and is it accepted?"""
    login = twin_route(target, "/vuln/no-https", "/mistakes/https", "/login")
    answer = app.test_client().post(login, json=ALICE, base_url=HTTPS)
    assert answer.status_code == 200, answer.json
    sent_over_http = [cookie for cookie in set_cookies(answer) if "secure" not in cookie.attributes]
    if not sent_over_http:
        return False  # Secure: a browser keeps it off plain http
    headers = {"Cookie": "; ".join(f"{c.name}={c.value}" for c in sent_over_http)}
    return app.test_client(use_cookies=False).get(target, headers=headers).status_code == 200
