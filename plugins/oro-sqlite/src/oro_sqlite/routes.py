"""The ``sqlite.*`` routes (Oro's names and parameters): their handlers and :data:`ROUTES`, the
group ``plugin.py`` adds. Every parameter may come in the query or in a JSON-object body (so SQL
text arrives exactly as written); ``params`` is a JSON array or its text. Each handler is an
``async def`` that hands its sqlite3 work to a worker thread (:meth:`.Databases.call`), except
a read :meth:`.Databases.exec` may run inline.

Two routes of ours take a binary body (:mod:`.binary`), which is what ``oro:sqlite`` sends:
``sqlite.execBinary`` is ``sqlite.exec`` with parameters and rows as bytes (a blob as its bytes,
not base64 in JSON), ``sqlite.execMany`` runs one statement for many parameter sets in one call.

Databases are per window: every handler asks for the request's proven window
(:meth:`~oro_framework.Request.require_window`), so a request without one (a worker, another
process) gets ``SecurityError`` ``ERR_NO_WINDOW`` and no database at all. The rows an
``exec`` or ``step`` gathers are reserved from the host's memory budget
(:attr:`Host.memory <oro_framework.Host.memory>`) until the handler hands its answer on."""

from __future__ import annotations

import secrets
from typing import Any, Final

from oro_framework import InvalidArgumentError, OutOfRangeError, Params, Request, RouteGroup
from oro_sqlite.binary import BinaryRequest, bad_frame, decode_request, encode_rows
from oro_sqlite.hardening import MAX_VARIABLES
from oro_sqlite.paths import OPEN_CREATE, OPEN_READWRITE
from oro_sqlite.permissions import SQLITE
from oro_sqlite.state import STATE, Databases
from oro_sqlite.statement import DEFAULT_STEP_LIMIT
from oro_sqlite.values import decode_params

__all__ = ["OPEN_DEFAULT", "ROUTES"]

OPEN_DEFAULT: Final = OPEN_READWRITE | OPEN_CREATE | 0x00010000
"""Oro's ``OPEN_DEFAULT``: read-write, create, full mutex."""
_MAX_ID: Final = 256
_ROWS: Final = "sqlite rows"
_SETS: Final = "sqlite parameter sets"
_GROUP_BYTES: Final = 65_536 * 96
"""What ``execMany`` holds decoded at a time: a group of about 65,536 values (each value's
object, its place in a list, a short text)."""

Reply = dict[str, Any]


def _databases(request: Request) -> Databases:
    return request.host.stash[STATE]


def _id(fields: Params) -> str:
    return _checked_id(fields.require_str("id"))


def _checked_id(value: str) -> str:
    if not value or len(value) > _MAX_ID:
        raise InvalidArgumentError.invalid("id", f"a string of 1-{_MAX_ID} characters")
    return value


def _sql(fields: Params, limit: int) -> str:
    return _checked_sql(fields.require_str("sql"), limit)


def _checked_sql(sql: str, limit: int) -> str:
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
    with request.host.memory.reserve(0, purpose=_ROWS) as held:
        result = await databases.exec(handle, sql, params, held)
        return result.answer(array)


def _binary(request: Request, max_values: int) -> BinaryRequest:
    return decode_request(request.body, max_values=max_values, max_width=MAX_VARIABLES)


async def exec_binary(request: Request) -> bytes:
    """``sqlite.exec`` with a binary body (database id, SQL, its parameters as a block of one
    column: one row per parameter); the answer in bytes: a JSON header (columns, columnsMeta,
    changes, lastInsertRowid) and the rows as a binary block (:mod:`.binary`)."""
    window = request.require_window()
    databases = _databases(request)
    call = _binary(request, MAX_VARIABLES)
    if call.block.width > 1:
        raise bad_frame("sqlite.execBinary takes its parameters as one column")
    handle = databases.handle(window, _checked_id(call.database_id))
    sql = _checked_sql(call.sql, databases.settings.max_sql_bytes)
    params = call.block.column()
    with request.host.memory.reserve(0, purpose=_ROWS) as held:
        result = await databases.exec(handle, sql, params, held)
        return encode_rows(result.header_json(), result.rows, len(result.columns))


async def exec_many(request: Request) -> Reply:
    """Run the one statement of the SQL once per parameter set (a binary body: database id,
    SQL, the sets), all of them or, on an error, none; `{changes, lastInsertRowid}`, changes
    summed over the sets."""
    window = request.require_window()
    databases = _databases(request)
    call = _binary(request, databases.settings.max_batch_values)
    handle = databases.handle(window, _checked_id(call.database_id))
    sql = _checked_sql(call.sql, databases.settings.max_sql_bytes)
    database = handle.database
    with request.host.memory.reserve(_GROUP_BYTES, purpose=_SETS):
        return await databases.call(handle, lambda: database.exec_many(sql, call.block))


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
    columnsMeta, done, changes, lastInsertRowid}`. Ours besides Oro's: with `params`, bind them
    first (as `bind`); with `reset`, reset the statement once it is done (as `reset`), so that
    a statement's whole run is one call."""
    window = request.require_window()
    fields = request.fields()
    databases = _databases(request)
    handle, statement = databases.statement(window, _id(fields))
    limit = fields.get_int("limit", 0, minimum=0) or DEFAULT_STEP_LIMIT
    # Bounded like an exec: the page pages on through `done: false`.
    limit = min(limit, databases.settings.max_result_rows)
    array = _array(fields)
    raw = fields.get("params")
    params = None if raw is None else decode_params(raw)
    reset_when_done = fields.get_bool("reset")
    limits = databases.limits

    def run() -> Reply:
        if params is not None:
            statement.bind(params)
        answer = statement.step(limit, array, limits, held)
        if reset_when_done and answer["done"]:
            statement.reset()
        return answer

    with request.host.memory.reserve(0, purpose=_ROWS) as held:
        return await databases.call(handle, run)


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


ROUTES: Final = RouteGroup.guarded(
    SQLITE,
    handlers={
        "sqlite.open": open_,
        "sqlite.close": close,
        "sqlite.exec": exec_,
        "sqlite.execBinary": exec_binary,
        "sqlite.execMany": exec_many,
        "sqlite.prepare": prepare,
        "sqlite.statement.bind": bind,
        "sqlite.statement.step": step,
        "sqlite.statement.reset": reset,
        "sqlite.statement.finalize": finalize,
    },
)
"""Every ``sqlite.*`` route, guarded by ``sqlite`` (``[permissions] allow_sqlite``); which
files a page may open is up to ``[sqlite] roots``."""
