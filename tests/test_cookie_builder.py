"""The cookie builder and the browser rules behind it, tested without a browser."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from demo_server import DEMO_EPOCH
from demo_server.cookies.builder import build_set_cookie
from demo_server.cookies.rules import RFC_PREFIX_EXAMPLES, judge_set_cookie, parse_set_cookie

NOW = DEMO_EPOCH


# RFC 6265bis, section 4.1.3: the examples of the cookie prefixes, word for word.
@pytest.mark.parametrize(("header", "stored"), RFC_PREFIX_EXAMPLES)
def test_rfc_6265bis_prefix_examples(header, stored):
    assert judge_set_cookie(header, now=NOW).stored is stored


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("__Host-SID=12345", "a __Host- cookie must have the Secure attribute"),
        ("__Host-SID=12345; Secure", "a __Host- cookie must have Path=/"),
        ("__Host-SID=12345; Secure; Path=/; Domain=site.example", "a __Host- cookie must not have a Domain attribute"),
        ("__Host-SID=12345; Secure; Path=/account", "a __Host- cookie must have Path=/"),
        ("__Secure-SID=12345", "a __Secure- cookie must have the Secure attribute"),
        ("__secure-SID=12345", "a __Secure- cookie must have the Secure attribute"),  # matched case-insensitively
        ("=__Host-SID; Secure; Path=/", "a nameless cookie whose value starts like"),
        ("sid=1; SameSite=None", "SameSite=None without Secure: browsers refuse it"),
        ("sid=" + "a" * 4094, "name and value are 4097 bytes; browsers drop cookies over 4096 bytes"),
        ("=", "the cookie has neither a name nor a value"),
        ("sid=1\x00; Secure", "control characters"),
    ],
)
def test_refusals_say_why(header, reason):
    verdict = judge_set_cookie(header, now=NOW)
    assert not verdict.stored
    assert any(reason in refusal for refusal in verdict.refused), verdict.refused


def test_the_size_limit_counts_name_and_value_bytes():
    assert judge_set_cookie("sid=" + "a" * 4093, now=NOW).stored  # 3 + 4093 = 4096: kept
    assert not judge_set_cookie("sid=" + "a" * 4094, now=NOW).stored
    # Bytes, not characters: 'é' is two bytes in UTF-8.
    assert not judge_set_cookie("sid=" + "é" * 2047, now=NOW).stored


def test_samesite_none_with_secure_is_stored():
    assert judge_set_cookie("sid=1; SameSite=None; Secure", now=NOW).stored


def test_a_careful_session_cookie_gets_no_warnings():
    verdict = judge_set_cookie("__Host-sid=abc; Max-Age=3600; Path=/; Secure; HttpOnly; SameSite=Lax", now=NOW)
    assert verdict.stored and verdict.warnings == ()


@pytest.mark.parametrize(
    ("header", "warning"),
    [
        (
            "sid=1; Max-Age=43200000; Path=/; Secure; HttpOnly; SameSite=Lax",
            "a lifetime of 500 days is cut to 400 days",
        ),
        ("sid=1; Expires=Wed, 01 Jan 2031 09:00:00 GMT; Path=/; Secure; HttpOnly; SameSite=Lax", "cut to 400 days"),
        (
            "sid=1; Expires=Thu, 01 Jan 2026 10:00:00 GMT; Path=/; Secure; HttpOnly; SameSite=Lax",
            "the browser's own clock",
        ),
        ("sid=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax", "the browser deletes any cookie with this name"),
        ("sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure; HttpOnly; SameSite=Lax", "the browser deletes"),
        ("sid=1; Path=/; Secure; HttpOnly; SameSite=Lax", "a session cookie, kept until the browser closes"),
        ("sid=1; Max-Age=60; Path=/; Secure; SameSite=Lax", "no HttpOnly: JavaScript on the page can read it"),
        ("sid=1; Max-Age=60; Path=/; HttpOnly; SameSite=Lax", "no Secure: it is also sent over plain http"),
        ("sid=1; Max-Age=60; Path=/; Secure; HttpOnly", "no SameSite: Chrome and Edge treat it as Lax"),
        ("sid=1; Max-Age=60; Secure; HttpOnly; SameSite=Lax", "no Path: it applies to the directory"),
        (
            "sid=1; Max-Age=60; Path=/; Secure; HttpOnly; SameSite=Lax; Domain=.Site.Example",
            "also sent to every subdomain of site.example",
        ),
        ("sid=1; Max-Age=soon; Path=/; Secure; HttpOnly; SameSite=Lax", "Max-Age=soon is not a whole number"),
        (
            "sid=1; Expires=tomorrow; Max-Age=60; Path=/; Secure; HttpOnly; SameSite=Lax",
            "Expires=tomorrow is not a date",
        ),
        ("sid=1; Max-Age=60; Path=account; Secure; HttpOnly; SameSite=Lax", "does not start with '/'"),
        (
            "sid=1; Max-Age=60; Path=/; Secure; HttpOnly; SameSite=Sometimes",
            "SameSite=Sometimes is not Strict, Lax or None",
        ),
        ("sid=1; Max-Age=60; Path=/; Secure; HttpOnly; SameSite=Lax; Colour=red", "Colour is not a cookie attribute"),
    ],
)
def test_warnings_in_plain_words(header, warning):
    verdict = judge_set_cookie(header, now=NOW)
    assert verdict.stored
    assert any(warning in note for note in verdict.warnings), verdict.warnings


def test_parse_reads_attributes_case_insensitively_and_the_last_one_wins():
    cookie = parse_set_cookie(" sid = abc ; path=/a; PATH=/b; max-age=60; SECURE; httponly; samesite=strict")
    assert (cookie.name, cookie.value) == ("sid", "abc")
    assert cookie.path == "/b" and cookie.max_age == 60
    assert cookie.secure and cookie.httponly and cookie.samesite == "Strict"


def test_parse_splits_the_value_at_the_first_equals_sign_only():
    assert parse_set_cookie("x=notuser=admin").value == "notuser=admin"
    assert parse_set_cookie("justavalue").name == ""


def test_build_a_careful_session_cookie():
    built = build_set_cookie(
        "__Host-sid", "abc123", max_age=3600, path="/", secure=True, httponly=True, samesite="lax", now=NOW
    )
    assert built.header == "__Host-sid=abc123; Max-Age=3600; Path=/; Secure; HttpOnly; SameSite=Lax"
    assert built.stored and built.refused == () and built.warnings == ()


def test_build_the_articles_cookie_and_hear_what_is_missing():
    built = build_set_cookie("user", "admin", httponly=True, path="/", max_age=3600, now=NOW)
    assert built.header == "user=admin; Max-Age=3600; Path=/; HttpOnly"
    assert built.stored
    assert [w.split(":")[0] for w in built.warnings] == ["no Secure", "no SameSite"]


def test_build_formats_expires_as_an_http_date():
    moment = datetime(2026, 1, 1, 10, 0, tzinfo=timezone.utc)
    assert build_set_cookie("a", "1", expires=moment, now=NOW).header == "a=1; Expires=Thu, 01 Jan 2026 10:00:00 GMT"
    assert (
        build_set_cookie("a", "1", expires=NOW + 3600, now=NOW).header == "a=1; Expires=Thu, 01 Jan 2026 10:00:00 GMT"
    )
    in_paris = moment.astimezone(timezone(timedelta(hours=1)))
    assert "Expires=Thu, 01 Jan 2026 10:00:00 GMT" in build_set_cookie("a", "1", expires=in_paris, now=NOW).header


def test_build_judges_the_rfc_prefix_examples_too():
    assert not build_set_cookie("__Host-SID", "12345", secure=True, now=NOW).stored
    assert build_set_cookie("__Host-SID", "12345", secure=True, path="/", now=NOW).stored
    assert not build_set_cookie("__Secure-SID", "12345", domain="site.example", now=NOW).stored
    assert build_set_cookie("__Secure-SID", "12345", secure=True, domain="site.example", now=NOW).stored


def test_build_warns_about_the_size_and_the_cap():
    big = build_set_cookie("big", "A" * 5000, now=NOW)
    assert not big.stored
    long_lived = build_set_cookie("remember", "1", max_age=500 * 86400, now=NOW)
    assert "a lifetime of 500 days is cut to 400 days by browsers" in long_lived.warnings


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (dict(name="", value="1"), "a cookie needs a name"),
        (dict(name="my cookie", value="1"), "a cookie name may not contain ' '"),
        (dict(name="a=b", value="1"), "a cookie name may not contain '='"),
        (dict(name="sid", value="a;Domain=evil.example"), "a cookie value may not contain ';'"),
        (dict(name="sid", value="two words"), "a cookie value may not contain ' '"),
        (dict(name="sid", value="line\r\nSet-Cookie: evil=1"), "a cookie value may not contain"),
        (dict(name="sid", value="café"), "non-ASCII"),
        (dict(name="sid", value='"quoted"'), "a cookie value may not contain '\"'"),
        (dict(name="sid", value="1", max_age=1.5), "max_age is a whole number of seconds"),
        (dict(name="sid", value="1", max_age=True), "max_age is a whole number of seconds"),
        (dict(name="sid", value="1", expires=datetime(2026, 1, 1)), "timezone-aware"),
        (dict(name="sid", value="1", expires="tomorrow"), "expires is a datetime or a Unix time"),
        (dict(name="sid", value="1", expires=1e30), "not a date a browser can read"),
        (dict(name="sid", value="1", domain="evil.example; Secure"), "a domain is letters, digits"),
        (dict(name="sid", value="1", path="/a\nb"), "a path is printable ASCII"),
        (dict(name="sid", value="1", samesite="Sometimes"), "SameSite is 'Strict', 'Lax' or 'None'"),
    ],
)
def test_build_refuses_what_would_break_the_header(arguments, message):
    with pytest.raises(ValueError) as raised:
        build_set_cookie(**arguments, now=NOW)
    assert message in str(raised.value)


def _field(widget, description):
    from ipywidgets import HBox

    for child in widget.children:
        for field in child.children if isinstance(child, HBox) else [child]:
            if getattr(field, "description", None) == description:
                return field
    raise LookupError(description)


def test_widget_shows_the_header_and_updates_as_you_choose():
    from course.lessons.widgets.cookie_builder import cookie_builder_widget

    widget = cookie_builder_widget(name="sid", value="abc", now=NOW)
    report = widget.children[-1]
    assert "Set-Cookie: sid=abc; Max-Age=3600; Path=/" in report.value
    _field(widget, "SameSite").value = "None"
    assert "SameSite=None without Secure" in report.value and "refuses it" in report.value
    _field(widget, "Secure").value = True
    assert "a browser stores it" in report.value
    _field(widget, "Name").value = "__Host-sid"
    _field(widget, "Domain").value = "site.example"
    assert "must not have a Domain attribute" in report.value
    _field(widget, "also send Expires (now + Max-Age)").value = True
    assert "Expires=Thu, 01 Jan 2026 10:00:00 GMT" in report.value


def test_widget_explains_invalid_input_instead_of_raising():
    from course.lessons.widgets.cookie_builder import cookie_builder_widget

    widget = cookie_builder_widget(now=NOW)
    report = widget.children[-1]
    _field(widget, "Value").value = "a;b"
    assert "not a valid cookie: a cookie value may not contain &#x27;;&#x27;" in report.value
    _field(widget, "Value").value = "ok"
    _field(widget, "Max-Age").value = "an hour"
    assert "Max-Age is a whole number" in report.value


def test_cookie_report_is_plain_text():
    from course.lessons.widgets.cookie_builder import cookie_report

    report = cookie_report(build_set_cookie("__Host-SID", "12345", secure=True, now=NOW))
    assert report.splitlines()[:3] == [
        "Set-Cookie: __Host-SID=12345; Secure",
        "⛔ a browser refuses it:",
        "   ⛔ a __Host- cookie must have Path=/",
    ]


@pytest.mark.parametrize(
    ("header", "host", "stored"),
    [
        ("a=1; Domain=site.example", "site.example", True),
        ("a=1; Domain=site.example", "www.site.example", True),
        ("a=1; Domain=.site.example", "www.site.example", True),
        ("a=1; Domain=www.site.example", "site.example", False),  # not for a parent's sibling or the parent
        ("a=1; Domain=other.example", "site.example", False),
        ("a=1; Domain=ite.example", "site.example", False),  # a suffix of the text is not a parent domain
        ("a=1; Domain=example.com", "127.0.0.1", False),
        ("a=1; Domain=127.0.0.1", "127.0.0.1", True),
        ("a=1; Domain=0.0.1", "127.0.0.1", False),  # IP addresses have no parent domains
    ],
)
def test_a_domain_must_cover_the_host_that_sets_it(header, host, stored):
    verdict = judge_set_cookie(header, now=NOW, request_host=host)
    assert verdict.stored is stored
    if not stored:
        assert "a site may set cookies only for itself and its parent domains" in verdict.refused[-1]


def test_widget_survives_an_absurd_max_age():
    from course.lessons.widgets.cookie_builder import cookie_builder_widget

    widget = cookie_builder_widget(now=NOW)
    _field(widget, "also send Expires (now + Max-Age)").value = True
    _field(widget, "Max-Age").value = "1" + "0" * 30
    assert "not a date a browser can read" in widget.children[-1].value


def test_widget_starts_with_samesite_not_set_and_whole_labels():
    from course.lessons.widgets.cookie_builder import cookie_builder_widget

    widget = cookie_builder_widget(now=NOW)
    samesite = _field(widget, "SameSite")
    assert samesite.label == "(not set)", "the dropdown must not start blank"
    assert "SameSite" not in widget.children[-1].value.partition("</code>")[0]
    assert _field(widget, "also send Expires (now + Max-Age)").style.description_width == "initial"


def test_widget_dates_follow_the_demo_servers_clock(live_server):
    from course.lessons.widgets.cookie_builder import cookie_builder_widget

    live_server.clock.advance(3600)
    widget = cookie_builder_widget()
    _field(widget, "also send Expires (now + Max-Age)").value = True
    assert "Expires=Thu, 01 Jan 2026 11:00:00 GMT" in widget.children[-1].value
