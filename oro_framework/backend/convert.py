"""Values from the page into the types a command's annotations name, and results back to JSON.

A converter is built once per parameter when the backend loads, from the parameter's resolved
type node (:mod:`oro_framework.backend.type_nodes`, which the TypeScript writer reads too), so
a call only runs the checks its types need. What a page sends is JSON: a value of the type the
generated ``backend.d.ts`` names (a ``str`` takes JSON text only), plus the text forms plugin
routes read for numbers and booleans (``"12"`` is an ``int`` 12, ``"true"`` a ``bool``); a
base64 string or the raw request body is ``bytes``. Anything else is an
:class:`~oro_framework.InvalidArgumentError` naming the parameter's path (``options.size[2]``),
the same typed error plugin routes answer.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import enum
from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any, Final, get_type_hints

from oro_framework.backend.type_nodes import (
    Array,
    Binary,
    Choice,
    Never,
    Node,
    Null,
    Object,
    Record,
    Scalar,
    Tuple,
    Union_,
    Unknown,
    resolve,
    typed_dict_fields,
)
from oro_framework.host.errors import InvalidArgumentError
from oro_framework.host.request import bool_value, float_value, int_value

__all__ = [
    "Convert",
    "converter",
    "is_bytes",
    "is_bytes_node",
    "jsonable",
    "node_converter",
    "query_text",
    "type_hints",
    "typed_dict_fields",
]

Convert = Callable[[Any, str], Any]
"""``(value, path) -> converted``; raises :class:`InvalidArgumentError` naming ``path``."""


def type_hints(target: Any) -> dict[str, Any]:
    """The resolved annotations of a function, dataclass or TypedDict (string annotations of
    ``from __future__ import annotations`` included)."""
    return get_type_hints(target)


def is_bytes(annotation: Any) -> bool:
    """Whether ``annotation`` is bytes (``bytes``, ``bytearray``, ``memoryview``, a ``NewType``
    of one; or one of those ``| None``): such a parameter can take the request's raw body, and
    such a result is sent as raw bytes."""
    return is_bytes_node(resolve(annotation, strict=False))


def is_bytes_node(node: Node) -> bool:
    """:func:`is_bytes` of a resolved node."""
    if isinstance(node, Binary):
        return True
    if isinstance(node, Union_):
        others = [member for member in node.members if not isinstance(member, Null)]
        return len(others) == 1 and isinstance(others[0], Binary)
    return False


def converter(annotation: Any) -> Convert:
    """The converter for values of ``annotation``.

    :raises TypeError: a type commands cannot take (a class that is neither a dataclass nor a
        TypedDict, a generic of something unknown); the backend's load reports it.
    """
    return node_converter(resolve(annotation))


def node_converter(node: Node) -> Convert:
    """The converter for values of a resolved ``node``."""
    return _Builder().build(node)


def _any(value: Any, path: str) -> Any:
    return value


def _scalar_value(value: Any, path: str) -> Any:
    if value is None or isinstance(value, str | int | float):
        return value
    raise InvalidArgumentError.invalid(path, "text, a number, a boolean or null")


def _none(value: Any, path: str) -> None:
    if value is not None:
        raise InvalidArgumentError.invalid(path, "null")


def _string(value: Any, path: str) -> str:
    # JSON text only: a number or a boolean is not what a `string` field takes. (A query value
    # the transport decoded is read back as its text before it gets here: see `query_text`.)
    if isinstance(value, str):
        return value
    raise InvalidArgumentError.invalid(path, "a string")


def _integer(value: Any, path: str) -> int:
    return int_value(path, value)


def _number(value: Any, path: str) -> float:
    try:
        return float_value(path, value)
    except OverflowError:
        # A JSON integer past a double's range (400 digits): no finite number, as "1e400".
        raise InvalidArgumentError.invalid(path, "a finite number") from None


def _boolean(value: Any, path: str) -> bool:
    return bool_value(path, value)


def _binary(kind: type) -> Convert:
    def convert(value: Any, path: str) -> Any:
        data = _bytes(value, path)
        return data if kind is bytes else kind(data)

    return convert


def _bytes(value: Any, path: str) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidArgumentError.invalid(path, "bytes (base64 text)") from None
    raise InvalidArgumentError.invalid(path, "bytes (a Uint8Array, or base64 text)")


_SCALARS: Final[dict[type, Convert]] = {
    str: _string,
    int: _integer,
    float: _number,
    bool: _boolean,
}


def query_text(node: Node, value: Any) -> Any:
    """A query value as the page wrote it, for a parameter that takes text: the transport
    decodes query values as JSON where they parse (``?name=12`` arrives as ``12``), which a
    string parameter reads back as its text, as plugin routes' ``require_str`` does."""
    if isinstance(value, bool | int | float) and _takes_text(node):
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    return value


