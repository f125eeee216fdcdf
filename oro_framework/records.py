"""``record``: a dataclass whose methods are shared functions instead of code generated per class.

``dataclasses.dataclass`` writes the source of ``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__`` and ``__delattr__`` for each class and compiles it: six compiles
for a frozen class, about 1.5 ms. The project makes some 130 such classes as ``oro run`` starts
and 70 for ``oro config get``, a quarter of what those commands cost. ``record`` lets
``dataclasses`` do what it does without compiling (collect the fields, their defaults and
metadata, ``__match_args__``) and gives the class methods that read the field list at call time.
The class is a dataclass for everyone who asks (``dataclasses.fields``, ``replace``, ``asdict``,
the settings machinery, mypy through ``dataclass_transform``); what changes is that a call of
``__init__`` walks a tuple (2.9 µs for a class of seven fields, against 0.4 µs for the code
dataclasses generates), which is why a class made per request on a hot path stays a plain
dataclass.

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
_MISSING: Any = dataclasses.MISSING
"""The class attribute holding a record's :class:`_Spec`."""


class _Field(NamedTuple):
    name: str
    default: Any
    factory: Callable[[], Any] | None
    init: bool
    kw_only: bool


class _Spec(NamedTuple):
    positional: tuple[_Field, ...]
    """The fields ``__init__`` takes by position, in order (``init`` and not ``kw_only``)."""
    taken: tuple[tuple[str, Any, Callable[[], Any] | None], ...]
    """Every field ``__init__`` takes (name, default, factory): the positional ones first."""
    names: tuple[str, ...]
    """The names of :attr:`taken`."""
    late: tuple[tuple[str, Callable[[], Any]], ...]
    """The fields ``__init__`` does not take that a factory fills."""
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
    positional = tuple(item for item in fields if item.init and not item.kw_only)
    keyword = tuple(item for item in fields if item.init and item.kw_only)
    return _Spec(
        positional=positional,
        taken=tuple((item.name, item.default, item.factory) for item in positional + keyword),
        names=tuple(item.name for item in positional + keyword),
        late=tuple(
            (item.name, item.factory)
            for item in fields
            if not item.init and item.factory is not None
        ),
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
    for index, (name, default, factory) in enumerate(spec.taken):
        default = _FACTORY if factory is not None else default
        parameters.append(
            inspect.Parameter(
                name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD
                if index < len(spec.positional)
                else inspect.Parameter.KEYWORD_ONLY,
                default=inspect.Parameter.empty if default is dataclasses.MISSING else default,
                annotation=types[name],
            )
        )
    return inspect.Signature(parameters, return_annotation=None)


class _Signature:
    """A record's ``__signature__``, made when ``inspect.signature`` first asks (20 µs a class
    that most classes of a launch would pay for nothing), then kept on the class."""

    def __get__(self, instance: object, owner: type) -> inspect.Signature:
        signature = _signature(
            getattr(owner, _SPEC), {item.name: item.type for item in dataclasses.fields(owner)}
        )
        if owner.__dict__.get("__signature__") is self:
            type.__setattr__(owner, "__signature__", signature)
        return signature


def _refused(cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> TypeError:
    """The error of a call that gave too many positional arguments, or keywords left over."""
    owner = f"{cls.__qualname__}.__init__()"
    spec: _Spec = getattr(cls, _SPEC)
    if len(args) > len(spec.positional):
        return TypeError(
            f"{owner} takes {len(spec.positional) + 1} positional arguments "
            f"but {len(args) + 1} were given"
        )
    given = {item.name for item in spec.positional[: len(args)]}
    name = next(iter(kwargs))
    if name in given:
        return TypeError(f"{owner} got multiple values for argument {name!r}")
    return TypeError(f"{owner} got an unexpected keyword argument {name!r}")


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    # The one method called per instance: kept to a loop over the taken fields. The values go
    # into the instance's __dict__, as dataclasses' object.__setattr__ would put them (record
    # refuses a field that a descriptor of the class would intercept).
    cls = type(self)
    spec: _Spec = getattr(cls, _SPEC)
    if len(args) > len(spec.positional):
        raise _refused(cls, args, kwargs)
    values = self.__dict__
    values.update(zip(spec.names, args, strict=False))
    for name, default, factory in spec.taken[len(args) :]:
        value = kwargs.pop(name, _MISSING) if kwargs else _MISSING
        if value is _MISSING:
            if factory is not None:
                value = factory()
            elif default is _MISSING:
                raise TypeError(
                    f"{cls.__qualname__}.__init__() missing required argument: {name!r}"
                )
            else:
                value = default
        values[name] = value
    if kwargs:
        raise _refused(cls, args, kwargs)
    for name, factory in spec.late:
        # As dataclasses does; a plain default stays the class attribute it set.
        values[name] = factory()
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
    if not cls.__dictoffset__:
        raise TypeError(f"record {cls.__qualname__} has no __dict__ (slots): use a dataclass")
    for item in dataclasses.fields(cls):
        if hasattr(type(cls.__dict__.get(item.name)), "__set__"):
            raise TypeError(
                f"record {cls.__qualname__}.{item.name} is a descriptor: use a dataclass"
            )
    spec = _spec(cls, frozen=frozen)
    made: Any = cls  # its methods are set below, as dataclasses sets them
    setattr(made, _SPEC, spec)
    made.__signature__ = _Signature()
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
