"""TypeScript as text, for the declarations of :mod:`oro_framework.backend.typescript`: names
that are identifiers and no keyword, quoted strings and literals, unions, arrays and doc
comments."""

from __future__ import annotations

import enum
import inspect
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any, Final, is_typeddict

__all__ = [
    "IDENTIFIER",
    "RESERVED_TYPE_NAMES",
    "array_of",
    "describe_class",
    "doc_lines",
    "free_name",
    "indent",
    "literal",
    "property_name",
    "quote",
    "type_name",
    "union_text",
]

IDENTIFIER: Final = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
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
RESERVED_TYPE_NAMES: Final = _RESERVED_WORDS | frozenset(
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
"""Names an interface must not take: keywords, and the types the declarations and
``oro:backend`` refer to (an interface named ``Blob`` would shadow the DOM's in the module)."""
_GENERATED_ENUM_DOCS: Final = frozenset(
    {"An enumeration.", "Create a collection of name/value pairs."}
)


def type_name(kind: type) -> str:
    """The class's name as a TypeScript identifier."""
    name = kind.__name__
    if not name.isidentifier():
        name = re.sub(r"\W", "_", name) or "_"
        if name[0].isdigit():
            name = "_" + name
    return name


def free_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name`` with the first number from 2 that is not in ``taken``; added to
    ``taken``."""
    candidate = name
    number = 2
    while candidate in taken:
        candidate = f"{name}{number}"
        number += 1
    taken.add(candidate)
    return candidate


def property_name(name: str) -> str:
    """``name`` as a property name: quoted unless a plain identifier that is no keyword."""
    if IDENTIFIER.match(name) and name not in _RESERVED_WORDS:
        return name
    return quote(name)


def quote(text: str) -> str:
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


def literal(value: Any) -> str:
    """``value`` (an enum member's value, a JSON scalar) as a TypeScript literal type; ``number``
    for a float JSON cannot hold, ``string`` for bytes (base64 text), ``unknown`` otherwise."""
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
        return quote(value)
    if isinstance(value, bytes):
        return "string"
    return "unknown"


def union_text(members: Iterable[str]) -> str:
    """The union of ``members``, each once: ``unknown`` swallows the rest, ``never`` goes when
    anything else is there."""
    unique = list(dict.fromkeys(members))
    if "unknown" in unique:
        return "unknown"
    if len(unique) > 1 and "never" in unique:
        unique.remove("never")
    return " | ".join(unique) if unique else "never"


def array_of(item: str) -> str:
    """An array of ``item``, parenthesised when it is a union or a function type."""
    return f"({item})[]" if "|" in item or "=>" in item else f"{item}[]"


def describe_class(kind: type) -> list[str]:
    """The doc comment lines of ``kind``'s declaration: the first line of its docstring, unless
    Python wrote it, then where it lives in Python."""
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


def doc_lines(lines: Sequence[str]) -> list[str]:
    """``lines`` as a ``/** ... */`` comment (none for no text), each on one line, with no
    ``*/`` left to end it early."""
    texts = [" ".join(line.replace("*/", "*\\/").split()) for line in lines if line.strip()]
    if not texts:
        return []
    if len(texts) == 1:
        return [f"/** {texts[0]} */"]
    return ["/**", *(f" * {text}" for text in texts), " */"]


def indent(lines: Iterable[str], depth: int) -> list[str]:
    """``lines`` indented ``depth`` steps of two spaces; empty lines stay empty."""
    pad = "  " * depth
    return [f"{pad}{line}" if line else "" for line in lines]
