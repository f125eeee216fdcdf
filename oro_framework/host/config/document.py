"""``oro.toml`` as a document: parsing it (with errors that say where and what), walking its
values, finding the line of a key, and editing it in place (``oro config set``)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import tomlkit
import tomlkit.exceptions
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.items import AoT, Table

from oro_framework.host.errors import ConfigError

__all__ = [
    "PLATFORM_SECTIONS",
    "get_document_value",
    "iter_document",
    "iter_document_parts",
    "locate_line",
    "parse_document",
    "read_document",
    "read_toml_text",
    "set_document_value",
]

PLATFORM_SECTIONS: Final = ("linux", "darwin", "win32")
"""Names of override tables: ``[webview.linux]`` overrides ``[webview]`` on Linux."""


def read_document(path: Path) -> tomlkit.TOMLDocument:
    """Parse ``path`` with tomlkit (keeping comments and layout for :func:`set_document_value`).

    :raises ConfigError: the file is not UTF-8 or not valid TOML; see :func:`parse_document`.
    """
    return parse_document(read_toml_text(path), path)


def read_toml_text(path: Path) -> str:
    """The text of the TOML file ``path``.

    :raises ConfigError: it is not UTF-8 (TOML's only encoding): one line naming the file, not
        a decoding traceback.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}): save it as UTF-8, TOML's encoding",
            source=str(path),
        ) from None


def parse_document(text: str, path: Path) -> tomlkit.TOMLDocument:
    """Parse ``text``, the content of ``path`` (read already, or about to be written).

    :raises ConfigError: it is not valid TOML. The message names ``path`` as given (not just
        ``oro.toml``: a user with several apps must know which file), the line and column, and
        the problem in words: an unterminated string, which tomlkit reports as a control
        character, is called one.
    """
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as error:
        line, column, problem = _describe_toml_error(text, error)
        raise ConfigError(f"invalid TOML: {problem}", source=f"{path}:{line}:{column}") from None


_QUOTES: Final = ('"""', "'''", '"', "'")


def _describe_toml_error(text: str, error: tomlkit.exceptions.ParseError) -> tuple[int, int, str]:
    """``(line, column, problem)`` for tomlkit's ``error``, columns counted from 1."""
    opened = _unclosed_string(text)
    if opened is not None and (
        isinstance(error, tomlkit.exceptions.UnexpectedEofError)
        or (isinstance(error, tomlkit.exceptions.InvalidControlChar) and error.line >= opened[0])
    ):
        line, column, quote = opened
        if len(quote) == 3:
            return line, column, f"unterminated string (opened with {quote}, never closed)"
        return (
            line,
            column,
            f"unterminated string (close it with {quote} on the same line, or use "
            f"{quote * 3} for a string of several lines)",
        )
    message = str(error).removesuffix(f" at line {error.line} col {error.col}")
    return error.line, error.col + 1, message[:1].lower() + message[1:]


def _unclosed_string(text: str) -> tuple[int, int, str] | None:
    """Where the first string that never closes opens: ``(line, column, quote)``. A basic or
    literal string closes on its line; a multi-line one anywhere later. Comments are skipped."""
    line, start, index = 1, 0, 0
    while index < len(text):
        char = text[index]
        if char == "\n":
            line, start = line + 1, index + 1
        elif char == "#":
            newline = text.find("\n", index)
            index = len(text) if newline < 0 else newline
            continue
        elif char in "\"'":
            quote = next(q for q in _QUOTES if text.startswith(q, index))
            end = _string_end(text, index + len(quote), quote)
            if end is None:
                return line, index - start + 1, quote
            skipped = text[index:end]
            newlines = skipped.count("\n")
            if newlines:
                line, start = line + newlines, index + skipped.rindex("\n") + 1
            index = end
            continue
        index += 1
    return None


def _string_end(text: str, index: int, quote: str) -> int | None:
    """The index just past the string whose content starts at ``index``, or ``None``."""
    multiline = len(quote) == 3
    while index < len(text):
        if text.startswith(quote, index):
            return index + len(quote)
        char = text[index]
        if char == "\n" and not multiline:
            return None
        index += 2 if char == "\\" and quote[0] == '"' else 1
    return None


def iter_document(tree: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield ``(dotted key, value)`` for every value, descending into tables, arrays of scalars
    kept whole. Platform override tables are yielded as tables (callers apply them)."""
    start = tuple(prefix.split(".")) if prefix else ()
    for parts, value in iter_document_parts(tree, start):
        yield ".".join(parts), value


def iter_document_parts(
    tree: Mapping[str, Any], prefix: tuple[str, ...] = (), *, empty_tables: bool = False
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """As :func:`iter_document`, each key as its parts: a quoted part may hold a dot
    (``[ai.upstreams."a.b"]``), which a dotted key cannot tell apart.

    :param empty_tables: yield a table without values (``[ai.upstreams.gpu]`` alone) as an
        empty ``dict``, which is a value for named tables.
    """
    for key, value in tree.items():
        parts = (*prefix, str(key))
        if isinstance(value, Mapping) and key not in PLATFORM_SECTIONS:
            if empty_tables and not value:
                yield parts, {}
            yield from iter_document_parts(value, parts, empty_tables=empty_tables)
        else:
            yield parts, plain_value(value)


def plain_value(value: Any) -> Any:
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if unwrap is not None else value


def locate_line(text: str, dotted: str) -> int | None:
    """The 1-based line of ``text`` where key ``dotted`` is assigned (or, for a table, its
    header), found by following table headers and dotted keys (tomlkit does not keep
    positions)."""
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
        if header:
            table = _split_key(header.group(1))
            if ".".join(table) == dotted:
                # A table named by its header: ``[ai.upstreams.gpu]`` for ``ai.upstreams.gpu``.
                return number
            continue
        # Bare keys, and quoted ones, which may hold any character ("web+demo").
        assignment = re.match(r"""^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-. ])+?)\s*=""", stripped)
        if assignment and ".".join([*table, *_split_key(assignment.group(1))]) == dotted:
            return number
    return None


def _split_key(text: str) -> list[str]:
    return [part.strip().strip("\"'") for part in text.split(".")]


def get_document_value(document: tomlkit.TOMLDocument, dotted: str) -> Any:
    """The value at ``dotted`` in ``document``.

    :raises KeyError: it is not set there.
    """
    node: Any = document
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise KeyError(dotted)
        node = node[part]
    return plain_value(node)


def set_document_value(document: tomlkit.TOMLDocument, dotted: str, value: Any) -> None:
    """Set ``dotted`` to ``value`` in place, keeping every comment and the layout of the rest.

    Existing tables (``[webview]``, ``[http.ipc]``, dotted keys) are reused; missing ones are
    appended as new ``[section]`` tables.
    """
    parts = dotted.split(".")
    # A table split in two (``[webview]`` ... ``[webview.linux]`` after other tables) comes back
    # as an out-of-order proxy; it writes through to the real tables like any other.
    node: Container | Table | OutOfOrderTableProxy = document
    for index, part in enumerate(parts[:-1]):
        child = node.get(part)
        if child is None:
            remaining = parts[index:-1]
            table = tomlkit.table()
            table.add(parts[-1], value)
            for name in reversed(remaining[1:]):
                outer = tomlkit.table(is_super_table=True)
                outer.add(name, table)
                table = outer
            node[remaining[0]] = table
            return
        if isinstance(child, AoT) or not isinstance(
            child, Container | Table | OutOfOrderTableProxy
        ):
            raise ConfigError(
                f"cannot set '{dotted}': '{'.'.join(parts[: index + 1])}' is not a table"
            )
        node = child
    node[parts[-1]] = value
