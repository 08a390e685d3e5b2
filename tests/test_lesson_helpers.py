"""Small helpers of lesson 05: session IDs masked in output, background helpers started once."""

from __future__ import annotations

import secrets

import pytest

from course.lessons import background
from course.lessons.display import Exchange
from course.lessons.masking import PLACEHOLDER, mask_session_ids, masked


def test_every_session_id_shape_is_masked_and_nothing_else():
    session_id = secrets.token_urlsafe(32)
    text = f"GET /account?sid={session_id} | Cookie: sid={session_id}; theme=dark | {'B' * 44} | {'C' * 42}"
    assert mask_session_ids(text) == (
        f"GET /account?sid={PLACEHOLDER} | Cookie: sid={PLACEHOLDER}; theme=dark | {'B' * 44} | {'C' * 42}"
    )


def test_a_whole_exchange_is_masked():
    session_id = secrets.token_urlsafe(32)
    exchange = Exchange(
        request_line=f"GET /a?sid={session_id} HTTP/1.1",
        request_headers=[("Cookie", f"sid={session_id}")],
        request_body=session_id,
        status_line="200 OK",
        response_headers=[("Set-Cookie", f"sid={session_id}; HttpOnly")],
        response_body=f'{{"next": "/a?sid={session_id}"}}',
    )
    assert session_id not in repr(masked(exchange)) and repr(masked(exchange)).count(PLACEHOLDER) == 5


class Helper:
    started = 0

    def __init__(self):
        Helper.started += 1
        self.stopped = False

    def stop(self):
        self.stopped = True


@pytest.fixture(autouse=True)
def no_helpers_left():
    background.stop_all()
    yield
    background.stop_all()


def test_one_starts_once_and_stop_all_stops_in_reverse_order():
    order = []
    first = background.one("first", Helper)
    assert background.one("first", Helper) is first and Helper.started >= 1
    second = background.one("second", Helper)
    first.stop = lambda: order.append("first")
    second.stop = lambda: order.append("second")
    background.one("no stop method", object)
    assert background.running() == ["first", "second", "no stop method"]
    background.stop_all()
    assert order == ["second", "first"] and background.running() == []
    assert background.one("first", Helper) is not first, "after stop_all, a new one starts"
