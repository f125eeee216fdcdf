"""A prepared statement of one open database, run a page of rows at a time.

Where Oro's ``sqlite.statement.step`` steps a compiled statement, this one holds a cursor
between steps, fetching rows one at a time so an answer stops before it passes the size a step
may answer; the row that did not fit is the next step's first.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, Final, final

from oro_framework import MemoryReservation
from oro_sqlite.binding import execute
from oro_sqlite.errors import InvalidStateError, too_big, too_many_params
from oro_sqlite.results import Limits, Row, columns_meta, encode_row, value_types
from oro_sqlite.values import SQLValue, row_weight, value_size

if TYPE_CHECKING:
    from oro_sqlite.database import Database

__all__ = ["DEFAULT_STEP_LIMIT", "Statement"]

DEFAULT_STEP_LIMIT: Final = 128
"""Rows one ``sqlite.statement.step`` answers when the page names no ``limit`` (Oro's)."""


def _changes(connection: sqlite3.Connection, before: int, cursor: sqlite3.Cursor) -> int:
    """Oro's ``changes``: none when the call changed nothing, else the rows the last
    INSERT, UPDATE or DELETE changed (triggers' changes not counted)."""
    changed = connection.total_changes - before
    if changed == 0:
        return 0
    return cursor.rowcount if cursor.rowcount >= 0 else changed


@final
class Statement:
    """A prepared statement: its SQL (the first statement of what the page sent), how many
    parameters it takes, what is bound, and the cursor of the run in progress, if any."""

    def __init__(
        self, statement_id: str, database: Database, sql: str, parameters: int, columns: list[str]
    ) -> None:
        self.id = statement_id
        self.database = database
        self.sql = sql
        self.parameters = parameters
        self.columns = columns
        self.types = ["null"] * len(columns)
        self.bindings: list[SQLValue] = []
        self._cursor: sqlite3.Cursor | None = None
        self._pending: tuple[Any, ...] | None = None
        """A row fetched that did not fit in the last step's answer: the next one's first."""

    def describe(self) -> dict[str, Any]:
        """``sqlite.prepare``'s answer."""
        return {
            "id": self.id,
            "databaseId": self.database.id,
            "columns": list(self.columns),
            "columnsMeta": columns_meta(self.columns, self.types),
        }

    def _stop(self) -> None:
        self._pending = None
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None

    def bind(self, params: list[SQLValue]) -> dict[str, Any]:
        """Reset the statement and bind ``params`` (by position) for its next run.

        :raises OutOfRangeError: more than the statement takes.
        """
        self._stop()
        self.bindings = []
        if len(params) > self.parameters:
            raise too_many_params(self.parameters, len(params))
        self.bindings = params
        return {"id": self.id, "bound": len(params)}

    def step(
        self, limit: int, array: bool, limits: Limits, held: MemoryReservation
    ) -> dict[str, Any]:
        """Up to ``limit`` more rows, fewer if more would pass ``limits.size`` bytes; ``done``
        once the statement has run to its end (the next step runs it again, as SQLite's
        auto-reset does). The rows are reserved from ``held`` as they are fetched.

        :raises OutOfRangeError: one row alone is over ``limits.size`` (code ``"18"``).
        :raises OutOfMemoryError: the host's memory budget or SQLite's heap is spent.
        """
        if not self.sql:
            raise InvalidStateError("Statement is not prepared", code="ERR_SQLITE_NOT_PREPARED")
        connection = self.database.connection
        before = connection.total_changes
        try:
            with self.database.guarded():
                if self._cursor is None:
                    cursor = connection.cursor()
                    self._cursor = cursor
                    padded = self.bindings + [None] * (self.parameters - len(self.bindings))
                    execute(cursor, self.sql, padded)
                    if cursor.description is not None:
                        self.columns = [column[0] for column in cursor.description]
                        self.types = ["null"] * len(self.columns)
                cursor = self._cursor
                rows, done = (
                    self._fetch(cursor, limit, array, limits, held) if self.columns else ([], True)
                )
        except BaseException:
            self._stop()
            raise
        answer = {
            "id": self.id,
            "rows": rows,
            "columns": list(self.columns),
            "columnsMeta": columns_meta(self.columns, self.types),
            "done": done,
            "changes": _changes(connection, before, cursor),
            "lastInsertRowid": str(cursor.lastrowid or 0),
        }
        if done:
            self._stop()
        return answer

    def _fetch(
        self,
        cursor: sqlite3.Cursor,
        limit: int,
        array: bool,
        limits: Limits,
        held: MemoryReservation,
    ) -> tuple[list[Row], bool]:
        """The next rows and whether the statement ran to its end; fetched one at a time, so
        the answer stops before it passes ``limits.size``, not after SQLite made them all."""
        rows: list[Row] = []
        size = 0
        while len(rows) < limit:
            values = self._pending if self._pending is not None else cursor.fetchone()
            self._pending = None
            if values is None:
                return rows, True
            weight = value_size(values)
            if size + weight > limits.size:
                if not rows:
                    raise too_big()
                self._pending = values
                return rows, False
            size += weight
            held.grow(row_weight(values))
            rows.append(encode_row(values, self.columns, array))
            self.types = value_types(values)
        return rows, False

    def reset(self) -> dict[str, Any]:
        """Back to the start, bindings cleared (Oro's reset clears them too)."""
        self._stop()
        self.bindings = []
        self.types = ["null"] * len(self.columns)
        return {"id": self.id}

    def finalize(self) -> None:
        self._stop()
