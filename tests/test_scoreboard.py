"""The attack lab's scoreboard: rows from GET /insecure, one per registered attack, both twins each."""

from __future__ import annotations

import pytest

import demo_server
from course import new_client
from course.lessons.scoreboard import AttackLab

from .auth import ALICE
from .conftest import TEST_CONFIG


@pytest.fixture(scope="module")
def server():
    # Its own server (not demo_server.start()), so other tests' live_server does not stop it.
    started = demo_server.serve_app(demo_server.create_app({**TEST_CONFIG, "INSECURE_DEMOS": True}))
    yield started
    started.stop()


def forged_cookie(url):
    """Lesson 01's forgery: a typed user=admin gets the profile."""
    return new_client().get(url, headers={"Cookie": "user=admin"}).status_code == 200


def test_rows_come_from_the_listing(server):
    lab = AttackLab(server.url)
    lab.attack("forged cookie", "/seed/api/profile")(forged_cookie)
    board = lab.scoreboard()
    (row,) = board.rows
    listed = new_client().get(f"{server.url}/insecure").json()["routes"]
    label = next(route for route in listed if route["path"] == "/seed/api/profile")
    assert (row.route, row.fixed_twin, row.cwe, row.asvs) == (
        "/seed/api/profile",
        "/cookies/api/profile",
        ", ".join(label["cwe"]),  # several CWEs, the most specific first
        label["asvs"],
    )
    assert row.cwe.startswith("CWE-565")
    assert row.on_vulnerable and not row.on_fixed and row.as_expected and board.all_as_expected
    assert "/seed/api/profile" not in board.not_attacked_here and "/seed/api/login" in board.not_attacked_here
    text = repr(board)
    assert "forged cookie" in text and "got in  /seed/api/profile" in text and "stopped /cookies/api/profile" in text
    assert "1 of 1 attacks got in" in text
    assert "<table" in board._repr_html_()


def test_a_new_station_appears_without_touching_the_table(server):
    lab = AttackLab(server.url)
    lab.attack("one", "/seed/api/profile")(forged_cookie)
    assert len(lab.scoreboard().rows) == 1
    lab.attack("two", "/vuln/sessions/login")(lambda url: False)
    board = lab.scoreboard()
    assert [row.station for row in board.rows] == ["one", "two"]
    assert not board.all_as_expected  # an attack that never gets in is flagged, not hidden


def test_registering_a_route_again_replaces_the_attack(server):
    lab = AttackLab(server.url)
    lab.attack("first", "/seed/api/profile")(lambda url: False)
    lab.attack("again", "/seed/api/profile")(forged_cookie)
    assert [row.station for row in lab.scoreboard().rows] == ["again"]


def test_an_attack_that_cannot_run_is_reported(server):
    lab = AttackLab(server.url)

    def broken(url):
        raise KeyError("no such cookie")

    lab.attack("broken", "/seed/api/profile")(broken)
    lab.attack("unknown route", "/not/labelled")(forged_cookie)
    board = lab.scoreboard()
    errors = {row.route: row.error for row in board.rows}
    assert "KeyError" in errors["/seed/api/profile"] and errors["/not/labelled"] == "not a labelled route"
    assert "could not run" in repr(board)


def test_run_one_attack_on_a_chosen_target(server):
    lab = AttackLab(server.url)
    lab.attack("forged cookie", "/seed/api/profile")(forged_cookie)
    assert lab.run("/seed/api/profile") and not lab.run("/seed/api/profile", "/cookies/api/profile")
    with pytest.raises(KeyError, match="no attack is registered"):
        lab.run("/seed/api/login")
    with pytest.raises(ValueError, match="a route is a path"):
        lab.attack("x", "seed/api/login")


def test_a_server_without_insecure_demos_is_a_clear_error(live_server):
    with pytest.raises(RuntimeError, match="INSECURE_DEMOS=True"):
        AttackLab(live_server.url).scoreboard()


def test_attacks_use_the_full_url(server):
    seen = []
    lab = AttackLab(server.url + "/")
    lab.attack("spy", "/vuln/sessions/login")(lambda url: seen.append(url) or True)
    lab.scoreboard()
    assert seen == [server.url + "/vuln/sessions/login", server.url + "/sessions/login"]
    assert new_client().post(server.url + "/sessions/login", json=ALICE).status_code == 200
