"""URL rules that cost little to add to an app: ``create_app()`` adds about fifty of them.

werkzeug does two things for every rule as soon as the rule is added, and both used to be most
of ``create_app()``'s time, and so of a notebook's ``start()``:

- it generates and compiles Python code that builds the rule's URLs (for ``url_for``). The demo
  server builds almost no URLs, so each rule's builder is written on its first use instead;
- it parses the rule's text into the parts its matcher uses. Every app of a process adds the
  same rules, so the parse is kept and the next app's rule reuses it, with converters of its own.

Matching requests to rules is unchanged.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Callable, Mapping

from werkzeug.routing import Rule
from werkzeug.routing.converters import BaseConverter
from werkzeug.routing.rules import RulePart

# What compile() parsed, by everything the parse depends on: parts, trace and each variable's
# converter (its name and arguments, so every rule gets converters bound to its own map).
# No lock: two threads that parse the same rule at once store the same parse.
_Parsed = tuple[list[RulePart], list[tuple[bool, str]], dict[str, tuple[str, tuple, dict]]]
_parsed: dict[tuple, _Parsed] = {}


class LazilyBuiltRule(Rule):
    def compile(self) -> None:
        assert self.map is not None, "rule not bound"
        key = (
            self.rule,
            self.subdomain,
            self.host,
            self.map.host_matching,
            self.merge_slashes,
            tuple(self.map.converters.items()),  # in the map's order: another order only misses
        )
        parsed = _parsed.get(key)
        if parsed is None:
            self._converter_specs: dict[str, tuple[str, tuple, dict]] = {}
            super().compile()  # calls get_converter below for every variable
            del self.__dict__["_build"], self.__dict__["_build_unknown"]  # the properties below, then
            _parsed[key] = (list(self._parts), list(self._trace), dict(self._converter_specs))
            return
        parts, trace, specs = parsed
        self._parts, self._trace = list(parts), list(trace)
        self._converters = {name: Rule.get_converter(self, name, *spec) for name, spec in specs.items()}
        self.arguments.update(specs)

    # URL builders are written on first use (url_for), not as the rule is added.
    @cached_property
    def _build(self) -> Callable[..., tuple[str, str]]:
        return Rule._compile_builder(self, False).__get__(self, None)

    @cached_property
    def _build_unknown(self) -> Callable[..., tuple[str, str]]:
        return Rule._compile_builder(self, True).__get__(self, None)

    def get_converter(
        self, variable_name: str, converter_name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]
    ) -> BaseConverter:
        self._converter_specs[variable_name] = (converter_name, tuple(args), dict(kwargs))
        return super().get_converter(variable_name, converter_name, args, kwargs)

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        return _not_built  # werkzeug's compile() asks for both builders; compile() drops them again


def _not_built(rule: Rule, *args: Any, **kwargs: Any) -> tuple[str, str]:
    raise AssertionError("LazilyBuiltRule.compile() keeps no builder: _build is a cached_property")
