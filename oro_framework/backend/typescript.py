"""The TypeScript declarations of an app's backend (``oro types``): its commands and events as
the page sees them through ``import backend from 'oro:backend'``.

The text is a script (no top-level ``import``/``export``) holding one ambient
``declare module 'oro:backend'`` block, so that it merges with js-api's declarations: it fills
their empty ``Commands`` and ``Events`` interfaces and adds an interface per dataclass and
TypedDict and a union per enum the commands and events reach.

Types follow the wire, not Python: a parameter is typed by what the page may *send* (a ``bytes``
parameter the request's body carries is a ``Uint8Array``, ``ArrayBuffer``, view or ``Blob``;
``bytes`` elsewhere is base64 text; a field with a default may be left out), a result by what
the page *receives* (:func:`~oro_framework.backend.convert.jsonable`: ``bytes`` at the top of a
result is a ``Uint8Array``, inside a structure base64 text; tuples and sets are arrays; enums
are their values). A dataclass whose sent shape differs from its received one (a field with a
default is optional only when sending) gets a second interface, ``<Name>Input``.

The output depends on the commands and events only, in a fixed order (sorted by name), so that
``oro types --check`` can compare it with the file on disk.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
import typing
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final, Literal, get_args, get_origin

from oro_framework import records
from oro_framework.backend.commands import CommandSpec, Parameter
from oro_framework.backend.docstring_params import parameter_docs
from oro_framework.backend.events import BackendEvent
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
    unwrap,
)
from oro_framework.backend.typescript_text import (
    IDENTIFIER,
    RESERVED_TYPE_NAMES,
    array_of,
    describe_class,
    doc_lines,
    free_name,
    indent,
    literal,
    property_name,
    quote,
    type_name,
    union_text,
)

__all__ = ["BINARY", "MODULE_NAMES", "declarations"]

BINARY: Final = "Uint8Array | ArrayBuffer | ArrayBufferView | Blob"
"""What a page may pass for the ``bytes`` parameter the request's body carries."""
MODULE_NAMES: Final = frozenset({"call", "on", "once", "open", "close", "sendToProcess", "then"})
"""``oro:backend``'s own names: a command so named is reached with ``backend.call(name)`` only
(``then`` because the module object must not look like a promise)."""
_REQUEST_OPTIONS: Final = "import('oro:ipc').RequestOptions"
_LINE: Final = 100
"""The longest command declared on one line; a longer one has a line per field."""
_NO_FIELDS: Final = "{ [field: string]: never }"
_ASYNC_ITERATORS: Final = frozenset(
    {collections.abc.AsyncIterator, collections.abc.AsyncGenerator, collections.abc.AsyncIterable}
)

Direction = Literal["send", "receive"]


def declarations(
    commands: Sequence[CommandSpec], events: Sequence[BackendEvent[Any]], *, source: str
) -> str:
    """The text of the app's ``backend.d.ts`` for ``commands`` and ``events``; ``source`` names
    the backend in the header (``backend.py``)."""
    return _Writer(commands, events).render(source)


@records.record(frozen=False)
class _Record:
    """A dataclass, TypedDict or enum the declarations name, with its node."""

    kind: type
    node: Record | Choice
    order: int
    sent: bool = False
    received: bool = False
    name: str = ""
    input_name: str = ""


