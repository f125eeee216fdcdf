"""The binary wire of ``sqlite.execBinary`` and ``sqlite.execMany``: SQL, parameter sets and
result rows as bytes, so that a blob travels as its bytes (not base64 in JSON) and many
parameter sets cost one request.

All numbers are little-endian. A request body::

    magic   b"OSQ\\x01"
    u8      flags (bit 0: rows as arrays)
    u16     id length, id (UTF-8)
    u32     SQL length, SQL (UTF-8)
    block   the parameter sets

A ``sqlite.execBinary`` answer::

    magic   b"OSR\\x01"
    u32     header length, header (a JSON object: columns, columnsMeta, changes,
            lastInsertRowid)
    block   the rows

A block holds ``count`` rows (or parameter sets) of ``width`` values, column after column::

    u32 count, u32 width
    per column: u8 tag (every value of the column has it) or 0xFF followed by count tag
                bytes; then the values of each tag present, in tag order:
                INTEGER, FLOAT: 8 bytes each (int64, float64)
                BLOB: a u32 byte length each, then the bytes one after another
                TEXT, JSON: u8 layout, then
                  0: as BLOB (UTF-8), for text that holds a NUL character;
                  1: per group of rows, a u32 byte length and that group's values of the
                     tag joined by NUL, in UTF-8

A group is :func:`group_rows` rows (about 65,536 values, the last group fewer). ``JSON``
carries one page value SQLite has no type for (an object, a string with a lone surrogate) as
its JSON text; the host binds it as the JSON route binds that value
(:func:`.values.decode_value`). Laid out by column, with text joined, a block of many rows
decodes in a few C-level calls per column and group (``array.frombytes``, one
``bytes.decode`` and ``str.split``) instead of one Python step per value, and never exists whole
as Python objects: the host decodes a group of rows at a time.

Every length is checked against the bytes that follow before anything is decoded or run: a
body that lies about its sizes is an :class:`~oro_framework.InvalidArgumentError`
(``ERR_SQLITE_BAD_FRAME``), never an allocation the body did not pay for.
"""

from __future__ import annotations

import json
import struct
import sys
from array import array
from collections.abc import Iterator, Sequence
from itertools import accumulate, chain
from typing import Any, Final, final

from oro_framework import InvalidArgumentError, OutOfRangeError
from oro_sqlite.values import SQLValue, decode_value

__all__ = [
    "BLOB",
    "FLOAT",
    "INTEGER",
    "JSON",
    "NULL",
    "REQUEST_MAGIC",
    "ROWS_MAGIC",
    "TEXT",
    "BinaryRequest",
    "Block",
    "decode_request",
    "encode_block",
    "encode_rows",
    "group_rows",
]

REQUEST_MAGIC: Final = b"OSQ\x01"
ROWS_MAGIC: Final = b"OSR\x01"
NULL: Final = 0
INTEGER: Final = 1
FLOAT: Final = 2
TEXT: Final = 3
BLOB: Final = 4
JSON: Final = 5
_MIXED: Final = 0xFF
_TAGS: Final = (NULL, INTEGER, FLOAT, TEXT, BLOB, JSON)
_SIZED_LAYOUT: Final = 0
_JOINED_LAYOUT: Final = 1
_GROUP_VALUES: Final = 65_536
_ARRAY_MODE: Final = 0x01
_U16: Final = struct.Struct("<H")
_U32: Final = struct.Struct("<I")
_BLOCK_HEAD: Final = struct.Struct("<II")
_REQUEST_HEAD: Final = struct.Struct("<4sBH")
_SWAP: Final = sys.byteorder != "little"
_TYPE_TAGS: Final[dict[type, int]] = {
    type(None): NULL,
    int: INTEGER,
    float: FLOAT,
    str: TEXT,
    bytes: BLOB,
}


def bad_frame(reason: str) -> InvalidArgumentError:
    """A binary body that is not one (truncated, lengths that lie, unknown tags)."""
    return InvalidArgumentError(
        f"sqlite binary request is malformed: {reason}", code="ERR_SQLITE_BAD_FRAME"
    )


