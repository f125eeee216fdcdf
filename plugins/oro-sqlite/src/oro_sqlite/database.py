"""One open database and its prepared statements, on :mod:`sqlite3`.

Everything here blocks and runs in a worker thread; :mod:`.state` makes sure one connection is
used by one thread at a time. The connection is in autocommit mode (``isolation_level=None``):
the page's ``BEGIN``/``COMMIT`` are SQLite's own, as in Oro, and sqlite3 opens no transaction
behind its back.

Python's :mod:`sqlite3` runs a statement as soon as it binds it and checks that the number of
parameters is exact, where Oro's C code prepares, binds by position and steps separately, and
lets a statement take fewer parameters than it has (the rest are NULL) or none at all. A
statement's parameter count comes from the binding error sqlite3 raises *before* it steps (so
nothing has run), and the call is made again with the parameters padded or dropped.

Every connection is hardened before the page's first statement (:mod:`.hardening`: trusted
schema off, defensive mode, ``sqlite3_limit``), and its authorizer allows only what
:mod:`.policy` lists (statements, functions, pragmas, virtual-table modules) and ``ATTACH``
(``VACUUM INTO`` attaches too) only of in-memory databases and real paths
:meth:`.Sandbox.allows_attach` allows.

Rows gathered for a reply are reserved from the host's memory budget as they arrive (a
:class:`~oro_framework.MemoryReservation` the route holds until it hands the answer on), and
one answer's values are bounded by ``max_result_bytes``, so many large queries at once are
refused before they take the host's memory.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, final

from oro_framework import FileGrant, IPCError, MemoryReservation
from oro_sqlite.errors import (
    InvalidStateError,
    from_sqlite,
    out_of_memory,
    outside_sandbox,
    too_big,
    too_many_params,
)
from oro_sqlite.hardening import ConnectionSetup, harden
from oro_sqlite.paths import Opening, Sandbox
from oro_sqlite.policy import refusal
from oro_sqlite.sql import first_word, statements
from oro_sqlite.values import SQLValue, encode_value, row_weight, value_size

__all__ = ["DEFAULT_STEP_LIMIT", "Database", "Limits", "Statement"]

DEFAULT_STEP_LIMIT: Final = 128
"""Rows one ``sqlite.statement.step`` answers when the page names no ``limit`` (Oro's)."""
_BINDINGS: Final = re.compile(r"uses (\d+), and there are (\d+) supplied")
_TYPES: Final[Mapping[type, str]] = {
    type(None): "null",
    int: "integer",
    float: "float",
    str: "text",
    bytes: "blob",
}
_COLUMNS_OF: Final = frozenset({"SELECT", "VALUES", "WITH"})
"""Statements whose columns ``prepare`` can learn without running them (as a subquery)."""

Row = list[Any] | dict[str, Any]


@final
class Limits:
    """What one ``exec`` may answer (``[sqlite] max_result_rows``/``max_result_bytes``); one
    ``step`` answers at most ``size`` bytes of values too."""

    def __init__(self, rows: int, size: int) -> None:
        self.rows = rows
        self.size = size


def _needed(error: sqlite3.ProgrammingError) -> int | None:
    """The statement's parameter count, from sqlite3's refusal of the count given."""
    match = _BINDINGS.search(str(error))
    return None if match is None else int(match.group(1))


@final
class _Positional(Mapping[str, SQLValue]):
    """Values bound in order to named placeholders (``:a``, ``$b``), as Oro binds them by
    index; for the Pythons that refuse a sequence for names (3.14 onward)."""

    def __init__(self, values: Sequence[SQLValue]) -> None:
        self._values = list(values)
        self._asked: dict[str, SQLValue] = {}

    def __getitem__(self, name: str) -> SQLValue:
        if name not in self._asked:
            index = len(self._asked)
            self._asked[name] = self._values[index] if index < len(self._values) else None
        return self._asked[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._asked)

    def __len__(self) -> int:
        return len(self._values)


def _execute(cursor: sqlite3.Cursor, sql: str, params: Sequence[SQLValue]) -> None:
    """Run ``sql`` with ``params`` bound by position, as Oro binds them: fewer than the
    statement takes leave the rest NULL, params for a statement that takes none are ignored.

    :raises OutOfRangeError: more params than the statement takes.
    """
    try:
        _execute_padded(cursor, sql, params)
    except UnicodeDecodeError as error:
        # SQLite's error message quoted bytes that are not UTF-8 (json_remove(0, x'80')), and
        # Python failed decoding the message itself: still SQLite's error, not the host's.
        message = bytes(error.object).decode("utf-8", "replace")
        raise sqlite3.OperationalError(message) from None


def _execute_padded(cursor: sqlite3.Cursor, sql: str, params: Sequence[SQLValue]) -> None:
    try:
        cursor.execute(sql, params)
    except sqlite3.ProgrammingError as error:
        needed = _needed(error)
        if needed is None:
            if "named parameter" not in str(error):
                raise
            cursor.execute(sql, _Positional(params))
            return
    else:
        return
    if len(params) > needed and needed > 0:
        raise too_many_params(needed, len(params))
    padded = list(params[:needed]) + [None] * (needed - len(params))
    try:
        cursor.execute(sql, padded)
    except sqlite3.ProgrammingError as error:
        if "named parameter" not in str(error):
            raise
        cursor.execute(sql, _Positional(padded))


def _row(values: Sequence[Any], columns: Sequence[str], array: bool) -> Row:
    if array:
        return [encode_value(value) for value in values]
    return {name: encode_value(value) for name, value in zip(columns, values, strict=True)}


def _meta(columns: Sequence[str], types: Sequence[str]) -> list[dict[str, str]]:
    # sqlite3 does not expose sqlite3_column_decltype: declType is always "" here.
    return [
        {"name": name, "declType": "", "type": kind}
        for name, kind in zip(columns, types, strict=True)
    ]


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
            "columnsMeta": _meta(self.columns, self.types),
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
                    _execute(cursor, self.sql, padded)
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
            "columnsMeta": _meta(self.columns, self.types),
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
            rows.append(_row(values, self.columns, array))
            self.types = [_TYPES[type(value)] for value in values]
        return rows, False

    def reset(self) -> dict[str, Any]:
        """Back to the start, bindings cleared (Oro's reset clears them too)."""
        self._stop()
        self.bindings = []
        self.types = ["null"] * len(self.columns)
        return {"id": self.id}

    def finalize(self) -> None:
        self._stop()


@final
class Database:
    """An open connection. Made, used and closed in worker threads, one at a time."""

    def __init__(
        self,
        database_id: str,
        opening: Opening,
        flags: int,
        sandbox: Sandbox,
        grants: Sequence[FileGrant],
        setup: ConnectionSetup,
    ) -> None:
        """Open the database (blocks) and harden the connection.

        :raises IPCError: SQLite could not open it.
        """
        self.id = database_id
        self.opening = opening
        self.flags = flags
        self._sandbox = sandbox
        self._grants = tuple(grants)
        self._denial: str | None = None
        try:
            self.connection = sqlite3.connect(
                opening.uri, uri=True, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise from_sqlite(error) from None
        except MemoryError:
            raise out_of_memory() from None
        try:
            harden(self.connection, setup)
        except BaseException:
            self.connection.close()
            raise
        # Text SQLite holds that is not UTF-8 (CAST(x'ff' AS TEXT)) reaches the page with
        # U+FFFD, as a JSON string must be valid, instead of failing the whole query.
        self.connection.text_factory = functools.partial(str, encoding="utf-8", errors="replace")
        self.connection.set_authorizer(self._authorize)

    # ------------------------------------------------------------------------------------------
    # The sandbox
    # ------------------------------------------------------------------------------------------

    def _authorize(
        self, action: int, first: str | None, second: str | None, _db: str | None, _by: str | None
    ) -> int:
        if action == sqlite3.SQLITE_ATTACH and (
            first is None or not self._sandbox.allows_attach(first, self._grants)
        ):
            shown = "a database named by a parameter" if first is None else repr(first)
            self._denial = f"ATTACH of {shown} is outside the sandbox"
            return sqlite3.SQLITE_DENY
        denial = refusal(action, first, second)
        if denial is not None:
            self._denial = denial
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    def guarded(self) -> _Guard:
        """A block whose sqlite3 errors become the page's errors (a sandbox refusal a
        ``SecurityError``, SQLite out of memory an ``OutOfMemoryError``)."""
        return _Guard(self)

    def forget_denial(self) -> None:
        """Forget a refusal the failed call did not end with."""
        self._denial = None

    def error(self, error: sqlite3.Error) -> IPCError:
        denial, self._denial = self._denial, None
        if denial is not None:
            return outside_sandbox(denial, self.opening.path)
        return from_sqlite(error)

    # ------------------------------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        """``sqlite.open``'s answer."""
        return {"id": self.id, "path": self.opening.path, "flags": self.flags}

    def exec(
        self,
        sql: str,
        params: list[SQLValue],
        array: bool,
        limits: Limits,
        held: MemoryReservation,
    ) -> dict[str, Any]:
        """Run every statement of ``sql``, each with ``params``; the rows of the last one that
        has columns, reserved from ``held`` as they are fetched.

        :raises OutOfRangeError: over ``limits`` (code ``"18"``) or too many params.
        :raises OutOfMemoryError: the host's memory budget or SQLite's heap is spent.
        """
        connection = self.connection
        before = connection.total_changes
        columns: list[str] = []
        types: list[str] = []
        rows: list[Row] = []
        last_dml = -1
        lastrowid = 0
        with self.guarded():
            for statement in statements(sql):
                cursor = connection.cursor()
                try:
                    _execute(cursor, statement, params)
                    if cursor.description is not None:
                        columns = [column[0] for column in cursor.description]
                        types = ["null"] * len(columns)
                        rows = []
                        held.release()  # an earlier statement's rows are dropped
                        size = 0
                        for values in cursor:
                            size += value_size(values)
                            if len(rows) >= limits.rows or size > limits.size:
                                raise too_big()
                            held.grow(row_weight(values))
                            rows.append(_row(values, columns, array))
                            types = [_TYPES[type(value)] for value in values]
                    if cursor.rowcount >= 0:
                        last_dml = cursor.rowcount
                    lastrowid = cursor.lastrowid or 0
                finally:
                    cursor.close()
        changed = connection.total_changes - before
        return {
            "rows": rows,
            "columns": columns,
            "columnsMeta": _meta(columns, types),
            "changes": 0 if changed == 0 else (last_dml if last_dml >= 0 else changed),
            "lastInsertRowid": str(lastrowid),
        }

    def prepare(self, statement_id: str, sql: str) -> Statement:
        """Compile the first statement of ``sql`` without running it (``EXPLAIN`` compiles it
        and tells its parameter count); its columns when a subquery can name them."""
        found = statements(sql)
        if not found:
            return Statement(statement_id, self, "", 0, [])
        text = found[0]
        keyword = first_word(text)
        probe = text if keyword == "EXPLAIN" else f"EXPLAIN {text}"
        parameters = 0
        columns: list[str] = []
        cursor = self.connection.cursor()
        try:
            with self.guarded():
                try:
                    cursor.execute(probe)
                except sqlite3.ProgrammingError as error:
                    needed = _needed(error)
                    if needed is None:
                        raise
                    parameters = needed
            if keyword in _COLUMNS_OF:
                body = text.rstrip()
                body = body[:-1] if body.endswith(";") else body
                try:
                    # LIMIT 0: SQLite stops before the subquery produces a row.
                    cursor.execute(f"SELECT * FROM (\n{body}\n) LIMIT 0", [None] * parameters)
                    if cursor.description is not None:
                        columns = [column[0] for column in cursor.description]
                except sqlite3.Error:
                    self._denial = None
        finally:
            cursor.close()
        return Statement(statement_id, self, text, parameters, columns)

    def close(self) -> None:
        """Close the connection (blocks); a transaction left open is rolled back."""
        self.connection.close()


@final
class _Guard:
    def __init__(self, database: Database) -> None:
        self._database = database

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _tb: Any
    ) -> None:
        if isinstance(error, sqlite3.Error):
            raise self._database.error(error) from None
        if isinstance(error, MemoryError):
            self._database.forget_denial()
            raise out_of_memory() from None
