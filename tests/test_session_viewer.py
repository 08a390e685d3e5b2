"""The session viewer's rows, its widget's buttons, and hiding IDs in transcripts."""

from __future__ import annotations

import pytest

from course.lessons.display import Exchange
from course.lessons.hide_ids import hide_cookie_values
from demo_server import create_app
from demo_server.context import session_store
from demo_server.sessions.table import session_rows


@pytest.fixture
def store(clock):
    return session_store(create_app({"TESTING": True, "CLOCK": clock}))


def test_rows_show_hash_prefix_user_and_times_never_the_id(store, clock):
    session_id, record = store.create("alice", device="laptop")
    clock.advance(60)
    store.create(None, device="phone")
    rows = session_rows(store)
    assert [(r.user, r.device, r.created, r.last_seen, r.expires, r.ends_by) for r in rows] == [
        ("alice", "laptop", "09:00:00", "09:00:00", "09:15:00", "idle"),
        ("(anonymous)", "phone", "09:01:00", "09:01:00", "09:16:00", "idle"),
    ]
    assert rows[0].hash_prefix == record.id_hash[:12]
    assert all(session_id not in repr(row) for row in rows)


def test_rows_say_when_the_absolute_timeout_comes_first(store, clock):
    session_id, _ = store.create("alice")
    for _ in range(47):
        clock.advance(600)
        store.touch(session_id)
    (row,) = session_rows(store)
    assert (row.expires, row.ends_by) == ("17:00:00", "absolute")


def test_expired_sessions_are_not_listed(store, clock):
    store.create("alice")
    clock.advance(15 * 60)
    assert session_rows(store) == []


def test_viewer_widget_refreshes_and_revokes(clock):
    from course.lessons.widgets.session_viewer import session_viewer_widget

    app = create_app({"TESTING": True, "CLOCK": clock})
    server = type("FakeServer", (), {"app": app, "clock": clock, "store": session_store(app)})()
    store = session_store(app)
    session_id, _ = store.create("alice", device="laptop")
    viewer = session_viewer_widget(server)
    table, (picker, refresh_button, revoke_button), status = (
        viewer.children[0],
        viewer.children[1].children,
        viewer.children[2],
    )
    assert "alice" in table.value and "laptop" in table.value and session_id not in table.value
    store.create("bob")
    refresh_button.click()
    assert "bob" in table.value and len(picker.options) == 2
    picker.value = picker.options[0][1]
    revoke_button.click()
    assert store.get(session_id) is None
    assert "Revoked" in status.value and "alice" not in table.value


def test_viewer_picks_a_session_says_what_it_did_and_forgets_old_messages(clock):
    from course.lessons.widgets.session_viewer import session_viewer_widget

    app = create_app({"TESTING": True, "CLOCK": clock})
    server = type("FakeServer", (), {"app": app, "clock": clock, "store": session_store(app)})()
    store = session_store(app)
    viewer = session_viewer_widget(server)
    (picker, refresh_button, revoke_button), status = viewer.children[1].children, viewer.children[2]
    assert picker.value is None and revoke_button.disabled, "no sessions, nothing to revoke"
    store.create("alice", device="laptop")
    refresh_button.click()
    assert picker.value == picker.options[0][1], "the list starts at the first session, not blank"
    picker.value = None
    revoke_button.click()
    assert status.value == "Pick a session in the list first." and len(session_rows(store)) == 1
    picker.value = picker.options[0][1]
    revoke_button.click()
    assert status.value.startswith("Revoked alice&#x27;s session ")
    refresh_button.click()
    assert status.value == "", "a message about the old table goes when the table is refreshed"


def test_hide_cookie_values_masks_only_the_named_cookie():
    exchange = Exchange(
        "GET / HTTP/1.1",
        [("Cookie", "a=1; sid=abcdef")],
        "",
        "200 OK",
        [
            ("Set-Cookie", "sid=abc; Path=/"),
            ("Set-Cookie", "sid=; Max-Age=0"),
            ("Set-Cookie", "xsid=zz"),
            ("X-Sid", "sid=keep"),
        ],
        "",
    )
    hidden = hide_cookie_values(exchange, "sid")
    assert hidden.request_headers == [("Cookie", "a=1; sid=<6 random characters>")]
    assert [value for _, value in hidden.response_headers] == [
        "sid=<3 random characters>; Path=/",
        "sid=; Max-Age=0",
        "xsid=zz",
        "sid=keep",
    ]
