"""Values from the page into the types a command's annotations name, and results back to JSON.

A converter is built once per parameter when the backend loads (:func:`converter`), so a call
only runs the checks its types need. What a page sends is JSON (a JSON body, or query values
decoded as JSON where they parse), so the accepted forms are the ones JSON and Oro's query
strings produce: ``"12"`` is an ``int`` 12, ``"true"`` a ``bool``, a base64 string or the raw
request body is ``bytes``. Anything else is an :class:`~oro_framework.InvalidArgumentError`
naming the parameter's path (``options.size[2]``), the same typed error plugin routes answer.
"""

from __future__ import annotations

import base64
import binascii
import collections.abc
import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any, Final, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict

from oro_framework.kernel.errors import InvalidArgumentError
from oro_framework.kernel.request import bool_value, float_value, int_value

__all__ = ["Convert", "converter", "is_bytes", "jsonable", "type_hints", "typed_dict_fields"]

Convert = Callable[[Any, str], Any]
"""``(value, path) -> converted``; raises :class:`InvalidArgumentError` naming ``path``."""

_NONE_TYPE: Final = type(None)
_SEQUENCES: Final = (
    list,
    collections.abc.Sequence,
    collections.abc.MutableSequence,
    collections.abc.Iterable,
    collections.abc.Collection,
)
_SETS: Final = (set, frozenset, collections.abc.Set, collections.abc.MutableSet)
_MAPPINGS: Final = (dict, collections.abc.Mapping, collections.abc.MutableMapping)


def type_hints(target: Any) -> dict[str, Any]:
    """The resolved annotations of a function, dataclass or TypedDict (string annotations of
    ``from __future__ import annotations`` included)."""
    return get_type_hints(target)


def is_bytes(annotation: Any) -> bool:
    """Whether ``annotation`` is ``bytes`` (or ``bytes | None``): such a parameter can take the
    request's raw body, and such a result is sent as raw bytes."""
    if annotation in (bytes, bytearray):
        return True
    members = [member for member in _union_members(annotation) if member is not _NONE_TYPE]
    return len(members) == 1 and members[0] in (bytes, bytearray)


def _union_members(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) in (Union, types.UnionType):
        return get_args(annotation)
    return ()


def converter(annotation: Any) -> Convert:
    """The converter for values of ``annotation``.

    :raises TypeError: a type commands cannot take (a class that is neither a dataclass nor a
        TypedDict, a generic of something unknown); the backend's load reports it.
    """
    if annotation is Any or annotation is object or annotation is dataclasses.MISSING:
        return _any
    if annotation is _NONE_TYPE or annotation is None:
        return _none
    simple = _SIMPLE.get(annotation)
    if simple is not None:
        return simple
    origin = get_origin(annotation)
    arguments = get_args(annotation)
    if origin in (Union, types.UnionType):
        return _union([converter(member) for member in arguments], arguments)
    if origin is Literal:
        return _literal(arguments)
    if origin is typing.Annotated:
        return converter(arguments[0])
    if origin in _SEQUENCES:
        return _list(converter(arguments[0]) if arguments else _any, list)
    if origin in _SETS:
        kind = frozenset if origin is frozenset else set
        return _list(converter(arguments[0]) if arguments else _any, kind)
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return _list(converter(arguments[0]), tuple)
        return _tuple([converter(argument) for argument in arguments])
    if origin in _MAPPINGS:
        key, value = arguments if arguments else (str, Any)
        if key not in (str, Any):
            raise TypeError(f"dict keys must be str (JSON object keys), not {key!r}")
        return _dict(converter(value))
    if annotation in (list, tuple, set, frozenset):
        return _list(_any, annotation)
    if annotation is dict:
        return _dict(_any)
    if isinstance(annotation, type):
        if is_typeddict(annotation) or dataclasses.is_dataclass(annotation):
            return _record(annotation)
        if issubclass(annotation, enum.Enum):
            return _enum(annotation)
        if issubclass(annotation, PurePath):
            return lambda value, path: annotation(_string(value, path))
    raise TypeError(
        f"a command cannot take {annotation!r}: use JSON types, dataclasses or TypedDicts"
    )


