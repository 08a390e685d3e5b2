"""URL rules that write their URL builder when one is first needed, not when the app is built.

For every rule, werkzeug generates and compiles Python code that builds the rule's URLs (for
``url_for``), as soon as the rule is added: that was most of ``create_app()``'s time, and so of a
notebook's ``start()``. The demo server builds almost no URLs, so each rule's builder is now
written on its first use instead. Matching requests to rules is unchanged.
"""

from __future__ import annotations

from typing import Any, Callable

from werkzeug.routing import Rule


class LazilyBuiltRule(Rule):
    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compiled: Callable[..., tuple[str, str]] | None = None

        def build(rule: Rule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            nonlocal compiled
            if compiled is None:  # two threads may both compile it: the same code, so either will do
                compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            return compiled(*args, **kwargs)

        return build
