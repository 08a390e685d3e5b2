"""Two pieces of code next to each other: columns in JupyterLab, one after the other as text."""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class SideBySide:
    left_title: str
    left: str
    right_title: str
    right: str

    def __repr__(self) -> str:
        # The text form (what nbval compares and a terminal prints): one block after the other.
        rule = "─" * 60
        return f"{self.left_title}\n{rule}\n{self.left.rstrip()}\n\n{self.right_title}\n{rule}\n{self.right.rstrip()}"

    def _repr_html_(self) -> str:
        def column(title: str, code: str) -> str:
            return (
                f'<div style="flex:1;min-width:0"><div style="font-weight:bold;margin-bottom:4px">'
                f"{html.escape(title)}</div>"
                f'<pre style="font-size:11.5px;line-height:1.35;padding:8px;margin:0;border-left:3px solid #888;'
                f'white-space:pre;overflow-x:auto">{html.escape(code.rstrip())}</pre></div>'
            )

        return (
            '<div style="display:flex;gap:16px;align-items:flex-start">'
            + column(self.left_title, self.left)
            + column(self.right_title, self.right)
            + "</div>"
        )


def side_by_side(left_title: str, left: str, right_title: str, right: str) -> SideBySide:
    """Show ``left`` and ``right`` (source code, usually) in two columns."""
    return SideBySide(left_title, left, right_title, right)
