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

What a database learned about the SQL texts it ran last (:data:`STATEMENT_CACHE` of them, least
recently used dropped) is kept with it: how the text splits into statements, and whether it
only reads. sqlite3 keeps the compiled statements of as many texts (``cached_statements``), so a
page's repeated query is neither split nor compiled again. A text that only reads (every action
the authorizer saw while compiling it was a read) may run on the event loop instead of a worker
thread (:meth:`Database.exec_inline`): the thread hand-off costs more than such a query. There
it is bounded: a progress handler stops it after :data:`INLINE_SECONDS`, a busy database answers
at once instead of waiting, and an action that is not a read is refused while compiling; each
of these ends the inline run without an effect (an interrupted read rolls nothing back), and the
query runs again in a thread.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import re
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, final

from oro_framework import FileGrant, InvalidArgumentError, IPCError, MemoryReservation
from oro_sqlite.binary import Block
from oro_sqlite.errors import (
    InvalidStateError,
    from_sqlite,
    out_of_memory,
    outside_sandbox,
    too_big,
    too_many_params,
)
from oro_sqlite.hardening import ConnectionSetup, busy_timeout, harden
from oro_sqlite.paths import Opening, Sandbox
from oro_sqlite.policy import refusal
from oro_sqlite.sql import first_word, statements
from oro_sqlite.values import SQLValue, encode_value, row_weight, value_size

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DEFAULT_STEP_LIMIT",
    "INLINE_SECONDS",
    "STATEMENT_CACHE",
    "Database",
    "ExecResult",
    "Limits",
    "Statement",
]

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
STATEMENT_CACHE: Final = 64
"""SQL texts (and their compiled statements) one database keeps, least recently used dropped."""
_CACHED_SQL_CHARS: Final = 8192
"""Longer texts are not kept: 64 of ``max_sql_bytes`` each would hold 64 MiB per database."""
INLINE_SECONDS: Final = 0.002
"""How long a read may run on the event loop before it is stopped and run in a thread."""
_PROGRESS_OPS: Final = 1000
"""SQLite virtual-machine steps between two looks at the inline deadline."""
BUSY_TIMEOUT_MS: Final = 5000
"""How long a statement waits for another connection's lock (sqlite3's default), in a thread."""
_READS: Final = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
_WRITING_FUNCTIONS: Final = frozenset({"optimize"})
"""Functions that write though a SELECT calls them (FTS3/4's ``optimize()`` merges segments)."""
_RECORDED_ACTIONS: Final = 1024
"""Authorizer actions kept while a text compiles; a text with more is not run inline."""
_UNDONE: Final = frozenset({sqlite3.SQLITE_INTERRUPT, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
"""Result codes that end an inline read without an effect: it runs again in a thread."""
_SAVEPOINT: Final = "SAVEPOINT oro_sqlite_exec_many"
_RELEASE: Final = "RELEASE oro_sqlite_exec_many"
_ROLLBACK: Final = "ROLLBACK TO oro_sqlite_exec_many"

Row = list[Any] | dict[str, Any]


def _reads(action: int, first: str | None, second: str | None) -> bool:
    """Whether an authorizer action only reads: a table read that is not a pragma's
    table-valued function (``pragma_optimize`` writes), a function that does not write."""
    if action not in _READS:
        return False
    if action == sqlite3.SQLITE_READ:
        return not (first or "").lower().startswith("pragma_")
    if action == sqlite3.SQLITE_FUNCTION:
        return (second or "").lower() not in _WRITING_FUNCTIONS
    return True


def _only_reads(actions: Sequence[tuple[int, str | None, str | None]]) -> bool:
    # A text compiled before (sqlite3's cache answered it) shows no action at all: not known.
    return any(action == sqlite3.SQLITE_SELECT for action, _, _ in actions) and all(
        _reads(*entry) for entry in actions
    )


class _Inline(Exception):
    """An inline read stopped without an effect (deadline, busy, not a read): run it in a
    thread."""


@final
class _SQLInfo:
    """What a database learned about one SQL text."""

    __slots__ = ("inline", "statements")

    def __init__(self, found: list[str]) -> None:
        self.statements = found
        self.inline = False
        """One statement that only reads: it may run on the event loop."""


@final
@dataclass
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
            "columnsMeta": _meta(self.columns, self.types),
            "changes": self.changes,
            "lastInsertRowid": str(self.last_insert_rowid),
        }

    def answer(self, array: bool) -> dict[str, Any]:
        """``sqlite.exec``'s JSON answer: rows as objects or, with ``array``, arrays."""
        answer = self.header()
        answer["rows"] = [_row(values, self.columns, array) for values in self.rows]
        return answer


def _sets(
    count: int, columns: list[list[Any]], width: int, needed: int | None
) -> Iterator[tuple[Any, ...]]:
    """``count`` parameter sets from their ``columns``, made to fit a statement of ``needed``
    parameters when that is known: the missing ones NULL (Oro's rule), all dropped for a
    statement that takes none. Made as sqlite3 binds them, not before."""
    if needed == 0 or not columns:
        return itertools.repeat((), count)
    if needed is not None and needed > width:
        missing = [itertools.repeat(None, count)] * (needed - width)
        return zip(*columns, *missing, strict=False)
    return zip(*columns, strict=True)


def _executemany(
    cursor: sqlite3.Cursor,
    sql: str,
    count: int,
    columns: list[list[Any]],
    width: int,
    needed: int | None,
) -> int | None:
    """Run ``sql`` for each of ``count`` parameter sets; the statement's parameter count once a
    count mismatch made it known (``None``: the sets fit as they are). sqlite3 checks the count
    when it binds the first set, before it steps: nothing has run when it refuses.

    :raises OutOfRangeError: the sets have more values than the statement takes.
    """
    try:
        cursor.executemany(sql, _sets(count, columns, width, needed))
    except sqlite3.ProgrammingError as error:
        if needed is not None:
            raise
        found = _needed(error)
        if found is None:
            if "named parameter" not in str(error):
                raise
            positional = [_Positional(values) for values in _sets(count, columns, width, None)]
            cursor.executemany(sql, positional)
            return None
        if width > found > 0:
            raise too_many_params(found, width) from None
        cursor.executemany(sql, _sets(count, columns, width, found))
        return found
    return needed


def _undo(cursor: sqlite3.Cursor) -> None:
    """Roll back an ``exec_many`` that failed. SQLite may have rolled back the page's whole
    transaction already (an interrupted write does), savepoint included: nothing is left."""
    with contextlib.suppress(sqlite3.Error):
        cursor.execute(_ROLLBACK)
        cursor.execute(_RELEASE)


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
        self._sql: OrderedDict[str, _SQLInfo] = OrderedDict()
        self._recording: list[tuple[int, str | None, str | None]] | None = None
        """The authorizer's actions while a text that may prove to only read compiles."""
        self._inline = False
        self._not_read = False
        try:
            self.connection = sqlite3.connect(
                opening.uri,
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
                cached_statements=STATEMENT_CACHE,
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
        self._busy = busy_timeout(self.connection)
        """Sets the connection's busy timeout; ``None`` where sqlite3 gives no way to it, and
        then nothing runs inline (a read would wait for a lock on the event loop)."""

    # ------------------------------------------------------------------------------------------
    # The sandbox
    # ------------------------------------------------------------------------------------------

    def _authorize(
        self, action: int, first: str | None, second: str | None, _db: str | None, _by: str | None
    ) -> int:
        if self._inline and not _reads(action, first, second):
            self._not_read = True
            return sqlite3.SQLITE_DENY
        recording = self._recording
        if recording is not None:
            if len(recording) < _RECORDED_ACTIONS:
                recording.append((action, first, second))
            else:
                # A statement this large never runs inline: stop keeping its actions.
                self._recording = None
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

    def sql_info(self, sql: str) -> _SQLInfo:
        """What this database knows of ``sql``, learned now if it is new."""
        info = self._sql.get(sql)
        if info is not None:
            self._sql.move_to_end(sql)
            return info
        info = _SQLInfo(statements(sql))
        if len(sql) <= _CACHED_SQL_CHARS:
            self._sql[sql] = info
            if len(self._sql) > STATEMENT_CACHE:
                self._sql.popitem(last=False)
        return info

    def cached_sql(self) -> int:
        """How many SQL texts this database keeps (at most :data:`STATEMENT_CACHE`)."""
        return len(self._sql)

    def exec(
        self, sql: str, params: list[SQLValue], limits: Limits, held: MemoryReservation
    ) -> ExecResult:
        """Run every statement of ``sql``, each with ``params``; the rows of the last one that
        has columns, reserved from ``held`` as they are fetched. A text of one statement run
        for the first time is watched as it compiles: if it only reads, it may run inline next
        time.

        :raises OutOfRangeError: over ``limits`` (code ``"18"``) or too many params.
        :raises OutOfMemoryError: the host's memory budget or SQLite's heap is spent.
        """
        info = self.sql_info(sql)
        watch = len(info.statements) == 1 and not info.inline
        self._recording = [] if watch else None
        try:
            result = self._exec(info.statements, params, limits, held)
        finally:
            recorded, self._recording = self._recording, None
        if recorded and _only_reads(recorded):
            info.inline = True
        return result

    def exec_inline(
        self, sql: str, params: list[SQLValue], limits: Limits, held: MemoryReservation
    ) -> ExecResult | None:
        """:meth:`exec` on the calling thread (the event loop) when ``sql`` is known to only
        read, within :data:`INLINE_SECONDS`; ``None`` when it is not known to or did not finish
        in time (then nothing happened and ``held`` holds nothing: run :meth:`exec`)."""
        info = self._sql.get(sql)
        busy = self._busy
        if info is None or not info.inline or busy is None:
            return None
        self._sql.move_to_end(sql)
        deadline = time.perf_counter() + INLINE_SECONDS
        connection = self.connection
        busy(0)
        connection.set_progress_handler(lambda: time.perf_counter() > deadline, _PROGRESS_OPS)
        self._inline = True
        self._not_read = False
        try:
            return self._exec(info.statements, params, limits, held)
        except _Inline:
            held.release()
            return None
        finally:
            self._inline = False
            connection.set_progress_handler(None, 0)
            busy(BUSY_TIMEOUT_MS)

    def _exec(
        self,
        found: list[str],
        params: list[SQLValue],
        limits: Limits,
        held: MemoryReservation,
    ) -> ExecResult:
        connection = self.connection
        before = connection.total_changes
        columns: list[str] = []
        types: list[str] = []
        rows: list[tuple[Any, ...]] = []
        last_dml = -1
        lastrowid = 0
        with self.guarded():
            for statement in found:
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
                            rows.append(values)
                        if rows:
                            types = [_TYPES[type(value)] for value in rows[-1]]
                    if cursor.rowcount >= 0:
                        last_dml = cursor.rowcount
                    lastrowid = cursor.lastrowid or 0
                finally:
                    cursor.close()
        changed = connection.total_changes - before
        changes = 0 if changed == 0 else (last_dml if last_dml >= 0 else changed)
        return ExecResult(rows, columns, types, changes, lastrowid)

    def exec_many(self, sql: str, block: Block) -> dict[str, Any]:
        """Run the one statement of ``sql`` once per parameter set of ``block``, all or none
        (in a savepoint, inside the page's transaction if one is open), decoding the sets a
        group at a time; ``{changes, lastInsertRowid}``.

        :raises InvalidArgumentError: ``sql`` is not one statement, or one that returns rows.
        :raises OutOfRangeError: the sets have more values than the statement takes.
        """
        found = self.sql_info(sql).statements
        if len(found) != 1:
            raise InvalidArgumentError(
                f"execMany runs one statement; the SQL holds {len(found)}",
                code="ERR_SQLITE_ONE_STATEMENT",
                parameter="sql",
            )
        connection = self.connection
        cursor = connection.cursor()
        changes = 0
        try:
            with self.guarded():
                cursor.execute(_SAVEPOINT)
                try:
                    needed: int | None = None
                    for count, columns in block.groups():
                        needed = _executemany(cursor, found[0], count, columns, block.width, needed)
                        changes += max(cursor.rowcount, 0)
                    cursor.execute(_RELEASE)
                except BaseException:
                    _undo(cursor)
                    raise
                lastrowid = cursor.execute("SELECT last_insert_rowid()").fetchone()[0]
        except InvalidStateError as error:
            if "DML" not in error.message:
                raise
            raise InvalidArgumentError(
                "execMany runs INSERT, UPDATE, DELETE or REPLACE: the statement returns rows",
                code="ERR_SQLITE_NOT_DML",
                parameter="sql",
            ) from None
        finally:
            cursor.close()
        return {"changes": changes, "lastInsertRowid": str(lastrowid)}

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
            database = self._database
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            if database._inline and (database._not_read or code in _UNDONE):
                database.forget_denial()
                raise _Inline from None
            raise database.error(error) from None
        if isinstance(error, MemoryError):
            self._database.forget_denial()
            raise out_of_memory() from None
