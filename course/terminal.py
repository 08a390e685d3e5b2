"""Colour and progress only where a person is watching (a terminal, NO_COLOR unset)."""

from __future__ import annotations

import os
import sys
from typing import TextIO


class Terminal:
    def __init__(self, stream: TextIO | None = None, progress_stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.progress_stream = progress_stream or sys.stderr
        stream, progress_stream = self.stream, self.progress_stream
        self.colour = stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
        self.live = progress_stream.isatty()

    def paint(self, text: str, colour: str) -> str:
        if not self.colour:
            return text
        codes = {"green": "32", "red": "31", "yellow": "33", "bold": "1", "dim": "2"}
        return f"\033[{codes[colour]}m{text}\033[0m"

    def say(self, text: str = "") -> None:
        self.clear_progress()
        print(text, file=self.stream, flush=True)

    def progress(self, text: str) -> None:
        if self.live:
            self.progress_stream.write("\r\033[K" + text)
            self.progress_stream.flush()

    def clear_progress(self) -> None:
        if self.live:
            self.progress_stream.write("\r\033[K")
            self.progress_stream.flush()


def bar(done: int, total: int, width: int = 24) -> str:
    filled = int(width * done / total) if total else width
    return "[" + "#" * filled + "-" * (width - filled) + f"] {done}/{total}"
