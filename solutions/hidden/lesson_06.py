"""Hidden tests for 06-in-a-real-browser: run by `course grade` only, never shown to learners.

Edge cases the visible checks do not show, all in Chromium: a token from another
user's session, an empty token, a forged form from a sibling on the same host
name (same-site, but another origin), a second transfer with the same page, and
script payloads in other shapes (capitals, quotes, closing tags).
"""

from course.checks import hidden_test
from course.checks._support import random_word
from course.checks.lesson_06 import (
    BOB,
    attack_search,
    bank_for,
    course_check_transfer_request,
    course_search_results,
    course_transfer_form,
    forged_transfer,
    legitimate_transfer,
    shown_as_typed,
    xss_script,
)
from course.lessons.browser import open_browser
from course.lessons.browser.probes import log_in


@hidden_test("06.1")
def another_users_token_or_an_empty_one_is_refused(ns):
    transfer_form, check_transfer_request = ns["transfer_form"], ns["check_transfer_request"]
    with bank_for(transfer_form, check_transfer_request, course_search_results) as (bank, tab, attacker):
        bob = open_browser().new_window()
        try:
            log_in(bob, bank.url, *BOB, path="/login")
            bob.goto(f"{bank.url}/")
            hidden = bob.locator("form input[type=hidden]")
            bobs_fields = {
                hidden.nth(i).get_attribute("name"): hidden.nth(i).get_attribute("value") for i in range(hidden.count())
            }
        finally:
            bob.context.close()
        if bobs_fields:
            forged_transfer(bank, tab, attacker, **bobs_fields)  # Bob's token in Alice's session
            forged_transfer(bank, tab, attacker, **{name: "" for name in bobs_fields})


@hidden_test("06.1")
def a_sibling_on_the_same_host_name_is_refused(ns):
    transfer_form, check_transfer_request = ns["transfer_form"], ns["check_transfer_request"]
    with bank_for(transfer_form, check_transfer_request, course_search_results) as (bank, tab, attacker):
        # http://localhost:Q is the same SITE as the bank (ports do not count), but another origin.
        forged_transfer(bank, tab, attacker, site=attacker.sibling_url)


@hidden_test("06.1")
def the_form_works_again_and_again(ns):
    transfer_form, check_transfer_request = ns["transfer_form"], ns["check_transfer_request"]
    with bank_for(transfer_form, check_transfer_request, course_search_results) as (bank, tab, attacker):
        legitimate_transfer(bank, tab)
        legitimate_transfer(bank, tab)


@hidden_test("06.2")
def scripts_in_other_shapes_do_not_run(ns):
    with bank_for(course_transfer_form, course_check_transfer_request, ns["search_results"]) as (bank, tab, attacker):
        beacon = xss_script(random_word("x"), attacker.url)
        attack_search(
            bank,
            tab,
            attacker,
            [
                f"<SCRIPT>{beacon}</SCRIPT>",
                f"\"'><script>{beacon}</script>",
                f'<iframe srcdoc="<script>{beacon}</script>">',
            ],
        )


@hidden_test("06.2")
def every_character_is_shown_as_typed(ns):
    with bank_for(course_transfer_form, course_check_transfer_request, ns["search_results"]) as (bank, tab, attacker):
        shown_as_typed(bank, tab, f"<b>not bold</b> & \"quotes\" 'too' {random_word('q')}")
