"""What oro-sqlite keeps per host, ``host.stash[STATE]``: every page's open databases and
prepared statements, and the service that closes them.

Threads: every sqlite3 call blocks, so it runs in a worker thread (``anyio.to_thread``), never
on the loop. A database's :class:`Handle` has a lock that its calls take in turn, so one
connection is used by one thread at a time, in the order the page's calls arrived. A call the
page gives up on (it went away, the route timed out) interrupts SQLite
(``Connection.interrupt``) and waits for the thread to stop, so a runaway query ends and the
lock is never released under a running call.

Ownership: a database and its statements belong to the window whose page opened it; another
window's page gets ``NotFoundError`` for its ids. When a page goes away (``oro_page_closed``)
its databases are interrupted and closed, and when the app stops the service closes all.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any, Final, TypeVar, final

import anyio
from anyio.abc import TaskGroup, TaskStatus

from oro_framework import FileGrant, Host, MemoryReservation, StashKey
from oro_framework.records import record
from oro_sqlite.errors import id_taken, too_many, unknown_database, unknown_statement
from oro_sqlite.hardening import ConnectionSetup, limit_heap
from oro_sqlite.paths import Sandbox
from oro_sqlite.results import ExecResult, Limits
from oro_sqlite.settings import SQLiteSettings
from oro_sqlite.statement import Statement
from oro_sqlite.values import SQLValue

if TYPE_CHECKING:
    # A connection's code (its SQL reader, its authorizer) imports with the first database
    # opened, not at every launch.
    from oro_sqlite.database import Database

__all__ = ["SERVICE_NAME", "STATE", "Databases", "Handle"]

SERVICE_NAME: Final = "sqlite.databases"
_WRAPPING: Final = 1024
"""Bytes ``prepare`` may add around the page's SQL (at most ``max_sql_bytes``)."""
T = TypeVar("T")


@final
@record(frozen=False, eq=False)
class Handle:
    """One open database of one window's page."""

    database: Database
    window: int
    lock: anyio.Lock = field(default_factory=anyio.Lock)
    statements: dict[str, Statement] = field(default_factory=dict)
    closed: bool = False
    """Taken from the tables: no new call reaches it."""
    released: anyio.Event = field(default_factory=anyio.Event)
    """Set once its connection is closed."""


@final
class _Call:
    """A blocking call's hand-over between the loop and its thread: a call the loop gave up on
    before the thread started never starts; one that started is waited for."""

    def __init__(self, function: Callable[[], Any]) -> None:
        self.function = function
        self.lock = threading.Lock()
        self.started = False
        self.abandoned = False
        self.finished = threading.Event()

    def __call__(self) -> Any:
        with self.lock:
            if self.abandoned:
                return None
            self.started = True
        try:
            return self.function()
        finally:
            self.finished.set()

    def abandon(self) -> bool:
        """Mark the call given up on; whether its thread had started it."""
        with self.lock:
            self.abandoned = True
            return self.started


