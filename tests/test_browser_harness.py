"""course.lessons.browser: finding Chromium, its switches, and Playwright from inside an event loop.

The first tests need no browser. The rest share one Chromium (skipped without one, failed under CI).
"""

from __future__ import annotations

import asyncio
import os
import re
import stat
from pathlib import Path

import pytest

from course.lessons.browser import chromium
from course.lessons.browser.session import BrowserMissing
from course.lessons.browser.thread import BrowserClosed, NothingAnswers

from .browser_support import require_chromium

PLAYWRIGHT_DRIVER = Path(__import__("playwright").__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"


def _playwright_list(name: str) -> list[str]:
    """The feature list Playwright's driver passes to Chromium (its chromiumSwitches source)."""
    source = PLAYWRIGHT_DRIVER.read_text(encoding="utf-8")
    block = re.search(rf"{name} = (?:\(\) => )?\[(.*?)\]\.filter", source, re.S)
    assert block, f"Playwright's driver no longer defines {name}: check chromium.py against it"
    without_comments = re.sub(r"//[^\n]*", "", block.group(1))
    return re.findall(r'"([A-Za-z]+)"', without_comments)


def test_our_feature_lists_repeat_the_pinned_playwrights():
    # Chromium keeps only the last --disable-features/--enable-features: ours must include Playwright's.
    assert list(chromium.PLAYWRIGHT_DISABLED_FEATURES) == _playwright_list("disabledFeatures")
    assert list(chromium.PLAYWRIGHT_ENABLED_FEATURES) == _playwright_list("enabledFeatures")


def test_one_switch_of_each_kind_with_every_feature():
    args = chromium.launch_args(enable=("Extra",), disable=("Other",))
    disabled = [a for a in args if a.startswith("--disable-features=")]
    enabled = [a for a in args if a.startswith("--enable-features=")]
    assert len(disabled) == len(enabled) == 1
    assert disabled[0].split("=", 1)[1].split(",") == [
        *chromium.PLAYWRIGHT_DISABLED_FEATURES,
        "AutofillServerCommunication",
        "Other",
    ]
    assert enabled[0].split("=", 1)[1].split(",") == [*chromium.PLAYWRIGHT_ENABLED_FEATURES, "Extra"]
    assert "--component-updater=url-source=http://127.0.0.1:9/" in args, "on-demand components from loopback"


def _fake_executable(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_candidates_come_from_path_in_order(tmp_path, monkeypatch):
    monkeypatch.delenv(chromium.EXECUTABLE_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    chrome = _fake_executable(tmp_path, "google-chrome")
    plain = _fake_executable(tmp_path, "chromium")
    found = chromium.candidates(playwright_executable=str(tmp_path / "not-downloaded"))
    assert [c.executable for c in found] == [str(plain), str(chrome)]
    assert found[0].source == "the system's chromium"


def test_playwrights_own_comes_first_when_downloaded(tmp_path, monkeypatch):
    monkeypatch.delenv(chromium.EXECUTABLE_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    downloaded = _fake_executable(tmp_path, "chrome")
    found = chromium.candidates(playwright_executable=str(downloaded))
    assert found[0] == chromium.Candidate(None, "Playwright's own Chromium")


def test_an_explicit_choice_is_the_only_one(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    _fake_executable(tmp_path, "chromium")
    chosen = _fake_executable(tmp_path, "my-browser")
    monkeypatch.setenv(chromium.EXECUTABLE_ENV, str(chosen))
    assert [c.executable for c in chromium.candidates(None)] == [str(chosen)]
    monkeypatch.setenv(chromium.EXECUTABLE_ENV, str(tmp_path / "typo"))
    assert chromium.candidates(None) == [], "a typo finds nothing rather than another browser"


def test_no_browser_is_one_line_that_says_what_to_do():
    rendered = BrowserMissing(chromium.INSTALL_HINT)._render_traceback_()
    assert len(rendered) == 1 and "make browser" in rendered[0] and "`chromium`" in rendered[0]


@pytest.mark.parametrize(
    "url",
    [
        "/form?action=http://example.com/transfer",
        "/link?href=https://localhost:1/",
        "/link?href=http://localhost:1@example.com/",
        "/fetch?url=http://10.0.0.1:80/",
        "/image?url=javascript:alert(1)",
        "/form",
    ],
)
def test_the_attacker_site_points_the_browser_only_at_loopback(url):
    from course.lessons.browser.attacker import create_attacker_app

    answer = create_attacker_app().test_client().get(url)
    assert answer.status_code == 400 and "loopback" in answer.json["error"]


def test_the_attacker_site_keeps_its_loot_and_escapes_what_it_reflects():
    from course.lessons.browser.attacker import create_attacker_app

    app = create_attacker_app()
    client = app.test_client()
    assert client.get("/steal?cookies=a%3D1&token=t").status_code == 200
    assert app.extensions["loot"].since(0) == [{"cookies": "a=1", "token": "t"}]
    page = client.get("/form?action=http://localhost:1/x&to=%3Cscript%3E").get_data(as_text=True)
    assert "value='&lt;script&gt;'" in page
    assert client.get("/toss?kit=nope").status_code == 404


# --- with Chromium ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from course.lessons.browser import open_browser

    return open_browser()


def test_it_works_inside_a_running_event_loop(browser):
    """Jupyter runs cells inside an event loop, where Playwright's sync API refuses to run."""

    async def in_a_cell():
        asyncio.get_running_loop()  # what makes sync_playwright() refuse
        tab = browser.new_window()
        tab.set_content("<p id=greeting>hello</p>")
        text = tab.inner_text("#greeting")
        tab.context.close()
        return text

    assert asyncio.run(in_a_cell()) == "hello"


def test_handlers_and_context_managers_get_usable_objects(browser):
    tab = browser.new_window()
    seen = []
    tab.on("console", lambda message: seen.append(message.text))
    tab.set_content("<a id=go href='about:blank#next'>go</a>")
    tab.evaluate("console.log('from the page')")
    with tab.expect_event("console") as event:
        tab.evaluate("console.log('second')")
    assert event.value.text == "second"
    assert seen[:1] == ["from the page"], "a handler's argument works from the test's thread"
    tab.context.close()


def test_a_notebook_sees_playwrights_own_methods_and_docs(browser):
    import inspect

    tab = browser.new_window()
    assert "goto" in dir(tab), "tab completion lists the Page's methods"
    assert "url" in inspect.signature(tab.goto).parameters and "Page.goto" in inspect.getdoc(tab.goto)
    tab.context.close()


def test_a_closed_browser_says_so_in_one_line():
    require_chromium()
    from course.lessons.browser import open_browser

    own = open_browser(short_lax_window=True)
    tab = own.new_window()
    own.close()
    with pytest.raises(BrowserClosed) as closed:
        tab.goto("about:blank")
    assert len(closed.value._render_traceback_()) == 1
    with pytest.raises(BrowserClosed):
        own.new_window()
    assert open_browser(short_lax_window=True) is not own, "opening again launches a new one"
    open_browser(short_lax_window=True).close()


def test_a_stopped_server_is_one_line(browser):
    import demo_server
    from demo_server.runner import serve_app

    stopped = serve_app(demo_server.create_app())
    stopped.stop()
    tab = browser.new_window()
    with pytest.raises(NothingAnswers, match="run the Setup cell"):
        tab.goto(f"http://localhost:{stopped.port}/health")
    tab.context.close()


def test_the_sandbox_is_tried_except_as_root(browser):
    # Chromium refuses to start sandboxed as root; anyone else gets the sandbox where the system allows it.
    assert chromium.can_sandbox() == (os.geteuid() != 0)
    if os.geteuid() == 0:
        assert not browser.sandboxed
