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
import inspect
import math
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final, Literal, get_args, get_origin, is_typeddict

from oro_framework.backend.commands import CommandSpec, Parameter
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
_IDENTIFIER: Final = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_RESERVED_WORDS: Final = frozenset(
    [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "implements",
        "interface",
        "let",
        "package",
        "private",
        "protected",
        "public",
        "static",
        "yield",
        "await",
        "async",
        "constructor",
    ]
)
_RESERVED_TYPE_NAMES: Final = _RESERVED_WORDS | frozenset(
    [
        "any",
        "unknown",
        "never",
        "object",
        "string",
        "number",
        "boolean",
        "symbol",
        "bigint",
        "undefined",
        "type",
        "keyof",
        "infer",
        "is",
        "asserts",
        "readonly",
        "unique",
        "global",
        "declare",
        "namespace",
        "module",
        "abstract",
        "as",
        "from",
        "of",
        "get",
        "set",
        "satisfies",
        "accessor",
        "out",
        "override",
        "require",
        "Array",
        "ArrayBuffer",
        "ArrayBufferView",
        "Blob",
        "Uint8Array",
        "Promise",
        "AsyncIterable",
        "Record",
        "Object",
        "Commands",
        "Events",
        "Call",
        "Stream",
        "AsyncIterableIterator",
        "BackendModule",
        "RequestOptions",
    ]
)
"""Names an interface must not take: keywords, and the types this file and ``oro:backend``
refer to (an interface named ``Blob`` would shadow the DOM's in the module)."""
_ASYNC_ITERATORS: Final = frozenset(
    {collections.abc.AsyncIterator, collections.abc.AsyncGenerator, collections.abc.AsyncIterable}
)
_GENERATED_ENUM_DOCS: Final = frozenset(
    {"An enumeration.", "Create a collection of name/value pairs."}
)

Direction = Literal["send", "receive"]


def declarations(
    commands: Sequence[CommandSpec], events: Sequence[BackendEvent[Any]], *, source: str
) -> str:
    """The text of the app's ``backend.d.ts`` for ``commands`` and ``events``; ``source`` names
    the backend in the header (``backend.py``)."""
    return _Writer(commands, events).render(source)