def group_rows(width: int) -> int:
    """Rows of a group: about 65,536 values, at least one row."""
    return max(1, _GROUP_VALUES // max(1, width))


def _numbers(kind: str, data: bytes) -> list[Any]:
    values = array(kind)
    values.frombytes(data)
    if _SWAP:
        values.byteswap()
    return values.tolist()


def _utf8(data: bytes, column: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidArgumentError(
            f"Parameter {column} must be valid UTF-8 text",
            code="ERR_INVALID_ARG_VALUE",
            parameter="params",
        ) from None


def _split(data: bytes, lengths: Sequence[int]) -> list[bytes]:
    ends = list(accumulate(lengths))
    starts = [0, *ends[:-1]] if ends else []
    return [data[start:end] for start, end in zip(starts, ends, strict=True)]


def _jsons(texts: list[str], column: int) -> list[SQLValue]:
    values: list[SQLValue] = []
    for text in texts:
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            raise bad_frame(f"parameter {column} holds a JSON value that is not JSON") from None
        values.append(decode_value(value, column))
    return values


@final
class _Section:
    """The values of one tag in one column, decoded as they are asked for."""

    def __init__(
        self, tag: int, column: int, start: int, lengths: list[int] | None, groups: list[int]
    ) -> None:
        self.tag = tag
        self.column = column
        self.offset = start
        self.lengths = lengths
        """Each value's byte length (sized layout), else ``None``."""
        self.groups = groups
        """Where each group's bytes start (joined layout), its length before it."""
        self._group = 0
        self._taken = 0

    def take(self, data: bytes, count: int, group: int | None) -> list[Any]:
        """The next ``count`` values: those of row group ``group`` in the joined layout."""
        tag = self.tag
        if tag == NULL:
            return [None] * count
        if tag in (INTEGER, FLOAT):
            end = self.offset + 8 * count
            chunk = data[self.offset : end]
            self.offset = end
            return _numbers("q" if tag == INTEGER else "d", chunk)
        if self.lengths is not None:
            lengths = self.lengths[self._taken : self._taken + count]
            self._taken += count
            end = self.offset + sum(lengths)
            pieces = _split(data[self.offset : end], lengths)
            self.offset = end
            if tag == BLOB:
                return pieces
            texts = [_utf8(piece, self.column) for piece in pieces]
        else:
            texts = self._joined(data, count, group)
        return texts if tag == TEXT else _jsons(texts, self.column)

    def _joined(self, data: bytes, count: int, group: int | None) -> list[str]:
        assert group is not None
        start = self.groups[group]
        size: int = _U32.unpack_from(data, start - 4)[0]
        if count == 0:
            if size:
                raise bad_frame(f"column {self.column} has text in a group without any")
            return []
        texts = _utf8(data[start : start + size], self.column).split("\x00")
        if len(texts) != count:
            raise bad_frame(f"column {self.column} has {len(texts)} texts where {count} belong")
        return texts


@final
class _Column:
    def __init__(self, column: int, tags: bytes | None, sections: dict[int, _Section]) -> None:
        self.column = column
        self.tags = tags
        """One tag per value, or ``None`` when every value has the one section's tag."""
        self.sections = sections

    def take(self, data: bytes, first: int, count: int, group: int) -> list[Any]:
        if self.tags is None:
            (section,) = self.sections.values()
            return section.take(data, count, group)
        tags = self.tags[first : first + count]
        pulled: list[Iterator[Any]] = [iter(())] * len(_TAGS)
        for tag, section in self.sections.items():
            pulled[tag] = iter(section.take(data, tags.count(tag), group))
        # Interleaved by the tags in C (map over bytes), not one Python step per value: an
        # exec's parameters are one column whose integers and texts alternate.
        values = list(map(next, map(pulled.__getitem__, tags)))
        if len(values) != count:  # a section ran out: map ends at its StopIteration
            raise bad_frame(f"column {self.column} has fewer values than its tags")
        return values


@final
class Block:
    """``count`` parameter sets (or rows) of ``width`` values, checked and ready to decode a
    group of rows at a time (:meth:`groups`), so that a large block never exists whole as
    Python objects."""

    def __init__(self, data: bytes, count: int, width: int, columns: list[_Column]) -> None:
        self._data = data
        self.count = count
        self.width = width
        self._columns = columns

    def groups(self) -> Iterator[tuple[int, list[list[Any]]]]:
        """Each group's row count and its values, column by column."""
        size = group_rows(self.width)
        for group, first in enumerate(range(0, self.count, size)):
            count = min(size, self.count - first)
            values = [column.take(self._data, first, count, group) for column in self._columns]
            yield count, values

    def column(self) -> list[SQLValue]:
        """The values of a block of one column (an ``exec``'s parameters); none for a block
        without columns."""
        if self.width == 0:
            return []
        return list(chain.from_iterable(values for _, (values,) in self.groups()))


@final
class _Reader:
    def __init__(self, data: bytes, offset: int) -> None:
        self.data = data
        self.offset = offset

    def need(self, size: int, what: str) -> int:
        start = self.offset
        if size < 0 or start + size > len(self.data):
            raise bad_frame(f"{what} runs past the end of the body")
        self.offset = start + size
        return start

    def u8(self, what: str) -> int:
        return self.data[self.need(1, what)]

    def u16(self, what: str) -> int:
        value: int = _U16.unpack_from(self.data, self.need(2, what))[0]
        return value

    def u32(self, what: str) -> int:
        value: int = _U32.unpack_from(self.data, self.need(4, what))[0]
        return value

    def text(self, size: int, what: str) -> str:
        start = self.need(size, what)
        try:
            return self.data[start : start + size].decode("utf-8")
        except UnicodeDecodeError:
            raise bad_frame(f"{what} is not valid UTF-8") from None


def _section(reader: _Reader, kind: int, column: int, number: int, groups: int) -> _Section:
    what = f"the values of column {column}"
    if kind == NULL:
        return _Section(kind, column, reader.offset, None, [])
    if kind in (INTEGER, FLOAT):
        return _Section(kind, column, reader.need(8 * number, what), None, [])
    layout = _SIZED_LAYOUT if kind == BLOB else reader.u8(what)
    if layout == _SIZED_LAYOUT:
        lengths_at = reader.need(4 * number, what)
        lengths = _numbers("I", reader.data[lengths_at : lengths_at + 4 * number])
        return _Section(kind, column, reader.need(sum(lengths), what), lengths, [])
    if layout != _JOINED_LAYOUT:
        raise bad_frame(f"column {column} has an unknown text layout {layout}")
    starts = []
    for _ in range(groups):
        starts.append(reader.need(reader.u32(what), what))
    return _Section(kind, column, reader.offset, None, starts)


def _column(reader: _Reader, index: int, count: int, groups: int) -> _Column:
    column = index + 1
    tag = reader.u8(f"column {column}")
    tags: bytes | None = None
    if tag == _MIXED:
        start = reader.need(count, f"the tags of column {column}")
        tags = reader.data[start : start + count]
        counts = {kind: tags.count(kind) for kind in _TAGS}
        if sum(counts.values()) != count:
            raise bad_frame(f"column {column} has an unknown value tag")
    elif tag in _TAGS:
        counts = {tag: count}
    else:
        raise bad_frame(f"column {column} has an unknown value tag {tag}")
    sections = {
        kind: _section(reader, kind, column, counts[kind], groups)
        for kind in _TAGS
        if counts.get(kind)
    }
    if not sections:
        sections[NULL] = _Section(NULL, column, reader.offset, None, [])
    return _Column(column, tags if len(sections) > 1 else None, sections)


def _block(reader: _Reader, max_values: int, max_width: int) -> Block:
    count, width = _BLOCK_HEAD.unpack_from(reader.data, reader.need(8, "the parameter sets"))
    if width > max_width:
        raise OutOfRangeError(
            f"a parameter set of {width} values is more than SQLite binds ({max_width})",
            code="ERR_SQLITE_TOO_MANY_PARAMS",
            limit=max_width,
        )
    if count * max(1, width) > max_values:
        raise OutOfRangeError(
            f"{count} parameter sets of {width} values are more than [sqlite] "
            f"max_batch_values ({max_values}) in one call",
            code="ERR_SQLITE_TOO_MANY_VALUES",
            limit=max_values,
        )
    groups = -(-count // group_rows(width))
    columns = [_column(reader, index, count, groups) for index in range(width)]
    if reader.offset != len(reader.data):
        raise bad_frame(f"{len(reader.data) - reader.offset} bytes follow the last column")
    return Block(reader.data, count, width, columns)


@final
class BinaryRequest:
    """A decoded request body: database id, SQL, row mode and the parameter sets."""

    def __init__(self, database_id: str, sql: str, array_mode: bool, block: Block) -> None:
        self.database_id = database_id
        self.sql = sql
        self.array = array_mode
        self.block = block


def decode_request(body: bytes, *, max_values: int, max_width: int) -> BinaryRequest:
    """Check and read a request body (its values are decoded later, chunk by chunk).

    :raises InvalidArgumentError: ``ERR_SQLITE_BAD_FRAME``, the body is not a request.
    :raises OutOfRangeError: more values than ``max_values`` or sets wider than ``max_width``.
    """
    if body[:4] != REQUEST_MAGIC or len(body) < _REQUEST_HEAD.size:
        raise bad_frame("it does not start with the oro:sqlite magic and flags")
    _, flags, id_size = _REQUEST_HEAD.unpack_from(body)
    reader = _Reader(body, _REQUEST_HEAD.size)
    database_id = reader.text(id_size, "the id")
    sql = reader.text(reader.u32("the SQL length"), "the SQL")
    block = _block(reader, max_values, max_width)
    return BinaryRequest(database_id, sql, bool(flags & _ARRAY_MODE), block)


def _packed(kind: str, values: Sequence[Any]) -> bytes:
    packed = array(kind, values)
    if _SWAP:
        packed.byteswap()
    return packed.tobytes()


def _sized(values: Sequence[bytes]) -> list[bytes]:
    return [_packed("I", [len(item) for item in values]), *values]


def _texts(values: Sequence[str], tags: bytes | None, tag: int, size: int) -> list[bytes]:
    """TEXT values, joined by NUL per group of ``size`` rows unless one holds a NUL."""
    groups: list[str] = []
    for first in range(0, len(tags) if tags is not None else len(values), size):
        if tags is None:
            chosen = values[first : first + size]
        else:
            chosen = [
                value
                for kind, value in zip(
                    tags[first : first + size], values[first : first + size], strict=True
                )
                if kind == tag
            ]
        joined = "\x00".join(chosen)
        if joined.count("\x00") != max(0, len(chosen) - 1):
            encoded = [value.encode("utf-8") for value in _of(values, tags, tag)]
            return [bytes((_SIZED_LAYOUT,)), *_sized(encoded)]
        groups.append(joined)
    parts = [bytes((_JOINED_LAYOUT,))]
    for joined in groups:
        data = joined.encode("utf-8")
        parts += (_U32.pack(len(data)), data)
    return parts


def _of(values: Sequence[Any], tags: bytes | None, tag: int) -> list[Any]:
    if tags is None:
        return list(values)
    return [value for kind, value in zip(tags, values, strict=True) if kind == tag]


def _encode_column(values: Sequence[Any], size: int) -> list[bytes]:
    tags = bytes(map(_TYPE_TAGS.__getitem__, map(type, values)))
    first = tags[0] if tags else NULL
    mixed: bytes | None = None if tags.count(first) == len(tags) else tags
    parts = [bytes((first,))] if mixed is None else [bytes((_MIXED,)), tags]
    for tag in _TAGS:
        if (
            tag == NULL
            or (mixed is None and tag != first)
            or (mixed is not None and tag not in tags)
        ):
            continue
        if tag == INTEGER:
            parts.append(_packed("q", _of(values, mixed, tag)))
        elif tag == FLOAT:
            parts.append(_packed("d", _of(values, mixed, tag)))
        elif tag == BLOB:
            parts += _sized(_of(values, mixed, tag))
        else:
            parts += _texts(values, mixed, tag, size)
    return parts


def encode_block(rows: Sequence[Sequence[Any]], width: int) -> bytes:
    """``rows`` (SQLite's values: None, int, float, str, bytes) as a block."""
    parts = [_BLOCK_HEAD.pack(len(rows), width)]
    size = group_rows(width)
    for column in zip(*rows, strict=True) if rows else [()] * width:
        parts += _encode_column(column, size)
    return b"".join(parts)


def encode_rows(head: bytes, rows: Sequence[Sequence[Any]], width: int) -> bytes:
    """A ``sqlite.execBinary`` answer: its header (a JSON object's UTF-8), then the rows."""
    return b"".join((ROWS_MAGIC, _U32.pack(len(head)), head, encode_block(rows, width)))