def _takes_text(node: Node) -> bool:
    if isinstance(node, Scalar):
        return issubclass(node.python, str | PurePath)
    if isinstance(node, Union_):
        takes_value = any(
            isinstance(member, Scalar) and member.python in (int, float, bool)
            for member in node.members
        )
        return not takes_value and any(_takes_text(member) for member in node.members)
    return False


class _Builder:
    """Builds a node's converter, once per record: a record that refers to itself
    (``children: list[Node]``) converts its inner references through the outer converter."""

    def __init__(self) -> None:
        self.records: dict[int, list[Convert]] = {}

    def build(self, node: Node) -> Convert:
        builder = _BUILDERS.get(type(node))
        if builder is None:
            raise TypeError(f"no converter for {node!r}")
        return builder(self, node)

    def unknown(self, node: Any) -> Convert:
        return _scalar_value if node.scalar else _any

    def scalar(self, node: Any) -> Convert:
        simple = _SCALARS.get(node.python)
        if simple is not None:
            return simple
        kind = node.python
        return lambda value, path: kind(_string(value, path))

    def binary(self, node: Any) -> Convert:
        return _binary(node.python)

    def null(self, node: Any) -> Convert:
        return _none

    def never(self, node: Any) -> Convert:
        raise TypeError("a command cannot take Never: no value is one")

    def array(self, node: Any) -> Convert:
        return _list(self.build(node.item), node.python)

    def tuple(self, node: Any) -> Convert:
        return _tuple([self.build(item) for item in node.items])

    def object(self, node: Any) -> Convert:
        return _dict(self.build(node.value))

    def union(self, node: Any) -> Convert:
        return _union([self.build(member) for member in node.members], node.members)

    def choice(self, node: Any) -> Convert:
        return _choice(node.values, node.members)

    def record(self, node: Any) -> Convert:
        building = self.records.get(id(node))
        if building is not None:
            built = building
            return lambda value, path: built[0](value, path)
        self.records[id(node)] = slot = []
        fields = _fields(
            node.kind.__name__,
            {field.name: self.build(field.node) for field in node.fields if field.init},
            frozenset(field.name for field in node.fields if field.init and field.required),
        )
        kind = node.kind
        if node.is_typeddict:
            convert: Convert = fields
        else:

            def convert(value: Any, path: str) -> Any:
                return kind(**fields(value, path))

        slot.append(convert)
        return convert


_BUILDERS: Final[dict[type, Callable[[_Builder, Any], Convert]]] = {
    Unknown: _Builder.unknown,
    Scalar: _Builder.scalar,
    Binary: _Builder.binary,
    Null: _Builder.null,
    Never: _Builder.never,
    Array: _Builder.array,
    Tuple: _Builder.tuple,
    Object: _Builder.object,
    Union_: _Builder.union,
    Choice: _Builder.choice,
    Record: _Builder.record,
}


