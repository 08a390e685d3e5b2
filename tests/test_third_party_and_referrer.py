"""Somebody else's site on loopback, and the Referer a browser would send it (W3C Referrer Policy)."""

from __future__ import annotations

import pytest

from course import new_client
from course.lessons.referrer import DEFAULT_POLICY, POLICIES, follow_link, policy_from_header, referrer_for
from course.lessons.third_party import ThirdPartySite


@pytest.fixture
def site():
    started = ThirdPartySite()
    yield started
    started.stop()


def test_it_logs_visits_with_referer_and_cookie(site):
    client = new_client()
    client.get(site.url + "/pixel.gif?x=1", headers={"Referer": "http://127.0.0.1:1/page"})
    visit = site.visits[-1]
    assert (visit.method, visit.path, visit.referer, visit.cookie) == (
        "GET",
        "/pixel.gif?x=1",
        "http://127.0.0.1:1/page",
        "",
    )
    site.clear()
    assert site.visits == []


def test_it_serves_json_text_and_headers(site):
    url = site.serve("/keys.json", {"keys": []})
    assert new_client().get(url).json() == {"keys": []}
    site.serve("/", "<p>hi</p>", headers={"Set-Cookie": "planted=1; Path=/"})
    answer = new_client().get(site.url + "/")
    assert answer.text == "<p>hi</p>" and answer.headers["Set-Cookie"] == "planted=1; Path=/"
    assert "another site" in new_client().get(site.url + "/anything-else").text
    with pytest.raises(ValueError, match="starts with '/'"):
        site.serve("keys.json", {})


PAGE = "https://site.example/account?sid=abc#top"
SAME_ORIGIN = "https://site.example/other"
CROSS_ORIGIN = "https://partner.example/pixel.gif"
DOWNGRADE = "http://partner.example/pixel.gif"
FULL, ORIGIN = "https://site.example/account?sid=abc", "https://site.example/"


@pytest.mark.parametrize(
    ("policy", "same", "cross", "down"),
    [
        ("no-referrer", None, None, None),
        ("no-referrer-when-downgrade", FULL, FULL, None),
        ("same-origin", FULL, None, None),
        ("origin", ORIGIN, ORIGIN, ORIGIN),
        ("strict-origin", ORIGIN, ORIGIN, None),
        ("origin-when-cross-origin", FULL, ORIGIN, ORIGIN),
        ("strict-origin-when-cross-origin", FULL, ORIGIN, None),
        ("unsafe-url", FULL, FULL, FULL),
    ],
)
def test_each_policy_as_the_specification_defines_it(policy, same, cross, down):
    assert referrer_for(PAGE, SAME_ORIGIN, policy) == same
    assert referrer_for(PAGE, CROSS_ORIGIN, policy) == cross
    assert referrer_for(PAGE, DOWNGRADE, policy) == down


def test_credentials_and_fragments_never_leave():
    assert referrer_for("https://user:pw@site.example/a#frag", CROSS_ORIGIN, "unsafe-url") == "https://site.example/a"


def test_loopback_is_potentially_trustworthy_so_http_there_is_no_downgrade():
    assert referrer_for("https://127.0.0.1:1/a?sid=x", "http://127.0.0.1:2/p", "no-referrer-when-downgrade") == (
        "https://127.0.0.1:1/a?sid=x"
    )


def test_very_long_referrers_are_cut_to_the_origin():
    long_page = "https://site.example/?" + "a" * 5000
    assert referrer_for(long_page, SAME_ORIGIN, "unsafe-url") == ORIGIN


def test_the_header_sets_the_policy():
    assert policy_from_header(None) == DEFAULT_POLICY == "strict-origin-when-cross-origin"
    assert policy_from_header("no-referrer, unsafe-url") == "unsafe-url"  # the last one browsers know wins
    assert policy_from_header("no-referrer, made-up") == "no-referrer"
    assert policy_from_header("made-up") == DEFAULT_POLICY
    assert set(POLICIES) >= {policy_from_header(p) for p in POLICIES}
    with pytest.raises(ValueError, match="unknown referrer policy"):
        referrer_for(PAGE, CROSS_ORIGIN, "made-up")


def test_follow_link_sends_what_the_page_allows(site, live_server):
    client = new_client()
    page = client.get(live_server.url + "/health?sid=secret")
    follow_link(client, page, site.url + "/pixel.gif")
    assert site.visits[-1].referer == live_server.url + "/"  # no policy: strict-origin-when-cross-origin