class _Writer:
    def __init__(
        self, commands: Sequence[CommandSpec], events: Sequence[BackendEvent[Any]]
    ) -> None:
        first: dict[str, CommandSpec] = {}
        for spec in commands:
            first.setdefault(spec.name, spec)
        self.commands = [first[name] for name in sorted(first)]
        by_name: dict[str, list[Node]] = {}
        for declared in events:
            by_name.setdefault(declared.name, []).append(resolve(declared.type, strict=False))
        self.events = [(name, by_name[name]) for name in sorted(by_name)]
        # Results go to the page through `jsonable`, not the converter: what the nodes do not
        # know is `unknown` there rather than an error.
        self.results = {
            spec.name: resolve(_items(spec) if spec.streams else spec.result, strict=False)
            for spec in self.commands
        }
        self.records: dict[type, _Record] = {}
        self._collect()
        self._name_records()

    # -- what the declarations reach -------------------------------------------------------

    def _collect(self) -> None:
        for spec in self.commands:
            if spec.name in MODULE_NAMES:
                continue
            for parameter in spec.parameters:
                self._reach(parameter.node, "send")
            self._reach(self.results[spec.name], "receive")
        for _, nodes in self.events:
            for node in nodes:
                self._reach(node, "receive")

    def _reach(self, node: Node, direction: Direction) -> None:
        for named in _named_nodes(node):
            kind = _kind(named)
            record = self.records.get(kind)
            if record is None:
                record = self.records[kind] = _Record(kind, named, len(self.records))
            seen = record.sent if direction == "send" else record.received
            if seen:
                continue
            if direction == "send":
                record.sent = True
            else:
                record.received = True
            for field_node in _field_nodes(record.node, direction):
                self._reach(field_node, direction)

    def _name_records(self) -> None:
        """Each record's interface name: the class's, or with a number when two classes share
        it (ordered by module and qualified name, then by when the walk met them)."""
        taken = set(RESERVED_TYPE_NAMES)
        ordered = sorted(
            self.records.values(),
            key=lambda record: (
                type_name(record.kind),
                record.kind.__module__,
                record.kind.__qualname__,
                record.order,
            ),
        )
        for record in ordered:
            record.name = free_name(type_name(record.kind), taken)
        differs = self._inputs_that_differ()
        for record in sorted(ordered, key=lambda record: record.name):
            if record.kind in differs:
                record.input_name = (
                    free_name(record.name + "Input", taken) if record.received else record.name
                )
            else:
                record.input_name = record.name

    def _inputs_that_differ(self) -> set[type]:
        """The sent records whose sent shape differs from their received one: a dataclass with
        a default or a field ``__init__`` does not take, or one holding such a record."""
        sent = [record for record in self.records.values() if record.sent]
        differs = {record.kind for record in sent if _differs_locally(record.kind)}
        changed = True
        while changed:
            changed = False
            for record in sent:
                if record.kind in differs:
                    continue
                if any(
                    _kind(reached) in differs
                    for field_node in _field_nodes(record.node, "send")
                    for reached in _named_nodes(field_node)
                ):
                    differs.add(record.kind)
                    changed = True
        return differs

    # -- the text ----------------------------------------------------------------------------

    def render(self, source: str) -> str:
        lines = [
            f"// GENERATED by `oro types` from {source}; do not edit.",
            "// The commands and events of the app's backend for `import backend from "
            "'oro:backend'`:",
            "// it merges with js-api's declarations of that module (keep both in the project).",
            "",
            "declare module 'oro:backend' {",
        ]
        for block in self._type_blocks():
            lines.extend(indent(block, 1))
            lines.append("")
        lines.append("  export interface Commands {")
        for spec in self.commands:
            lines.extend(indent(self._command(spec), 2))
        lines.append("  }")
        lines.append("")
        lines.append("  export interface Events {")
        for name, nodes in self.events:
            data = union_text([self._type(node, "receive", top=False) for node in nodes])
            lines.append(f"    {property_name(name)}: {data}")
        lines.append("  }")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _type_blocks(self) -> Iterator[list[str]]:
        blocks: list[tuple[str, list[str]]] = []
        for record in self.records.values():
            kind = record.kind
            if isinstance(kind, type) and issubclass(kind, enum.Enum):
                blocks.append((record.name, self._enum(record)))
                continue
            if record.received:
                blocks.append((record.name, self._interface(record, "receive", record.name)))
            if record.sent and (record.input_name != record.name or not record.received):
                blocks.append(
                    (record.input_name, self._interface(record, "send", record.input_name))
                )
        for _, block in sorted(blocks, key=lambda item: item[0]):
            yield block

    def _enum(self, record: _Record) -> list[str]:
        kind = typing.cast("type[enum.Enum]", record.kind)
        values = union_text([literal(member.value) for member in kind]) if list(kind) else "never"
        return [*doc_lines(describe_class(kind)), f"export type {record.name} = {values}"]

    def _interface(self, record: _Record, direction: Direction, name: str) -> list[str]:
        kind = record.kind
        describe = describe_class(kind)
        if direction == "send" and record.received:
            describe.append("What a page sends: the fields with a default may be left out.")
        lines = [*doc_lines(describe), f"export interface {name} {{"]
        for field_name, node, optional in _fields(record.node, direction):
            mark = "?" if optional else ""
            text = self._type(node, direction, top=False)
            lines.append(f"  {property_name(field_name)}{mark}: {text}")
        lines.append("}")
        return lines

    def _command(self, spec: CommandSpec) -> list[str]:
        if spec.name in MODULE_NAMES:
            return [
                f"// backend.{spec.name} is oro:backend's own: call it as "
                f"backend.call({quote(spec.name)}, fields)"
            ]
        docs = parameter_docs(spec.function)
        result = self._result(spec)
        summary = [spec.doc] if spec.doc else []
        if spec.streams:
            summary.append(
                f"Streams its items: `for await (const item of backend.{spec.name}(...))`."
                if IDENTIFIER.match(spec.name)
                else "Streams its items: iterate the call with `for await`."
            )
        summary += [
            f"@param fields.{parameter.name} {docs[parameter.name]}"
            for parameter in spec.parameters
            if parameter.name in docs
        ]
        head = property_name(spec.name)
        kind = "Stream" if spec.streams else "Call"
        tail = f"options?: {_REQUEST_OPTIONS}): {kind}<{result}>"
        if not spec.parameters:
            return [*doc_lines(summary), f"{head} (fields?: {_NO_FIELDS}, {tail}"]
        optional = "" if any(parameter.required for parameter in spec.parameters) else "?"
        fields = [(parameter, self._parameter(spec, parameter)) for parameter in spec.parameters]
        inline = "; ".join(text for _, text in fields)
        line = f"{head} (fields{optional}: {{ {inline} }}, {tail}"
        documented = any(parameter.name in docs for parameter in spec.parameters)
        if not documented and len(line) <= _LINE:
            return [*doc_lines(summary), line]
        lines = [*doc_lines(summary), f"{head} (fields{optional}: {{"]
        for parameter, text in fields:
            if parameter.name in docs:
                lines.extend(f"  {doc}" for doc in doc_lines([docs[parameter.name]]))
            lines.append(f"  {text}")
        lines.append(f"}}, {tail}")
        return lines

    def _parameter(self, spec: CommandSpec, parameter: Parameter) -> str:
        body = spec.body_parameter
        carried = body is not None and body.name == parameter.name
        text = self._type(parameter.node, "send", top=carried)
        mark = "" if parameter.required else "?"
        return f"{property_name(parameter.name)}{mark}: {text}"

    def _result(self, spec: CommandSpec) -> str:
        node = self.results[spec.name]
        if spec.streams:
            if spec.streams_bytes:
                return "Uint8Array"
            return self._type(node, "receive", top=False)
        if isinstance(node, Null):
            return "void"
        return self._type(node, "receive", top=True)

    def _type(self, node: Node, direction: Direction, *, top: bool) -> str:
        """``node`` as the TypeScript type of what the page sends or receives; ``top``: the
        value is the request's body or the reply's (where ``bytes`` are raw)."""
        return _TYPES[type(node)](self, node, direction, top)

    def _scalar(self, node: Any, direction: Direction, top: bool) -> str:
        if issubclass(node.python, bool):
            return "boolean"
        if issubclass(node.python, int | float):
            return "number"
        return "string"

    def _binary(self, node: Any, direction: Direction, top: bool) -> str:
        if not top:
            return "string"
        return BINARY if direction == "send" else "Uint8Array"

    def _unknown(self, node: Any, direction: Direction, top: bool) -> str:
        return "string | number | boolean | null" if node.scalar else "unknown"

    def _array(self, node: Any, direction: Direction, top: bool) -> str:
        return array_of(self._type(node.item, direction, top=False))

    def _tuple(self, node: Any, direction: Direction, top: bool) -> str:
        items = ", ".join(self._type(item, direction, top=False) for item in node.items)
        return f"[{items}]"

    def _object(self, node: Any, direction: Direction, top: bool) -> str:
        return f"{{ [key: string]: {self._type(node.value, direction, top=False)} }}"

    def _union(self, node: Any, direction: Direction, top: bool) -> str:
        return union_text([self._type(member, direction, top=top) for member in node.members])

    def _choice(self, node: Any, direction: Direction, top: bool) -> str:
        if node.kind is not None:
            record = self.records[node.kind]
            return record.name
        return union_text([literal(value) for value in node.values])

    def _record(self, node: Any, direction: Direction, top: bool) -> str:
        record = self.records[node.kind]
        return record.input_name if direction == "send" else record.name


