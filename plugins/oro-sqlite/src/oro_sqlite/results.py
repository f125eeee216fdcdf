"""What a query answers the page: its rows encoded, its columns described, and the bounds of
one answer.

Rows gathered for a reply are reserved from the host's memory budget as they arrive (a
:class:`~oro_framework.MemoryReservation` the route holds until it hands the answer on), and
one answer's values are bounded by ``max_result_bytes`` (:class:`Limits`), so many large
queries at once are refused before they take the host's memory.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any, Final, final

from oro_framework.records import record
from oro_sqlite.values import encode_value

__all__ = ["ExecResult", "Limits", "Row", "columns_meta", "encode_row", "value_types"]

_TYPES: Final[Mapping[type, str]] = {
    type(None): "null",
    int: "integer",
    float: "float",
    str: "text",
    bytes: "blob",
}

Row = list[Any] | dict[str, Any]
_HEADS: Final[OrderedDict[tuple[tuple[str, ...], tuple[str, ...]], str]] = OrderedDict()
"""The JSON of a header's columns by their names and types (a page asks the same query again
and again), least recently used dropped; only short ones are kept."""
_HEADS_KEPT: Final = 256
_HEAD_CHARS: Final = 2048


@final
class Limits:
    """What one ``exec`` may answer (``[sqlite] max_result_rows``/``max_result_bytes``); one
    ``step`` answers at most ``size`` bytes of values too."""

    def __init__(self, rows: int, size: int) -> None:
        self.rows = rows
        self.size = size


@final
@record(frozen=False)
class ExecResult:
    """What an ``exec`` answers, its rows as SQLite's values (each route encodes them)."""

    rows: list[tuple[Any, ...]]
    columns: list[str]
    types: list[str]
    changes: int
    last_insert_rowid: int

    def header(self) -> dict[str, Any]:
        """Everything but the rows, as the page receives it."""
        return {
            "columns": self.columns,
            "columnsMeta": columns_meta(self.columns, self.types),
            "changes": self.changes,
            "lastInsertRowid": str(self.last_insert_rowid),
        }

    def header_json(self) -> bytes:
        """:meth:`header` as JSON, its columns' part made once per names and types."""
        key = (tuple(self.columns), tuple(self.types))
        head = _HEADS.get(key)
        if head is None:
            columns = {"columns": self.columns, "columnsMeta": columns_meta(*key)}
            # Without its closing brace: the fields of this answer follow.
            head = json.dumps(columns, ensure_ascii=False, separators=(",", ":"))[:-1]
            if len(head) <= _HEAD_CHARS:
                _HEADS[key] = head
                if len(_HEADS) > _HEADS_KEPT:
                    _HEADS.popitem(last=False)
        else:
            _HEADS.move_to_end(key)
        changes, rowid = int(self.changes), int(self.last_insert_rowid)
        return f'{head},"changes":{changes},"lastInsertRowid":"{rowid}"}}'.encode()

    def answer(self, array: bool) -> dict[str, Any]:
        """``sqlite.exec``'s JSON answer: rows as objects or, with ``array``, arrays."""
        answer = self.header()
        answer["rows"] = [encode_row(values, self.columns, array) for values in self.rows]
        return answer


def value_types(values: Sequence[Any]) -> list[str]:
    """The type names of one row's values, as ``columnsMeta`` shows them."""
    return [_TYPES[type(value)] for value in values]


def encode_row(values: Sequence[Any], columns: Sequence[str], array: bool) -> Row:
    """One row as the page receives it: an array or, keyed by column name, an object."""
    if array:
        return [encode_value(value) for value in values]
    return {name: encode_value(value) for name, value in zip(columns, values, strict=True)}


def columns_meta(columns: Sequence[str], types: Sequence[str]) -> list[dict[str, str]]:
    """``columnsMeta``: each column's name and the type of its last value."""
    # sqlite3 does not expose sqlite3_column_decltype: declType is always "" here.
    return [
        {"name": name, "declType": "", "type": kind}
        for name, kind in zip(columns, types, strict=True)
    ]
