"""Lesson 05, station 4: the session ID in a URL, against the cookie only."""

from __future__ import annotations

from demo_server.context import session_store

from ..auth import ALICE
from . import attack
from ._cookies import query_values, strings_in


@attack("/vuln/url-session/login")
def the_login_answer_puts_the_id_in_a_url(app, target) -> bool:
    """Is there a URL in the login answer whose query holds a live session ID (for logs and Referer to copy)?"""
    answer = app.test_client().post(target, json=ALICE)
    assert answer.status_code == 200, answer.json
    with app.app_context():
        candidates = [value for text in strings_in(answer.data) for value in query_values(text)]
        return any(session_store().get(value) is not None for value in candidates)


@attack("/vuln/url-session/account")
def whoever_saw_the_url_is_in(app, target) -> bool:
    """Somebody who saw the URL (in a log, a Referer) opens it without the cookie: is it Alice's page?"""
    alice = app.test_client()
    assert alice.post("/sessions/login", json=ALICE).status_code == 200
    session_id = alice.get_cookie("sid").value
    answer = app.test_client(use_cookies=False).get(f"{target}?sid={session_id}")
    return answer.status_code == 200 and answer.json.get("user") == "alice"
