"""What lesson 06 shows: screenshots, the browser's own cookie jar, and tables of measurements.

Each object renders as HTML (or a PNG) in JupyterLab and has a plain-text form,
which is what nbval compares: a screenshot's text is a fixed caption, so saved
notebooks stay comparable while the picture itself may differ by a pixel.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Sequence

from IPython.display import Image

from course.lessons.browser.thread import Remote

# A thin frame, so a screenshot does not look like part of the notebook (its buttons are not live).
FRAME = "html { min-height: 100%; box-shadow: inset 0 0 0 2px #8c959f; }"


def screenshot(page: Remote, *, full_page: bool = True) -> Image:
    """What the tab shows now (the whole page), framed, as a PNG the notebook displays."""
    return Image(data=page.screenshot(full_page=full_page, style=FRAME), format="png")


@dataclass(frozen=True)
class Table:
    """Rows of measurements with a header; HTML in JupyterLab, aligned text elsewhere."""

    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    caption: str = ""

    def _cells(self) -> list[list[str]]:
        return [[_text(value) for value in row] for row in self.rows]

    def __repr__(self) -> str:
        cells = [list(self.columns), *self._cells()]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        lines = [
            "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip() for row in cells
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))
        return "\n".join(([self.caption] if self.caption else []) + lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(v)}</td>" for v in row) + "</tr>"
            for row in self._cells()
        )
        caption = f"<caption style='text-align:left'>{html.escape(self.caption)}</caption>" if self.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def column(self, name: str) -> list[Any]:
        index = list(self.columns).index(name)
        return [row[index] for row in self.rows]

    def as_dict(self, key: str, value: str) -> dict:
        return dict(zip(self.column(key), self.column(value), strict=True))


def cookie_jar(page: Remote, *, hide_values: Sequence[str] = ()) -> Table:
    """The cookies the tab's window holds, as the browser itself reports them (what DevTools shows).

    Read over the DevTools protocol rather than ``context.cookies()``, which reports a cookie set
    without SameSite as "Lax"; here it is "(not set)", as it was sent. ``hide_values``: cookie names
    whose values are random (session IDs), shown as ``<random>``.
    """
    devtools = page.context.new_cdp_session(page)
    try:
        cookies = devtools.send("Network.getAllCookies")["cookies"]
    finally:
        devtools.detach()
    rows = []
    for cookie in sorted(cookies, key=lambda c: (c["domain"], c["path"], c["name"])):
        value = cookie["value"]
        if cookie["name"] in hide_values:
            value = "<random>"
        samesite = cookie.get("sameSite") or "(not set)"
        flags = (cookie["httpOnly"], cookie["secure"], samesite)
        rows.append((cookie["name"], value, cookie["domain"], cookie["path"], *flags))
    return Table(("name", "value", "domain", "path", "HttpOnly", "Secure", "SameSite"), rows)


def _text(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "—"
    return str(value)
