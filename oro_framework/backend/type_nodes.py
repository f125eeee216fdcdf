"""A command's annotations resolved once into a small tree of type nodes, which both the
converter (:mod:`oro_framework.backend.convert`, what a page sends into Python values) and the
TypeScript writer (:mod:`oro_framework.backend.typescript`, ``oro types``) read: what one
accepts the other types, and what one refuses the other never sees.

Resolving is where every rule about annotations lives: ``Annotated``, ``NewType`` and
``type X = ...`` aliases are their underlying type; ``memoryview`` and ``bytearray`` are bytes;
a ``Literal`` holds strings, integers, booleans, ``None`` or enum members; set items are
hashable. A parameter's annotation resolves strictly (:class:`TypeError` for what no JSON value
converts to, which the backend's load reports); a result's or an event's leniently (what is not
understood is :class:`Unknown`, since ``jsonable`` and not the converter writes those).
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
import types
import typing
from pathlib import PurePath
from typing import Any, Final, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict

from oro_framework.records import record

__all__ = [
    "Array",
    "Binary",
    "Choice",
    "Field",
    "Never",
    "Node",
    "Null",
    "Object",
    "Record",
    "Scalar",
    "Tuple",
    "Union_",
    "Unknown",
    "resolve",
    "typed_dict_fields",
    "unwrap",
]

LITERAL_TYPES: Final = (str, int, bool, type(None))
"""The types a ``Literal`` value or an enum member's value may have: those a JSON value compares
equal to exactly (a float ``2.0`` arrives from JavaScript as ``2``)."""


class Node:
    """One type of the tree."""


@record
class Scalar(Node):
    """``str``, ``int``, ``float``, ``bool``, or a ``PurePath`` class (text)."""

    python: type


@record
class Binary(Node):
    """``bytes``, ``bytearray`` or ``memoryview``: base64 text inside JSON, raw as a body."""

    python: type = bytes


@record
class Null(Node):
    """``None``."""


@record
class Unknown(Node):
    """``Any`` or ``object``: any JSON value, or (``scalar``: a set's items) any JSON scalar."""

    scalar: bool = False


@record
class Never(Node):
    """``NoReturn`` / ``Never`` (a result only)."""


@record
class Array(Node):
    """A JSON array of ``item``, received as ``python`` (list, tuple, set or frozenset)."""

    item: Node
    python: type = list


@record
class Tuple(Node):
    """A fixed-length tuple: a JSON array of exactly these items."""

    items: tuple[Node, ...]


@record
class Object(Node):
    """``dict[str, value]``: a JSON object."""

    value: Node


@record
class Union_(Node):
    """``A | B``: tried in order (``None`` among them for an optional)."""

    members: tuple[Node, ...]


@record
class Choice(Node):
    """A ``Literal`` (``members`` the values) or an ``Enum`` (``kind`` the class, ``members``
    its members): the page sends one of ``values``."""

    values: tuple[Any, ...]
    members: tuple[Any, ...]
    kind: type[enum.Enum] | None = None


@record
class Field:
    """A record's field: ``required`` when the page must send it, ``init`` when the page may
    send it at all (a dataclass field ``__init__`` does not take is only received)."""

    name: str
    node: Node
    required: bool
    init: bool = True


@record(frozen=False, eq=False)
class Record(Node):
    """A dataclass or a TypedDict. Compared by identity: a record may refer to itself, so its
    fields are filled in after the node exists."""

    kind: type
    fields: tuple[Field, ...] = ()

    @property
    def is_typeddict(self) -> bool:
        return is_typeddict(self.kind)


_SEQUENCES: Final = frozenset(
    {
        list,
        collections.abc.Sequence,
        collections.abc.MutableSequence,
        collections.abc.Iterable,
        collections.abc.Collection,
    }
)
_SETS: Final = frozenset({set, frozenset, collections.abc.Set, collections.abc.MutableSet})
_MAPPINGS: Final = frozenset({dict, collections.abc.Mapping, collections.abc.MutableMapping})
_SCALARS: Final = (str, int, float, bool)
_NEVER: Final = (typing.NoReturn, getattr(typing, "Never", typing.NoReturn))


def unwrap(annotation: Any) -> Any:
    """``annotation`` without what does not change its values: ``Annotated``, ``NewType`` (a
    ``UserId`` is its ``int`` at run time), a ``type X = ...`` alias (``TypeAliasType``, of
    Python 3.12 or typing_extensions)."""
    while True:
        if get_origin(annotation) is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif isinstance(annotation, typing.NewType):
            annotation = annotation.__supertype__
        elif type(annotation).__name__ == "TypeAliasType" and hasattr(annotation, "__value__"):
            annotation = annotation.__value__
        else:
            return annotation


def typed_dict_fields(kind: Any) -> list[tuple[str, Any, bool]]:
    """``(key, annotation, required)`` of a TypedDict, in order. Required and NotRequired are
    read from the hints, not ``__required_keys__``: under ``from __future__ import annotations``
    Python 3.11 cannot see them there and counts every key required."""
    hints = get_type_hints(kind, include_extras=True)
    total = bool(getattr(kind, "__total__", True))
    found: list[tuple[str, Any, bool]] = []
    for key, hint in hints.items():
        origin = get_origin(hint)
        required = origin is typing.Required or (origin is not typing.NotRequired and total)
        plain = get_args(hint)[0] if origin in (typing.Required, typing.NotRequired) else hint
        found.append((key, plain, required))
    return found


def resolve(annotation: Any, *, strict: bool = True) -> Node:
    """The node of ``annotation``.

    :param strict: a parameter's annotation: what no JSON value converts to raises. Otherwise
        (a result, an event's data) it is :class:`Unknown`.
    :raises TypeError: (``strict``) a type commands cannot take, naming it.
    :raises NameError: (``strict``) a string annotation naming nothing importable.
    """
    return _Resolver(strict).node(annotation)


class _Resolver:
    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.records: dict[type, Record] = {}

    def refuse(self, message: str) -> Node:
        if self.strict:
            raise TypeError(message)
        return Unknown()

    def node(self, annotation: Any) -> Node:
        annotation = unwrap(annotation)
        simple = self._simple(annotation)
        if simple is not None:
            return simple
        origin = get_origin(annotation)
        if origin is not None:
            return self._generic(origin, get_args(annotation), annotation)
        if isinstance(annotation, type):
            return self._class(annotation)
        return self.refuse(f"a command cannot take {annotation!r}: it is no type")

    def _simple(self, annotation: Any) -> Node | None:
        if annotation is Any or annotation is object:
            return Unknown()
        if isinstance(annotation, str | typing.ForwardRef):
            # A forward reference nothing resolved: a result's or an event's is unknown.
            return self.refuse(f"a command cannot take {annotation!r}: the name is not found")
        if annotation is None or annotation is type(None):
            return Null()
        if annotation in _NEVER:
            return Never() if not self.strict else self.refuse("no value is a Never")
        if annotation in (bytes, bytearray, memoryview):
            return Binary(annotation)
        if annotation in _SCALARS:
            return Scalar(annotation)
        if annotation in (list, tuple, set, frozenset):
            item = Unknown(scalar=annotation in (set, frozenset))
            return Array(item, annotation)
        if annotation is dict:
            return Object(Unknown())
        return None

    def _generic(self, origin: Any, arguments: tuple[Any, ...], annotation: Any) -> Node:
        if origin in (Union, types.UnionType):
            return Union_(tuple(self.node(member) for member in arguments))
        if origin is Literal:
            return self._literal(arguments)
        if origin is tuple:
            if len(arguments) == 2 and arguments[1] is Ellipsis:
                return Array(self.node(arguments[0]), tuple)
            return Tuple(tuple(self.node(argument) for argument in arguments))
        if origin in _SEQUENCES:
            return Array(self.node(arguments[0]) if arguments else Unknown(), list)
        if origin in _SETS:
            return self._set(arguments[0] if arguments else None, origin)
        if origin in _MAPPINGS:
            return self._mapping(arguments)
        return self.refuse(
            f"a command cannot take {annotation!r}: use JSON types, dataclasses or TypedDicts"
        )

    def _literal(self, values: tuple[Any, ...]) -> Node:
        plain = tuple(value.value if isinstance(value, enum.Enum) else value for value in values)
        if not all(type(value) in LITERAL_TYPES for value in plain):
            return self.refuse(
                f"Literal{list(values)!r}: a Literal holds strings, integers, booleans, None or "
                "enum members (what a JSON value equals exactly)"
            )
        return Choice(plain, values)

    def _set(self, item: Any, origin: Any) -> Node:
        if item is None:
            return Array(Unknown(scalar=True), frozenset if origin is frozenset else set)
        node = _scalar_unknowns(self.node(item))
        if not _is_hashable(node):
            return self.refuse(f"set items must be hashable (text, numbers, tuples), not {item!r}")
        return Array(node, frozenset if origin is frozenset else set)

    def _mapping(self, arguments: tuple[Any, ...]) -> Node:
        key, value = arguments if arguments else (str, Any)
        if unwrap(key) not in (str, Any):
            return self.refuse(f"dict keys must be str (JSON object keys), not {key!r}")
        return Object(self.node(value))

    def _class(self, kind: type) -> Node:
        if is_typeddict(kind) or dataclasses.is_dataclass(kind):
            return self._record(kind)
        if issubclass(kind, enum.Enum):
            members = tuple(kind)
            checked = self._literal(members)
            if not isinstance(checked, Choice):
                return checked
            return Choice(checked.values, members, kind)
        if issubclass(kind, PurePath):
            return Scalar(kind)
        base = next((base for base in (bool, int, float, str) if issubclass(kind, base)), None)
        if base is not None and not self.strict:
            # A result of a `str` subclass is sent as text; a parameter of one could not be
            # built from text (its constructor is its own), so it stays refused.
            return Scalar(base)
        return self.refuse(
            f"a command cannot take {kind!r}: use JSON types, dataclasses or TypedDicts"
        )

    def _record(self, kind: type) -> Node:
        found = self.records.get(kind)
        if found is not None:
            return found
        record = self.records[kind] = Record(kind)
        fields = self._typed_dict(kind) if is_typeddict(kind) else self._dataclass(kind)
        record.fields = tuple(fields)
        return record

    def _typed_dict(self, kind: type) -> list[Field]:
        try:
            fields = typed_dict_fields(kind)
        except Exception:
            if self.strict:
                raise
            # An annotation that does not resolve: the record is typed without fields.
            return []
        return [Field(key, self.node(hint), required) for key, hint, required in fields]

    def _dataclass(self, kind: type) -> list[Field]:
        try:
            hints = get_type_hints(kind)
        except Exception:
            if self.strict:
                raise
            # An annotation that does not resolve (a name the module never imports at run
            # time): its fields are unknown rather than failing the whole file.
            hints = {}
        found: list[Field] = []
        for field in dataclasses.fields(kind):
            annotation = hints.get(field.name, Any)
            # A field __init__ does not take is never converted: only `jsonable` writes it.
            node = self.node(annotation) if field.init else resolve(annotation, strict=False)
            required = (
                field.default is dataclasses.MISSING
                and field.default_factory is dataclasses.MISSING
            )
            found.append(Field(field.name, node, required, field.init))
        return found


def _scalar_unknowns(node: Node) -> Node:
    """``node`` with every ``Any`` in it that a set's item holds directly (through tuples and
    unions) taking JSON scalars only: a set cannot hold a list or a dict."""
    if isinstance(node, Unknown):
        return Unknown(scalar=True)
    if isinstance(node, Tuple):
        return Tuple(tuple(_scalar_unknowns(item) for item in node.items))
    if isinstance(node, Union_):
        return Union_(tuple(_scalar_unknowns(member) for member in node.members))
    if isinstance(node, Array) and node.python in (tuple, frozenset):
        return Array(_scalar_unknowns(node.item), node.python)
    return node


def _is_hashable(node: Node) -> bool:
    if isinstance(node, Binary):
        return node.python is bytes
    if isinstance(node, Scalar | Null | Choice):
        return True
    if isinstance(node, Unknown):
        return node.scalar
    if isinstance(node, Tuple):
        return all(_is_hashable(item) for item in node.items)
    if isinstance(node, Union_):
        return all(_is_hashable(member) for member in node.members)
    if isinstance(node, Array):
        return node.python in (tuple, frozenset) and _is_hashable(node.item)
    return False
