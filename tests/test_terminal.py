"""Colour and progress only for a person at a terminal."""

from __future__ import annotations

import io

from course.terminal import Terminal, bar


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_on_a_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert Terminal(FakeTty(), FakeTty()).paint("ok", "green") == "\033[32mok\033[0m"


def test_no_colour_when_no_color_is_set(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert Terminal(FakeTty(), FakeTty()).paint("ok", "green") == "ok"


def test_no_colour_or_progress_in_a_pipe(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    out, err = io.StringIO(), io.StringIO()
    terminal = Terminal(out, err)
    terminal.progress("working")
    terminal.say(terminal.paint("done", "green"))
    assert out.getvalue() == "done\n"
    assert err.getvalue() == ""


def test_progress_line_is_redrawn_on_a_terminal():
    err = FakeTty()
    terminal = Terminal(FakeTty(), err)
    terminal.progress("Grading " + bar(1, 4))
    assert err.getvalue() == "\r\033[KGrading [######------------------] 1/4"


def test_bar():
    assert bar(0, 2, width=4) == "[----] 0/2"
    assert bar(2, 2, width=4) == "[####] 2/2"
    assert bar(0, 0, width=4) == "[####] 0/0"