_TYPES: Final[dict[type, Callable[[_Writer, Any, Direction, bool], str]]] = {
    Scalar: _Writer._scalar,
    Binary: _Writer._binary,
    Unknown: _Writer._unknown,
    Null: lambda writer, node, direction, top: "null",
    Never: lambda writer, node, direction, top: "never",
    Array: _Writer._array,
    Tuple: _Writer._tuple,
    Object: _Writer._object,
    Union_: _Writer._union,
    Choice: _Writer._choice,
    Record: _Writer._record,
}


# -- nodes --------------------------------------------------------------------------------------


def _kind(node: Record | Choice) -> type:
    kind = node.kind
    assert kind is not None
    return kind


def _named_nodes(node: Node) -> Iterator[Record | Choice]:
    """The dataclasses, TypedDicts and enums ``node`` names, outermost first (a record's own
    fields are reached by the caller, so that a record referring to itself ends)."""
    if isinstance(node, Record) or (isinstance(node, Choice) and node.kind is not None):
        yield node
    elif isinstance(node, Array):
        yield from _named_nodes(node.item)
    elif isinstance(node, Object):
        yield from _named_nodes(node.value)
    elif isinstance(node, Tuple):
        for item in node.items:
            yield from _named_nodes(item)
    elif isinstance(node, Union_):
        for member in node.members:
            yield from _named_nodes(member)


