"""One open database on :mod:`sqlite3`: its sandbox, its SQL texts, and running them.

Everything here blocks and runs in a worker thread; :mod:`.state` makes sure one connection is
used by one thread at a time. The connection is in autocommit mode (``isolation_level=None``):
the page's ``BEGIN``/``COMMIT`` are SQLite's own, as in Oro, and sqlite3 opens no transaction
behind its back. Parameters are bound by position as Oro binds them (:mod:`.binding`), and rows
are reserved from the host's memory budget as they arrive (:mod:`.results`).

Every connection is hardened before the page's first statement (:mod:`.hardening`: trusted
schema off, defensive mode, ``sqlite3_limit``), and its authorizer allows only what
:mod:`.policy` lists (statements, functions, pragmas, virtual-table modules) and ``ATTACH``
(``VACUUM INTO`` attaches too) only of in-memory databases and real paths
:meth:`.Sandbox.allows_attach` allows.

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
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Final, final

from oro_framework import FileGrant, InvalidArgumentError, IPCError, MemoryReservation
from oro_sqlite.binary import Block
from oro_sqlite.binding import execute, execute_many, parameter_count
from oro_sqlite.errors import (
    InvalidStateError,
    from_sqlite,
    out_of_memory,
    outside_sandbox,
    too_big,
)
from oro_sqlite.hardening import ConnectionSetup, busy_timeout, harden
from oro_sqlite.paths import Opening, Sandbox
from oro_sqlite.policy import refusal
from oro_sqlite.results import ExecResult, Limits, value_types
from oro_sqlite.sql import first_word, statements
from oro_sqlite.statement import Statement
from oro_sqlite.values import SQLValue, row_weight, value_size

__all__ = ["BUSY_TIMEOUT_MS", "INLINE_SECONDS", "STATEMENT_CACHE", "Database"]

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


def _undo(cursor: sqlite3.Cursor) -> None:
    """Roll back an ``exec_many`` that failed. SQLite may have rolled back the page's whole
    transaction already (an interrupted write does), savepoint included: nothing is left."""
    with contextlib.suppress(sqlite3.Error):
        cursor.execute(_ROLLBACK)
        cursor.execute(_RELEASE)


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
                    execute(cursor, statement, params)
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
                            types = value_types(rows[-1])
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
                        needed = execute_many(cursor, found[0], count, columns, block.width, needed)
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
                    needed = parameter_count(error)
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
