"""The ``sqlite.*`` routes (Oro's names and parameters): their handlers and :data:`ROUTES`, the
group ``plugin.py`` adds. Every parameter may come in the query or in a JSON-object body (what
``oro:sqlite`` sends, so SQL text arrives exactly as written); ``params`` is a JSON array or its
text. Each handler is an ``async def`` that hands its sqlite3 work to a worker thread
(:meth:`.Databases.call`).

Databases are per window: every handler asks for the request's proven window
(:meth:`~oro_framework.Request.require_window`), so a request without one (a worker, another
process) gets ``SecurityError`` ``ERR_NO_WINDOW`` and no database at all. The rows an
``exec`` or ``step`` gathers are reserved from the host's memory budget
(:attr:`Host.memory <oro_framework.Host.memory>`) until the handler hands its answer on."""

from __future__ import annotations

import secrets
from typing import Any, Final

from oro_framework import InvalidArgumentError, OutOfRangeError, Params, Request, RouteGroup
from oro_sqlite.database import DEFAULT_STEP_LIMIT
from oro_sqlite.paths import OPEN_CREATE, OPEN_READWRITE
from oro_sqlite.state import STATE, Databases
from oro_sqlite.values import decode_params

__all__ = ["OPEN_DEFAULT", "ROUTES"]

OPEN_DEFAULT: Final = OPEN_READWRITE | OPEN_CREATE | 0x00010000
"""Oro's ``OPEN_DEFAULT``: read-write, create, full mutex."""
_MAX_ID: Final = 256
_ROWS: Final = "sqlite rows"

Reply = dict[str, Any]


def _databases(request: Request) -> Databases:
    return request.host.stash[STATE]


def _id(fields: Params) -> str:
    value = fields.require_str("id")
    if not value or len(value) > _MAX_ID:
        raise InvalidArgumentError.invalid("id", f"a string of 1-{_MAX_ID} characters")
    return value


def _sql(fields: Params, limit: int) -> str:
    sql = fields.require_str("sql")
    try:
        size = len(sql.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidArgumentError(
            "sql must be valid Unicode text (it holds a lone surrogate)",
            code="ERR_INVALID_ARG_VALUE",
            parameter="sql",
        ) from None
    if not sql:
        raise InvalidArgumentError.invalid("sql", "a non-empty string")
    if size > limit:
        raise OutOfRangeError(
            f"sql is {size} bytes, more than [sqlite] max_sql_bytes = {limit}",
            parameter="sql",
            limit=limit,
        )
    return sql


def _array(fields: Params) -> bool:
    return fields.get_str("mode") == "array"


async def open_(request: Request) -> Reply:
    """Open the database at `path` (or `:memory:`) with Oro's `flags` as the page's `id`;
    `{id, path, flags}`."""
    window = request.require_window()
    fields = request.fields()
    databases = _databases(request)
    database_id = _id(fields) if fields.get("id") is not None else secrets.token_hex(8)
    path = fields.require_str("path")
    flags = fields.get_int("flags", OPEN_DEFAULT, minimum=0, maximum=0x7FFFFFFF)
    grants = request.host.file_grants.of(window)
    database = await databases.open(window, database_id, path, flags, grants)
    return database.describe()


async def close(request: Request) -> Reply:
    """Close database `id` and finalize its statements; `{id}`."""
    window = request.require_window()
    fields = request.fields()
    databases = _databases(request)
    handle = databases.handle(window, _id(fields))
    await databases.close(handle)
    return {"id": handle.database.id}


async def exec_(request: Request) -> Reply:
    """Run every statement of `sql` on database `id`, each with `params`; `{rows, columns,
    columnsMeta, changes, lastInsertRowid}` of the last one with columns, rows as objects or,
    with `mode=array`, arrays."""
    window = request.require_window()
    fields = request.fields()
    databases = _databases(request)
    handle = databases.handle(window, _id(fields))
    sql = _sql(fields, databases.settings.max_sql_bytes)
    array = _array(fields)
    params = decode_params(fields.get("params"))
    limits = databases.limits
    with request.host.memory.reserve(0, purpose=_ROWS) as held:
        return await databases.call(
            handle, lambda: handle.database.exec(sql, params, array, limits, held)
        )


async def prepare(request: Request) -> Reply:
    """Compile the first statement of `sql` on database `id`; `{id, databaseId, columns,
    columnsMeta}`, `id` the statement's."""
    window = request.require_window()
    fields = request.fields()
    databases = _databases(request)
    handle = databases.handle(window, _id(fields))
    sql = _sql(fields, databases.settings.max_sql_bytes)
    statement_id = databases.new_statement_id()
    statement = await databases.call(handle, lambda: handle.database.prepare(statement_id, sql))
    databases.add_statement(handle, statement)
    return statement.describe()


async def bind(request: Request) -> Reply:
    """Reset statement `id` and bind `params` by position; `{id, bound}`."""
    window = request.require_window()
    fields = request.fields()
    databases = _databases(request)
    handle, statement = databases.statement(window, _id(fields))
    params = decode_params(fields.get("params"))
    return await databases.call(handle, lambda: statement.bind(params))


async def step(request: Request) -> Reply:
    """Up to `limit` (default 128) more rows of statement `id`; `{id, rows, columns,
    columnsMeta, done, changes, lastInsertRowid}`."""
    window = request.require_window()
    fields = request.fields()
    databases = _databases(request)
    handle, statement = databases.statement(window, _id(fields))
    limit = fields.get_int("limit", 0, minimum=0) or DEFAULT_STEP_LIMIT
    # Bounded like an exec: the page pages on through `done: false`.
    limit = min(limit, databases.settings.max_result_rows)
    array = _array(fields)
    limits = databases.limits
    with request.host.memory.reserve(0, purpose=_ROWS) as held:
        return await databases.call(handle, lambda: statement.step(limit, array, limits, held))


async def reset(request: Request) -> Reply:
    """Reset statement `id` to its start and clear its bindings; `{id}`."""
    window = request.require_window()
    fields = request.fields()
    databases = _databases(request)
    handle, statement = databases.statement(window, _id(fields))
    return await databases.call(handle, statement.reset)


async def finalize(request: Request) -> Reply:
    """Finalize statement `id`; `{id}`."""
    window = request.require_window()
    fields = request.fields()
    databases = _databases(request)
    handle, statement = databases.statement(window, _id(fields))
    databases.forget_statement(handle, statement)
    await databases.call(handle, statement.finalize)
    return {"id": statement.id}


ROUTES: Final = RouteGroup(
    permission="sqlite",
    doc="Open SQLite databases in the app's sandbox and run SQL on them (oro:sqlite).",
    handlers={
        "sqlite.open": open_,
        "sqlite.close": close,
        "sqlite.exec": exec_,
        "sqlite.prepare": prepare,
        "sqlite.statement.bind": bind,
        "sqlite.statement.step": step,
        "sqlite.statement.reset": reset,
        "sqlite.statement.finalize": finalize,
    },
)
"""Every ``sqlite.*`` route, guarded by ``sqlite`` (``[permissions] allow_sqlite``); which
files a page may open is up to ``[sqlite] roots``."""
