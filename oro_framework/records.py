"""``record``: a dataclass whose methods are shared functions instead of code generated per class.

``dataclasses.dataclass`` writes the source of ``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__`` and ``__delattr__`` for each class and compiles it: six compiles
for a frozen class, about 1.5 ms. The project makes some 130 such classes as ``oro run`` starts
and 70 for ``oro config get``, a quarter of what those commands cost. ``record`` lets
``dataclasses`` do what it does without compiling (collect the fields, their defaults and
metadata, ``__match_args__``) and gives the class methods that read the field list at call time.
The class is a dataclass for everyone who asks (``dataclasses.fields``, ``replace``, ``asdict``,
the settings machinery, mypy through ``dataclass_transform``); what changes is that a call of
``__init__`` walks a tuple, a few hundred nanoseconds more than generated code, which is why a
class made per request on a hot path may stay a plain dataclass.

The standard library is not patched: this is a decorator the project's own classes choose.
``tests/test_records.py`` draws field lists and checks that a ``record`` and a ``dataclass`` made
from the same class body behave alike.
"""

from __future__ import annotations

import dataclasses
import inspect
import reprlib
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar, dataclass_transform, overload

__all__ = ["record"]

_T = TypeVar("_T", bound=type)
_SPEC = "__oro_record__"
"""The class attribute holding a record's :class:`_Spec`."""


class _Field(NamedTuple):
    name: str
    default: Any
    factory: Callable[[], Any] | None
    init: bool
    kw_only: bool


class _Spec(NamedTuple):
    fields: tuple[_Field, ...]
    positional: tuple[_Field, ...]
    """The fields ``__init__`` takes by position, in order (``init`` and not ``kw_only``)."""
    keyword: dict[str, _Field]
    """Every field ``__init__`` takes, by name."""
    compared: tuple[str, ...]
    hashed: tuple[str, ...]
    shown: tuple[str, ...]
    frozen: bool
    post_init: bool


def _spec(cls: type, *, frozen: bool) -> _Spec:
    fields = tuple(
        _Field(
            item.name,
            item.default,
            None if item.default_factory is dataclasses.MISSING else item.default_factory,
            item.init,
            bool(item.kw_only),
        )
        for item in dataclasses.fields(cls)
    )
    every = dataclasses.fields(cls)
    defaulted = ""
    for item in fields:
        if item.init and not item.kw_only:
            if item.factory is not None or item.default is not dataclasses.MISSING:
                defaulted = item.name
            elif defaulted:
                raise TypeError(f"non-default argument {item.name!r} follows default argument")
    return _Spec(
        fields=fields,
        positional=tuple(item for item in fields if item.init and not item.kw_only),
        keyword={item.name: item for item in fields if item.init},
        compared=tuple(item.name for item in every if item.compare),
        hashed=tuple(
            item.name for item in every if (item.compare if item.hash is None else item.hash)
        ),
        shown=tuple(item.name for item in every if item.repr),
        frozen=frozen,
        post_init=hasattr(cls, "__post_init__"),
    )


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _signature(spec: _Spec, types: dict[str, Any]) -> inspect.Signature:
    """What ``inspect.signature`` says of the class, as of a dataclass: its fields by position,
    then the keyword-only ones."""
    parameters = []
    for item in (*spec.positional, *(f for f in spec.keyword.values() if f.kw_only)):
        default = _FACTORY if item.factory is not None else item.default
        parameters.append(
            inspect.Parameter(
                item.name,
                inspect.Parameter.KEYWORD_ONLY
                if item.kw_only
                else inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=inspect.Parameter.empty if default is dataclasses.MISSING else default,
                annotation=types[item.name],
            )
        )
    return inspect.Signature(parameters, return_annotation=None)


def _value(item: _Field, given: dict[str, Any], owner: str) -> Any:
    if item.name in given:
        return given.pop(item.name)
    if item.factory is not None:
        return item.factory()
    if item.default is dataclasses.MISSING:
        raise TypeError(f"{owner}.__init__() missing required argument: {item.name!r}")
    return item.default


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    spec: _Spec = getattr(type(self), _SPEC)
    owner = type(self).__qualname__
    if len(args) > len(spec.positional):
        raise TypeError(
            f"{owner}.__init__() takes {len(spec.positional) + 1} positional arguments "
            f"but {len(args) + 1} were given"
        )
    given = dict(kwargs)
    for item, value in zip(spec.positional, args, strict=False):
        if item.name in given:
            raise TypeError(f"{owner}.__init__() got multiple values for argument {item.name!r}")
        given[item.name] = value
    unknown = [name for name in given if name not in spec.keyword]
    if unknown:
        raise TypeError(f"{owner}.__init__() got an unexpected keyword argument {unknown[0]!r}")
    put = object.__setattr__ if spec.frozen else setattr
    for item in spec.fields:
        if item.init:
            put(self, item.name, _value(item, given, owner))
        elif item.factory is not None:
            # As dataclasses does; a plain default stays the class attribute it set.
            put(self, item.name, item.factory())
    if spec.post_init:
        self.__post_init__()


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    spec: _Spec = getattr(type(self), _SPEC)
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in spec.shown)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: object) -> object:
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = getattr(type(self), _SPEC).compared
    return tuple(getattr(self, name) for name in names) == tuple(
        getattr(other, name) for name in names
    )


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, name) for name in getattr(type(self), _SPEC).hashed))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _make(cls: _T, frozen: bool, eq: bool) -> _T:
    for name in ("__init__", "__repr__", "__eq__", "__setattr__", "__delattr__"):
        if name in cls.__dict__:
            raise TypeError(f"record {cls.__qualname__} defines {name}: use a dataclass")
    # Nothing is compiled with init, repr and eq off and frozen false: dataclasses only
    # collects the fields (defaults, factories, metadata, kw_only) and sets __match_args__.
    dataclasses.dataclass(cls, init=False, repr=False, eq=False)
    spec = _spec(cls, frozen=frozen)
    made: Any = cls  # its methods are set below, as dataclasses sets them
    setattr(made, _SPEC, spec)
    made.__signature__ = _signature(
        spec, {item.name: item.type for item in dataclasses.fields(made)}
    )
    made.__init__ = _init
    made.__repr__ = _repr
    if eq:
        made.__eq__ = _eq
    if eq and "__hash__" not in cls.__dict__:
        # As dataclasses does: eq and frozen hash the compared fields; eq alone is unhashable.
        made.__hash__ = _hash if frozen else None
    if frozen:
        made.__setattr__ = _frozen_setattr
        made.__delattr__ = _frozen_delattr
    return cls


@overload
def record(cls: _T, /) -> _T: ...
@overload
def record(*, frozen: bool = True, eq: bool = True) -> Callable[[_T], _T]: ...
@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def record(
    cls: _T | None = None, /, *, frozen: bool = True, eq: bool = True
) -> _T | Callable[[_T], _T]:
    """Make ``cls`` a dataclass (frozen unless ``frozen=False``; compared and, when frozen,
    hashed by its fields unless ``eq=False``) whose methods are shared rather than compiled for
    it. Fields are written as for ``dataclasses.dataclass`` (``field(default_factory=...,
    kw_only=..., init=False, repr=False, compare=False)``, ``__post_init__``); a class that
    writes its own ``__init__``, ``__repr__``, ``__eq__`` or ``__setattr__`` stays a dataclass.
    """
    if cls is None:
        return lambda made: _make(made, frozen, eq)
    return _make(cls, frozen, eq)