@dataclasses.dataclass
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
        taken = set(_RESERVED_TYPE_NAMES)
        ordered = sorted(
            self.records.values(),
            key=lambda record: (
                _type_name(record.kind),
                record.kind.__module__,
                record.kind.__qualname__,
                record.order,
            ),
        )
        for record in ordered:
            record.name = _free(_type_name(record.kind), taken)
        differs = self._inputs_that_differ()
        for record in sorted(ordered, key=lambda record: record.name):
            if record.kind in differs:
                record.input_name = (
                    _free(record.name + "Input", taken) if record.received else record.name
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
            lines.extend(_indent(block, 1))
            lines.append("")
        lines.append("  export interface Commands {")
        for spec in self.commands:
            lines.extend(_indent(self._command(spec), 2))
        lines.append("  }")
        lines.append("")
        lines.append("  export interface Events {")
        for name, nodes in self.events:
            data = _union_text([self._type(node, "receive", top=False) for node in nodes])
            lines.append(f"    {_property(name)}: {data}")
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
        values = _union_text([_literal(member.value) for member in kind]) if list(kind) else "never"
        return [*_doc_lines(_describe_class(kind)), f"export type {record.name} = {values}"]

    def _interface(self, record: _Record, direction: Direction, name: str) -> list[str]:
        kind = record.kind
        describe = _describe_class(kind)
        if direction == "send" and record.received:
            describe.append("What a page sends: the fields with a default may be left out.")
        lines = [*_doc_lines(describe), f"export interface {name} {{"]
        for field_name, node, optional in _fields(record.node, direction):
            mark = "?" if optional else ""
            text = self._type(node, direction, top=False)
            lines.append(f"  {_property(field_name)}{mark}: {text}")
        lines.append("}")
        return lines

    def _command(self, spec: CommandSpec) -> list[str]:
        if spec.name in MODULE_NAMES:
            return [
                f"// backend.{spec.name} is oro:backend's own: call it as "
                f"backend.call({_quote(spec.name)}, fields)"
            ]
        docs = _parameter_docs(spec.function)
        result = self._result(spec)
        summary = [spec.doc] if spec.doc else []
        if spec.streams:
            summary.append(
                f"Streams its items: `for await (const item of backend.{spec.name}(...))`."
                if _IDENTIFIER.match(spec.name)
                else "Streams its items: iterate the call with `for await`."
            )
        summary += [
            f"@param fields.{parameter.name} {docs[parameter.name]}"
            for parameter in spec.parameters
            if parameter.name in docs
        ]
        head = _property(spec.name)
        kind = "Stream" if spec.streams else "Call"
        tail = f"options?: {_REQUEST_OPTIONS}): {kind}<{result}>"
        if not spec.parameters:
            return [*_doc_lines(summary), f"{head} (fields?: {_NO_FIELDS}, {tail}"]
        optional = "" if any(parameter.required for parameter in spec.parameters) else "?"
        fields = [(parameter, self._parameter(spec, parameter)) for parameter in spec.parameters]
        inline = "; ".join(text for _, text in fields)
        line = f"{head} (fields{optional}: {{ {inline} }}, {tail}"
        documented = any(parameter.name in docs for parameter in spec.parameters)
        if not documented and len(line) <= _LINE:
            return [*_doc_lines(summary), line]
        lines = [*_doc_lines(summary), f"{head} (fields{optional}: {{"]
        for parameter, text in fields:
            if parameter.name in docs:
                lines.extend(f"  {doc}" for doc in _doc_lines([docs[parameter.name]]))
            lines.append(f"  {text}")
        lines.append(f"}}, {tail}")
        return lines

    def _parameter(self, spec: CommandSpec, parameter: Parameter) -> str:
        body = spec.body_parameter
        carried = body is not None and body.name == parameter.name
        text = self._type(parameter.node, "send", top=carried)
        mark = "" if parameter.required else "?"
        return f"{_property(parameter.name)}{mark}: {text}"

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
        return _array(self._type(node.item, direction, top=False))

    def _tuple(self, node: Any, direction: Direction, top: bool) -> str:
        items = ", ".join(self._type(item, direction, top=False) for item in node.items)
        return f"[{items}]"

    def _object(self, node: Any, direction: Direction, top: bool) -> str:
        return f"{{ [key: string]: {self._type(node.value, direction, top=False)} }}"

    def _union(self, node: Any, direction: Direction, top: bool) -> str:
        return _union_text([self._type(member, direction, top=top) for member in node.members])

    def _choice(self, node: Any, direction: Direction, top: bool) -> str:
        if node.kind is not None:
            record = self.records[node.kind]
            return record.name
        return _union_text([_literal(value) for value in node.values])

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


# -- text ---------------------------------------------------------------------------------------


def _type_name(kind: type) -> str:
    """The class's name as a TypeScript identifier."""
    name = kind.__name__
    if not name.isidentifier():
        name = re.sub(r"\W", "_", name) or "_"
        if name[0].isdigit():
            name = "_" + name
    return name


def _free(name: str, taken: set[str]) -> str:
    candidate = name
    number = 2
    while candidate in taken:
        candidate = f"{name}{number}"
        number += 1
    taken.add(candidate)
    return candidate


def _property(name: str) -> str:
    """``name`` as a property name: quoted unless a plain identifier that is no keyword."""
    if _IDENTIFIER.match(name) and name not in _RESERVED_WORDS:
        return name
    return _quote(name)


def _quote(text: str) -> str:
    """``text`` as a single-quoted JavaScript string."""
    escaped = []
    for character in text:
        code = ord(character)
        if character in "\\'":
            escaped.append("\\" + character)
        elif (
            code < 0x20
            or 0x7F <= code < 0xA0
            or 0xD800 <= code < 0xE000
            or code in (0x2028, 0x2029)
        ):
            escaped.append(f"\\u{code:04x}")
        else:
            escaped.append(character)
    return "'" + "".join(escaped) + "'"


def _literal(value: Any) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "number"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, bytes):
        return "string"
    return "unknown"


def _union_text(members: Iterable[str]) -> str:
    unique = list(dict.fromkeys(members))
    if "unknown" in unique:
        return "unknown"
    if len(unique) > 1 and "never" in unique:
        unique.remove("never")
    return " | ".join(unique) if unique else "never"


def _array(item: str) -> str:
    return f"({item})[]" if "|" in item or "=>" in item else f"{item}[]"


def _describe_class(kind: type) -> list[str]:
    what = (
        "an enum"
        if issubclass(kind, enum.Enum)
        else ("a TypedDict" if is_typeddict(kind) else "a dataclass")
    )
    lines = [f"Python `{kind.__module__}.{kind.__qualname__}` ({what})."]
    doc = kind.__dict__.get("__doc__")
    if isinstance(doc, str):
        first = inspect.cleandoc(doc).split("\n", 1)[0].strip()
        generated = first.startswith(f"{kind.__name__}(") or first in _GENERATED_ENUM_DOCS
        if first and not generated:
            lines.insert(0, first)
    return lines