@final
class Databases:
    """Every page's databases (by window and id) and statements (by id, unique per host)."""

    @classmethod
    def from_host(cls, host: Host) -> Databases:
        """The databases of ``host``, whose config is loaded; SQLite's heap limited to
        ``max_heap_bytes`` for the process."""
        settings = host.settings(SQLiteSettings)
        sandbox = Sandbox.from_settings(settings.roots, host.paths, host.app_dir)
        databases = cls(host, settings, sandbox)
        databases.heap_limit = limit_heap(settings.max_heap_bytes)
        return databases

    def __init__(self, host: Host, settings: SQLiteSettings, sandbox: Sandbox) -> None:
        self.host = host
        self.settings = settings
        self.sandbox = sandbox
        self.limits = Limits(settings.max_result_rows, settings.max_result_bytes)
        self.connection_setup = ConnectionSetup(
            value_bytes=settings.max_value_bytes,
            # prepare wraps the page's statement (EXPLAIN, a LIMIT 0 subquery).
            sql_bytes=settings.max_sql_bytes + _WRAPPING,
            columns=settings.max_columns,
            attached=settings.max_attached,
            trusted_schema=settings.trusted_schema,
        )
        self.handles: dict[tuple[int, str], Handle] = {}
        self.statements: dict[str, tuple[Handle, Statement]] = {}
        self._reserved: set[tuple[int, str]] = set()
        self._closing: set[Handle] = set()
        """Handles taken from the tables whose connection is not closed yet."""
        self._pages: Counter[int] = Counter()
        """How many times each window's page went away: an open that spans one is undone."""
        self._tasks: TaskGroup | None = None
        self._statement_ids = itertools.count(1)
        self._prefix = secrets.token_hex(4)
        self.opened = 0
        self.closed = 0
        self.inline = 0
        """Calls answered on the event loop (:meth:`exec`)."""
        self.heap_limit = 0
        """SQLite's heap limit for the process (``max_heap_bytes`` or a lower one that held)."""

    # ----------------------------------------------------------------------------------------
    # Lookup
    # ----------------------------------------------------------------------------------------

    def handle(self, window: int, database_id: str) -> Handle:
        """:raises NotFoundError: ``window``'s page has no database ``database_id``."""
        handle = self.handles.get((window, database_id))
        if handle is None:
            raise unknown_database(database_id)
        return handle

    def statement(self, window: int, statement_id: str) -> tuple[Handle, Statement]:
        """:raises NotFoundError: ``window``'s page has no statement ``statement_id``."""
        found = self.statements.get(statement_id)
        if found is None or found[0].window != window:
            raise unknown_statement(statement_id)
        return found

    def of_window(self, window: int) -> list[Handle]:
        return [handle for handle in self.handles.values() if handle.window == window]

    # ----------------------------------------------------------------------------------------
    # Running blocking calls
    # ----------------------------------------------------------------------------------------

    async def call(self, handle: Handle, function: Callable[[], T]) -> T:
        """``function()`` in a worker thread, alone on ``handle``'s connection.

        :raises NotFoundError: the database was closed while the call waited its turn.
        """
        async with handle.lock:
            if handle.closed:
                raise unknown_database(handle.database.id)
            return await self._in_thread(handle.database, function)

    async def exec(
        self, handle: Handle, sql: str, params: list[SQLValue], held: MemoryReservation
    ) -> ExecResult:
        """``sqlite.exec`` on ``handle``'s database: a text known to only read runs right here
        on the event loop, bounded (:meth:`.Database.exec_inline`), when nothing else is
        running on the connection; anything else, or a read that did not finish in time, in a
        worker thread in its turn.

        :raises NotFoundError: the database was closed while the call waited its turn.
        """
        limits = self.limits
        database = handle.database
        if not handle.closed and not handle.lock.locked():
            # The lock is free: no thread is on the connection, and none can start before this
            # returns (it runs with no await, and only a task on this loop starts one).
            result = database.exec_inline(sql, params, limits, held)
            if result is not None:
                self.inline += 1
                return result
        return await self.call(handle, lambda: database.exec(sql, params, limits, held))

    @staticmethod
    async def _in_thread(database: Database, function: Callable[[], T]) -> T:
        call = _Call(function)
        try:
            result: T = await anyio.to_thread.run_sync(call, abandon_on_cancel=True)
        except anyio.get_cancelled_exc_class():
            if call.abandon():
                database.connection.interrupt()
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(call.finished.wait)
            raise
        return result

    # ----------------------------------------------------------------------------------------
    # Opening and closing
    # ----------------------------------------------------------------------------------------

    async def open(
        self,
        window: int,
        database_id: str,
        path: str,
        flags: int,
        grants: Sequence[FileGrant],
    ) -> Database:
        """Open ``path`` for ``window``'s page as ``database_id``.

        :raises InvalidStateError: the page has a database ``database_id`` already.
        :raises OutOfRangeError: the page has ``max_databases`` open.
        :raises SecurityError, NotFoundError, InvalidArgumentError: see
            :meth:`.Sandbox.resolve`.
        :raises SQLiteError: SQLite could not open it.
        """
        from oro_sqlite.database import Database

        key = (window, database_id)
        if key in self.handles or key in self._reserved:
            raise id_taken(database_id)
        held = len(self.of_window(window)) + sum(1 for w, _ in self._reserved if w == window)
        if held >= self.settings.max_databases:
            raise too_many("databases", self.settings.max_databases, "max_databases")
        self._reserved.add(key)
        page = self._pages[window]
        made: list[Database] = []

        def connect() -> Database:
            opening = self.sandbox.resolve(path, flags, grants)
            made.append(
                Database(database_id, opening, flags, self.sandbox, grants, self.connection_setup)
            )
            return made[0]

        try:
            database = await anyio.to_thread.run_sync(connect)
        except anyio.get_cancelled_exc_class():
            # The thread was waited for: a connection it made for a page that gave up is
            # closed, not left to the garbage collector.
            with anyio.CancelScope(shield=True):
                for database in made:
                    await anyio.to_thread.run_sync(database.close)
            raise
        finally:
            self._reserved.discard(key)
        if self._pages[window] != page:
            # The page went away while its database opened: nobody holds the id any more.
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(database.close)
            raise unknown_database(database_id)
        self.handles[key] = Handle(database, window)
        self.opened += 1
        return database

    def add_statement(self, handle: Handle, statement: Statement) -> None:
        """Track a statement ``prepare`` made.

        :raises OutOfRangeError: the page holds ``max_statements``.
        :raises NotFoundError: the database was closed while the statement was prepared.
        """
        if handle.closed:
            statement.finalize()
            raise unknown_database(handle.database.id)
        held = sum(len(other.statements) for other in self.of_window(handle.window))
        if held >= self.settings.max_statements:
            statement.finalize()
            raise too_many("statements", self.settings.max_statements, "max_statements")
        handle.statements[statement.id] = statement
        self.statements[statement.id] = (handle, statement)

    def new_statement_id(self) -> str:
        return f"{self._prefix}{next(self._statement_ids)}"

    def forget_statement(self, handle: Handle, statement: Statement) -> None:
        handle.statements.pop(statement.id, None)
        self.statements.pop(statement.id, None)

    def _take(self, handle: Handle) -> None:
        """Take ``handle`` and its statements from the tables: no new call reaches it."""
        handle.closed = True
        self._closing.add(handle)
        self.handles.pop((handle.window, handle.database.id), None)
        for statement_id in handle.statements:
            self.statements.pop(statement_id, None)

    async def close(self, handle: Handle) -> None:
        """Finalize ``handle``'s statements and close its connection, after the call in
        progress (if any)."""
        self._take(handle)
        async with handle.lock:
            await self._close_now(handle)

    async def _close_now(self, handle: Handle) -> None:
        """Close ``handle``'s connection, once; the caller holds its lock."""
        if handle.released.is_set():
            return
        statements = list(handle.statements.values())
        handle.statements.clear()

        def close() -> None:
            for statement in statements:
                statement.finalize()
            handle.database.close()

        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(close)
        self.closed += 1
        self._closing.discard(handle)
        handle.released.set()

    def close_window(self, window: int) -> None:
        """``window``'s page went away: interrupt and close all its databases."""
        self._pages[window] += 1
        for handle in self.of_window(window):
            self._take(handle)
            handle.database.connection.interrupt()
            if self._tasks is not None:
                self._tasks.start_soon(self._close_after, handle)
            elif not handle.lock.locked():
                # No service (the app is stopping): nothing runs on it, close it here.
                for statement in handle.statements.values():
                    statement.finalize()
                handle.statements.clear()
                handle.database.close()
                self.closed += 1
                self._closing.discard(handle)
                handle.released.set()

    async def _close_after(self, handle: Handle) -> None:
        async with handle.lock:
            await self._close_now(handle)

    async def close_all(self) -> None:
        """Close every page's databases (the app is stopping), those a gone page left closing
        too."""
        for handle in list(self.handles.values()):
            self._take(handle)
        handles = list(self._closing)
        for handle in handles:
            handle.database.connection.interrupt()
        async with anyio.create_task_group() as tasks:
            for handle in handles:
                tasks.start_soon(self._close_after, handle)

    # ----------------------------------------------------------------------------------------
    # Service
    # ----------------------------------------------------------------------------------------

    async def run(self, *, task_status: TaskStatus[None]) -> None:
        """The service: owns the task group that closes a gone page's databases; when the app
        stops, closes every database before it returns."""
        try:
            async with anyio.create_task_group() as tasks:
                self._tasks = tasks
                task_status.started()
                await anyio.sleep_forever()
        finally:
            self._tasks = None
            with anyio.CancelScope(shield=True):
                await self.close_all()

    def diagnostics(self) -> dict[str, Any]:
        """Open databases and statements by id, databases per window, and the totals."""
        per_window = Counter(str(handle.window) for handle in self.handles.values())
        databases = sorted(handle.database.id for handle in self.handles.values())
        statements = sorted(self.statements)
        return {
            "databases": {"count": len(databases), "ids": databases},
            "statements": {"count": len(statements), "ids": statements},
            "windows": dict(sorted(per_window.items())),
            "opened": self.opened,
            "closed": self.closed,
            "inline": self.inline,
            "cachedSql": sum(handle.database.cached_sql() for handle in self.handles.values()),
            "heapLimit": self.heap_limit,
        }


STATE: Final = StashKey[Databases]("sqlite")
"""The host's :class:`Databases`, made by ``oro_configure``."""