def _any(value: Any, path: str) -> Any:
    return value


def _none(value: Any, path: str) -> None:
    if value is not None:
        raise InvalidArgumentError.invalid(path, "null")


def _string(value: Any, path: str) -> str:
    if isinstance(value, str):
        return value
    # A query value is JSON-decoded on the way ("12" arrives as 12, "true" as True): its text
    # is what the page wrote.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise InvalidArgumentError.invalid(path, "a string")


def _integer(value: Any, path: str) -> int:
    return int_value(path, value)


def _number(value: Any, path: str) -> float:
    return float_value(path, value)


def _boolean(value: Any, path: str) -> bool:
    return bool_value(path, value)


def _bytes(value: Any, path: str) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidArgumentError.invalid(path, "bytes (base64 text)") from None
    if isinstance(value, list) and all(
        isinstance(item, int) and not isinstance(item, bool) and 0 <= item <= 255 for item in value
    ):
        return bytes(value)
    raise InvalidArgumentError.invalid(path, "bytes (a Uint8Array, or base64 text)")


_SIMPLE: Final[dict[Any, Convert]] = {
    str: _string,
    int: _integer,
    float: _number,
    bool: _boolean,
    bytes: _bytes,
    bytearray: _bytes,
}


def _describe(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def _union(members: list[Convert], annotations: tuple[Any, ...]) -> Convert:
    takes_none = _NONE_TYPE in annotations
    others = [
        member
        for member, annotation in zip(members, annotations, strict=True)
        if annotation is not _NONE_TYPE
    ]
    expected = " or ".join(_describe(annotation) for annotation in annotations)
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


def _literal(allowed: tuple[Any, ...]) -> Convert:
    expected = " or ".join(repr(value) for value in allowed)

    def convert(value: Any, path: str) -> Any:
        for candidate in allowed:
            # True == 1 in Python: a literal matches its own type only.
            if type(candidate) is type(value) and candidate == value:
                return candidate
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


def _enum(kind: type[enum.Enum]) -> Convert:
    values = [member.value for member in kind]
    expected = " or ".join(repr(value) for value in values)

    def convert(value: Any, path: str) -> enum.Enum:
        for member in kind:
            if type(member.value) is type(value) and member.value == value:
                return member
        raise InvalidArgumentError.invalid(path, expected)

    return convert


def _fields(
    name: str,
    hints: Mapping[str, Any],
    required: frozenset[str],
) -> Callable[[Any, str], dict[str, Any]]:
    """The converter of a JSON object into the keyword arguments of a record type: every key
    converted by its hint, required ones present, unknown ones refused (a typo is an error,
    not a silently dropped value)."""
    converters = {key: converter(hint) for key, hint in hints.items()}

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


_BUILDING: dict[Any, list[Convert]] = {}
"""Record types whose converter is being built, for a type that refers to itself
(``children: list[Node]``): the inner reference converts through the outer one once built."""


def _record(kind: Any) -> Convert:
    if kind in _BUILDING:
        built = _BUILDING[kind]
        return lambda value, path: built[0](value, path)
    _BUILDING[kind] = slot = []
    try:
        convert = _typed_dict(kind) if is_typeddict(kind) else _dataclass(kind)
    finally:
        del _BUILDING[kind]
    slot.append(convert)
    return convert


def _typed_dict(kind: Any) -> Convert:
    fields = typed_dict_fields(kind)
    required = frozenset(key for key, _, is_required in fields if is_required)
    return _fields(kind.__name__, {key: hint for key, hint, _ in fields}, required)


def _dataclass(kind: Any) -> Convert:
    hints = type_hints(kind)
    fields = [field for field in dataclasses.fields(kind) if field.init]
    required = frozenset(
        field.name
        for field in fields
        if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
    )
    to_fields = _fields(
        kind.__name__, {field.name: hints[field.name] for field in fields}, required
    )

    def convert(value: Any, path: str) -> Any:
        return kind(**to_fields(value, path))

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
