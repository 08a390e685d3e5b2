"""The injected clock: time moves only when told to."""

from __future__ import annotations

import pytest

from demo_server import DEMO_EPOCH, ManualClock, SystemClock


def test_manual_clock_starts_at_the_demo_epoch_and_stands_still():
    clock = ManualClock()
    assert clock.now() == DEMO_EPOCH
    assert clock.now() == DEMO_EPOCH
    assert clock.datetime().isoformat() == "2026-01-01T09:00:00+00:00"


def test_advance_moves_forward():
    clock = ManualClock(start=100)
    assert clock.advance(30) == 130
    assert clock.advance(0.5) == 130.5
    assert clock.now() == 130.5


@pytest.mark.parametrize(
    ("seconds", "error", "message"),
    [(-1, ValueError, "forwards"), ("60", TypeError, "number"), (True, TypeError, "number")],
)
def test_advance_rejects_nonsense(seconds, error, message):
    with pytest.raises(error, match=message):
        ManualClock().advance(seconds)


def test_set_refuses_to_go_back():
    clock = ManualClock(start=100)
    clock.set(200)
    with pytest.raises(ValueError, match="forwards"):
        clock.set(150)


def test_system_clock_follows_real_time_plus_offset():
    import time

    clock = SystemClock()
    assert abs(clock.now() - time.time()) < 1
    clock.advance(3600)
    assert abs(clock.now() - time.time() - 3600) < 1


def test_server_date_header_follows_the_clock(live_server):
    import requests

    first = requests.get(live_server.url + "/health").headers["Date"]
    assert first == "Thu, 01 Jan 2026 09:00:00 GMT"
    live_server.clock.advance(3600)
    assert requests.get(live_server.url + "/health").headers["Date"] == "Thu, 01 Jan 2026 10:00:00 GMT"