def _describe(node: Node) -> str:
    if isinstance(node, Scalar | Binary):
        return node.python.__name__
    if isinstance(node, Null):
        return "null"
    if isinstance(node, Record):
        return node.kind.__name__
    if isinstance(node, Choice):
        return node.kind.__name__ if node.kind else " or ".join(map(repr, node.values))
    return type(node).__name__.rstrip("_").lower()


def _union(members: list[Convert], nodes: tuple[Node, ...]) -> Convert:
    takes_none = any(isinstance(node, Null) for node in nodes)
    others = [
        member for member, node in zip(members, nodes, strict=True) if not isinstance(node, Null)
    ]
    expected = " or ".join(_describe(node) for node in nodes)
    if len(others) == 1:
        # Optional[T]: T's own error says best what is wrong (a field deep inside it).
        only = others[0]

        def optional(value: Any, path: str) -> Any:
            return None if value is None and takes_none else only(value, path)

        return optional

    def convert(value: Any, path: str) -> Any:
        if value is None and takes_none:
            return None
        for member in others:
            try:
                return member(value, path)
            except InvalidArgumentError:
                continue
        raise InvalidArgumentError.invalid(path, expected)

    return convert


def _choice(values: tuple[Any, ...], members: tuple[Any, ...]) -> Convert:
    """A Literal's or an Enum's: the value sent gives the value (or enum member) it equals."""
    expected = " or ".join(repr(value) for value in values)

    def convert(value: Any, path: str) -> Any:
        for candidate, member in zip(values, members, strict=True):
            # True == 1 in Python: a value matches its own type only.
            if type(candidate) is type(value) and candidate == value:
                return member
        raise InvalidArgumentError.invalid(path, expected)

    return convert


def _list(item: Convert, kind: Callable[[list[Any]], Any]) -> Convert:
    def convert(value: Any, path: str) -> Any:
        if not isinstance(value, list):
            raise InvalidArgumentError.invalid(path, "an array")
        return kind([item(element, f"{path}[{index}]") for index, element in enumerate(value)])

    return convert


def _tuple(items: list[Convert]) -> Convert:
    def convert(value: Any, path: str) -> tuple[Any, ...]:
        if not isinstance(value, list) or len(value) != len(items):
            raise InvalidArgumentError.invalid(path, f"an array of {len(items)} items")
        return tuple(
            item(element, f"{path}[{index}]")
            for index, (item, element) in enumerate(zip(items, value, strict=True))
        )

    return convert


def _dict(item: Convert) -> Convert:
    def convert(value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise InvalidArgumentError.invalid(path, "an object")
        return {key: item(element, f"{path}.{key}") for key, element in value.items()}

    return convert


def _fields(
    name: str,
    converters: Mapping[str, Convert],
    required: frozenset[str],
) -> Callable[[Any, str], dict[str, Any]]:
    """The converter of a JSON object into the keyword arguments of a record type: every key
    converted by its field's converter, required ones present, unknown ones refused (a typo is
    an error, not a silently dropped value)."""

    def convert(value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise InvalidArgumentError.invalid(path, f"an object ({name})")
        for key in required:
            if key not in value:
                raise InvalidArgumentError.missing(f"{path}.{key}")
        unknown = [key for key in value if key not in converters]
        if unknown:
            raise InvalidArgumentError(
                f"Unknown field '{unknown[0]}' in '{path}' ({name} has "
                f"{', '.join(converters) or 'no fields'})",
                parameter=f"{path}.{unknown[0]}",
            )
        return {key: converters[key](element, f"{path}.{key}") for key, element in value.items()}

    return convert


def jsonable(value: Any) -> Any:
    """``value`` as JSON data: dataclasses as objects, tuples and sets as arrays, enums as their
    values, paths as text and ``bytes`` inside a structure as base64 text (raw ``bytes`` at the
    top of a result travel as the reply's body instead)."""
    if value is None or isinstance(value, str | int | float):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: jsonable(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, set | frozenset):
        return [jsonable(item) for item in value]
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, PurePath):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON data")
