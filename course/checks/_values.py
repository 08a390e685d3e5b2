"""What a check accepts from the learner's code: plain built-in values only.

A learner could return a ``str`` subclass whose ``__eq__`` is always true (or
``unittest.mock.ANY``) and pass every ``answer == expected``. So checks and hidden
tests see the learner's definitions through a guard: a value made of built-in
types must be made of exact ones (``type(x) is str``, all the way down), else the
check fails with "returned a str subclass (...)"; any other object (a learner's,
a library's) comes back wrapped, so that its methods are guarded the same way and
its own ``==`` is never asked (the wrapper equals nothing but itself). Classes are
guarded too: calling one gives such a wrapped object.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

# Taken when the checks are imported (before any learner code runs when grading).
_type, _isinstance, _id, _len, _callable = type, isinstance, id, len, callable
_dict_items, _object_getattribute = dict.items, object.__getattribute__

SCALARS = (str, bytes, int, float, complex, bool, type(None))
CONTAINERS = (dict, list, tuple, set, frozenset)
# Every type a subclass of which could pose as a plain value.
BASES = (str, bytes, int, float, complex, dict, list, tuple, set, frozenset)
MAX_DEPTH = 100


class ImpostorValue(AssertionError):
    """A learner value that is not what it claims to be (it fails the check)."""


def plain(value: Any, what: str) -> Any:
    """``value`` itself if it is made of exact built-in types; else ImpostorValue naming the impostor."""
    _check_plain(value, what, 0, set())
    return value


def _is_plain(value: Any) -> bool:
    try:
        plain(value, "")
    except ImpostorValue:
        return False
    return True


def _check_plain(value: Any, what: str, depth: int, seen: set[int]) -> None:
    kind = _type(value)
    if kind in SCALARS:
        return
    if depth > MAX_DEPTH:
        raise ImpostorValue(f"{what} {_verb(what)} a value nested more than {MAX_DEPTH} levels deep")
    if kind in CONTAINERS:
        if _id(value) in seen:
            return  # a container that holds itself is still plain
        seen.add(_id(value))
        items = _dict_items(value) if kind is dict else ((item, None) for item in value)
        for key, item in items:
            _check_plain(key, what, depth + 1, seen)
            _check_plain(item, what, depth + 1, seen)
        return
    raise ImpostorValue(_describe(value, what))


def _describe(value: Any, what: str) -> str:
    kind = _type(value)
    name = getattr(kind, "__name__", "?")
    for base in BASES:
        if _isinstance(value, base):
            return f"{what} {_verb(what)} a {base.__name__} subclass ({name}), not a plain {base.__name__}"
    return f"{what} {_verb(what)} a {name} object where a plain value (str, int, dict, list, ...) was expected"


def _verb(what: str) -> str:
    # "store.load() returned ...", but "store.data is ...": an attribute returns nothing.
    return "returned" if what.endswith(")") else "is"


def guard(value: Any, name: str) -> Any:
    """The learner's definition ``name`` as checks should see it."""
    if _isinstance(value, (GuardedFunction, GuardedObject)):
        return value
    if _isinstance(value, type):
        return GuardedClass(value, name)
    if _callable(value):
        return GuardedFunction(value, name)
    kind = _type(value)
    if kind not in SCALARS and kind not in CONTAINERS and _isinstance(value, BASES):
        raise ImpostorValue(_describe(value, name))
    return value


def _guard_result(value: Any, what: str) -> Any:
    if _callable(value):
        return guard(value, what)
    if _isinstance(value, BASES) or _is_plain(value):
        return plain(value, what)  # built-in values: exact types only, all the way down
    return GuardedObject(value, what)  # any other object: its methods guarded, its == never asked


class GuardedFunction:
    """Calls the learner's function; its result must be plain (or a guarded object)."""

    def __init__(self, function: Any, name: str) -> None:
        self.__wrapped__ = function
        self._name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _guard_result(self.__wrapped__(*args, **kwargs), f"{self._name}()")

    def __repr__(self) -> str:
        return f"<guarded {self._name}>"


class GuardedClass(GuardedFunction):
    """Calls the learner's class; the instance comes back guarded."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return GuardedObject(self.__wrapped__(*args, **kwargs), self._name)


class GuardedObject:
    """A learner's (or a library's) object whose method results and attributes must be plain."""

    __slots__ = ("__wrapped__", "_name")

    def __init__(self, target: Any, name: str) -> None:
        object.__setattr__(self, "__wrapped__", target)
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attribute: str) -> Any:
        target = _object_getattribute(self, "__wrapped__")
        name = _object_getattribute(self, "_name")
        value = getattr(target, attribute)
        if _callable(value):
            return GuardedFunction(value, f"{name}.{attribute}")
        return _guard_result(value, f"{name}.{attribute}")  # its data too: plain, or guarded in turn

    def __setattr__(self, attribute: str, value: Any) -> None:
        setattr(_object_getattribute(self, "__wrapped__"), attribute, value)

    @property
    def __dict__(self) -> dict:  # vars(store): the learner's own attributes
        return vars(_object_getattribute(self, "__wrapped__"))

    def __repr__(self) -> str:
        return f"<guarded {_object_getattribute(self, '_name')} object>"


def original(value: Any) -> Any:
    """The learner's own object behind a guard."""
    while _isinstance(value, (GuardedFunction, GuardedObject)):
        value = _object_getattribute(value, "__wrapped__")
    return value


class GuardedNamespace(MutableMapping):
    """The notebook's namespace as a check sees it: every read goes through ``guard``,
    writes go to the notebook (a check may swap a module function for a spy)."""

    def __init__(self, namespace: MutableMapping[str, Any]) -> None:
        self.namespace = namespace

    def __getitem__(self, name: str) -> Any:
        return guard(self.namespace[name], name)

    def __setitem__(self, name: str, value: Any) -> None:
        self.namespace[name] = value

    def __delitem__(self, name: str) -> None:
        del self.namespace[name]

    def __iter__(self):
        return iter(self.namespace)

    def __len__(self) -> int:
        return _len(self.namespace)

    def __contains__(self, name: object) -> bool:
        return name in self.namespace


def unguarded(namespace: Mapping[str, Any]) -> Mapping[str, Any]:
    """The notebook's own namespace behind a guard (to compare identities)."""
    return namespace.namespace if _isinstance(namespace, GuardedNamespace) else namespace