def _items(spec: CommandSpec) -> Any:
    """The type of a streaming command's items: ``T`` of its ``AsyncIterator[T]`` result."""
    result = unwrap(spec.result)
    arguments = get_args(result)
    if get_origin(result) in _ASYNC_ITERATORS and arguments:
        return arguments[0]
    return Any


def _fields(node: Record | Choice, direction: Direction) -> list[tuple[str, Node, bool]]:
    """``(name, node, optional)`` of a record's fields, as the page sends them (what
    ``__init__`` takes) or receives them (every field, as ``jsonable`` writes them)."""
    if not isinstance(node, Record):
        return []
    if node.is_typeddict:
        return [(field.name, field.node, not field.required) for field in node.fields]
    if direction == "receive":
        return [(field.name, field.node, False) for field in node.fields]
    return [(field.name, field.node, not field.required) for field in node.fields if field.init]


def _field_nodes(node: Record | Choice, direction: Direction) -> list[Node]:
    return [field_node for _, field_node, _ in _fields(node, direction)]


def _has_default(field: dataclasses.Field[Any]) -> bool:
    return (
        field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
    )


def _differs_locally(kind: type) -> bool:
    if not dataclasses.is_dataclass(kind):
        return False
    return any(not field.init or _has_default(field) for field in dataclasses.fields(kind))