def _doc_lines(lines: Sequence[str]) -> list[str]:
    texts = [" ".join(line.replace("*/", "*\\/").split()) for line in lines if line.strip()]
    if not texts:
        return []
    if len(texts) == 1:
        return [f"/** {texts[0]} */"]
    return ["/**", *(f" * {text}" for text in texts), " */"]


def _indent(lines: Iterable[str], depth: int) -> list[str]:
    pad = "  " * depth
    return [f"{pad}{line}" if line else "" for line in lines]


_SPHINX_PARAM: Final = re.compile(r"^:param\s+(?:[^:]*\s)?(\w+)\s*:\s*(.*)$")
_GOOGLE_SECTION: Final = re.compile(r"^(Args|Arguments|Parameters|Params)\s*:\s*$")
_GOOGLE_PARAM: Final = re.compile(r"^(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_NUMPY_SECTION: Final = frozenset({"Parameters", "Params", "Arguments"})
_NUMPY_PARAM: Final = re.compile(r"^(\w+)\s*(?::.*)?$")


def _is_rule(text: str) -> bool:
    return len(text) >= 3 and set(text) == {"-"}


def _parameter_docs(function: Any) -> dict[str, str]:
    """Each parameter's text in the docstring: ``:param name: text`` (Sphinx), an ``Args:``
    section (Google) or a ``Parameters`` section underlined with dashes (NumPy)."""
    lines = (inspect.getdoc(function) or "").splitlines()
    reader = _ParameterDocs()
    for index, line in enumerate(lines):
        reader.read(line, lines[index + 1].strip() if index + 1 < len(lines) else "")
    return {
        name: " ".join(text for text in parts if text)
        for name, parts in reader.found.items()
        if any(parts)
    }


class _ParameterDocs:
    """What :func:`_parameter_docs` knows while it reads a docstring line by line: the
    parameters found so far, the one being continued and the kind of section it is in."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}
        self.current: list[str] | None = None
        self.mode: Literal["sphinx", "google", "numpy"] | None = None
        self.entry_indent = 0

    def read(self, line: str, following: str) -> None:
        """Take one line; ``following`` is the next one, stripped (a NumPy header's rule)."""
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        sphinx = _SPHINX_PARAM.match(stripped)
        if sphinx:
            self.mode = "sphinx"
            self._start(sphinx[1], sphinx[2])
        elif _GOOGLE_SECTION.match(stripped):
            self.mode, self.current, self.entry_indent = "google", None, -1
        elif stripped in _NUMPY_SECTION and _is_rule(following):
            self.mode, self.current, self.entry_indent = "numpy", None, indent
        elif _is_rule(following) or (self.mode == "numpy" and _is_rule(stripped)):
            # Another NumPy section (Returns, Raises): its entries are no parameters.
            self.mode = self.mode if self.mode == "numpy" and _is_rule(stripped) else None
            self.current = None if self.mode is None else self.current
        elif not stripped:
            return
        elif self.mode == "sphinx":
            self._sphinx(stripped, indent)
        elif self.mode == "google":
            self._google(stripped, indent)
        elif self.mode == "numpy":
            self._numpy(stripped, indent)

    def _start(self, name: str, text: str | None) -> None:
        self.current = self.found.setdefault(name, [])
        if text is not None:
            self.current.append(text)

    def _sphinx(self, stripped: str, indent: int) -> None:
        if indent > 0 and self.current is not None:
            self.current.append(stripped)
        else:
            self.mode, self.current = None, None

    def _google(self, stripped: str, indent: int) -> None:
        if self.entry_indent < 0:
            self.entry_indent = indent
        google = _GOOGLE_PARAM.match(stripped)
        if indent < self.entry_indent or indent == 0:
            self.mode, self.current = None, None
        elif indent == self.entry_indent and google:
            self._start(google[1], google[2])
        elif indent > self.entry_indent and self.current is not None:
            self.current.append(stripped)

    def _numpy(self, stripped: str, indent: int) -> None:
        numpy = _NUMPY_PARAM.match(stripped)
        if indent == self.entry_indent and numpy:
            self._start(numpy[1], None)
        elif indent > self.entry_indent and self.current is not None:
            self.current.append(stripped)
