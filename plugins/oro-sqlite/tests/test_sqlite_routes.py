"""The ``sqlite.*`` routes on a real host through its router (MemoryClient), against real SQLite
databases. They follow the Oro Runtime's ``api/sqlite.d.ts`` and the answers of its
``sqlite.open|close|exec|prepare|statement.*`` routes (``src/runtime/core/services/sqlite.cc``):
tagged integers and blobs, rows as objects or arrays, ``changes``/``lastInsertRowid``, every
statement of an exec run with the same params, Oro's error types."""

from __future__ import annotations

import base64

import anyio
import oro_sqlite.plugin
import pytest
from oro_sqlite.errors import InvalidStateError, SQLiteError
from oro_sqlite.state import STATE

from conftest import CONFIG, SQLITE_PLUGINS, call, exec_sql, open_memory
from oro_framework import (
    Host,
    InvalidArgumentError,
    InvalidJSONError,
    NotAllowedError,
    NotFoundError,
    OutOfRangeError,
    RouteTimeoutError,
)
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio


def integer(value: int) -> dict[str, str]:
    return {"type": "integer", "value": str(value)}


async def test_open_answers_id_path_and_oro_default_flags(client: MemoryClient) -> None:
    answer = await call(client, "sqlite.open", id="12345678901234567890", path=":memory:")
    assert answer == {"id": "12345678901234567890", "path": ":memory:", "flags": 0x10006}


async def test_exec_answers_rows_columns_and_types_as_oro(client: MemoryClient) -> None:
    db = await open_memory(client)
    await exec_sql(client, db, "CREATE TABLE t (a INTEGER, b TEXT, c BLOB, d REAL, e)")
    inserted = await exec_sql(
        client,
        db,
        "INSERT INTO t VALUES (?, ?, ?, ?, ?)",
        integer(2**62),
        "héllo",
        {"encoding": "base64", "data": base64.b64encode(b"\x00\xff").decode()},
        1.5,
        None,
    )
    assert inserted["changes"] == 1
    assert inserted["lastInsertRowid"] == "1"
    assert inserted["rows"] == []
    assert inserted["columns"] == []
    answer = await exec_sql(client, db, "SELECT * FROM t")
    assert answer["columns"] == ["a", "b", "c", "d", "e"]
    assert answer["rows"] == [
        {
            "a": integer(2**62),
            "b": "héllo",
            "c": {"encoding": "base64", "data": "AP8="},
            "d": 1.5,
            "e": None,
        }
    ]
    assert [meta["type"] for meta in answer["columnsMeta"]] == [
        "integer",
        "text",
        "blob",
        "float",
        "null",
    ]
    assert answer["changes"] == 0


async def test_exec_in_array_mode_answers_rows_as_arrays(client: MemoryClient) -> None:
    db = await open_memory(client)
    answer = await exec_sql(client, db, "SELECT 1 AS a, 'x' AS b", mode="array")
    assert answer["rows"] == [[integer(1), "x"]]


async def test_exec_runs_every_statement_with_the_same_params(client: MemoryClient) -> None:
    """Oro binds ``params`` to each statement of the text from index 1; a statement without
    placeholders takes none; the answer holds the last statement that has columns."""
    db = await open_memory(client)
    answer = await exec_sql(
        client,
        db,
        "CREATE TABLE t (a); INSERT INTO t VALUES (?); INSERT INTO t VALUES (?); "
        "SELECT a FROM t; -- the end",
        7,
    )
    assert answer["rows"] == [{"a": integer(7)}, {"a": integer(7)}]


async def test_fewer_params_bind_null_and_more_are_a_range_error(client: MemoryClient) -> None:
    db = await open_memory(client)
    answer = await exec_sql(client, db, "SELECT ? AS a, ? AS b", 1)
    assert answer["rows"] == [{"a": integer(1), "b": None}]
    reply = await client.call("sqlite.exec", id=db, sql="SELECT ? AS a", params=[1, 2])
    assert isinstance(reply.error, OutOfRangeError)
    assert reply.error.code == "ERR_SQLITE_TOO_MANY_PARAMS"
    assert reply.error.to_dict()["type"] == "RangeError"


async def test_params_bind_by_position_to_named_placeholders(client: MemoryClient) -> None:
    db = await open_memory(client)
    answer = await exec_sql(client, db, "SELECT :b AS b, :a AS a, :b AS again", 1, 2)
    assert answer["rows"] == [{"b": integer(1), "a": integer(2), "again": integer(1)}]


async def test_params_may_be_the_json_text_orojs_sends(client: MemoryClient) -> None:
    db = await open_memory(client)
    answer = await call(client, "sqlite.exec", id=db, sql="SELECT ? AS a", params='["x"]')
    assert answer["rows"] == [{"a": "x"}]


async def test_bad_params_are_typed_errors(client: MemoryClient) -> None:
    db = await open_memory(client)
    not_json = await client.call("sqlite.exec", id=db, sql="SELECT ?", params="[1,")
    assert isinstance(not_json.error, InvalidJSONError)
    assert not_json.error.to_dict()["type"] == "SyntaxError"
    not_array = await client.call("sqlite.exec", id=db, sql="SELECT ?", params={"a": 1})
    assert isinstance(not_array.error, InvalidArgumentError)
    surrogate = await client.call("sqlite.exec", id=db, sql="SELECT ?", params=["\ud800"])
    assert isinstance(surrogate.error, InvalidArgumentError)
    assert surrogate.error.code == "ERR_INVALID_ARG_VALUE"
    bad_base64 = await client.call(
        "sqlite.exec", id=db, sql="SELECT ?", params=[{"encoding": "base64", "data": "*"}]
    )
    assert isinstance(bad_base64.error, InvalidArgumentError)
    # The host keeps serving the database after each.
    assert (await exec_sql(client, db, "SELECT 1 AS a"))["rows"] == [{"a": integer(1)}]


async def test_sql_errors_are_sqlite_errors_with_oros_numeric_code(client: MemoryClient) -> None:
    db = await open_memory(client)
    syntax = await client.call("sqlite.exec", id=db, sql="SELEC 1")
    assert isinstance(syntax.error, SQLiteError)
    assert syntax.error.code == "1"
    await exec_sql(client, db, "CREATE TABLE t (a UNIQUE)")
    await exec_sql(client, db, "INSERT INTO t VALUES (1)")
    duplicate = await client.call("sqlite.exec", id=db, sql="INSERT INTO t VALUES (1)")
    assert isinstance(duplicate.error, SQLiteError)
    assert duplicate.error.to_dict() == {
        "type": "SQLiteError",
        "code": "19",
        "errcode": 2067,
        "errname": "SQLITE_CONSTRAINT_UNIQUE",
        "message": "UNIQUE constraint failed: t.a",
    }


async def test_transactions_are_the_pages_own(client: MemoryClient) -> None:
    """Autocommit, as SQLite itself: BEGIN/ROLLBACK are the page's statements."""
    db = await open_memory(client)
    await exec_sql(client, db, "CREATE TABLE t (a)")
    await exec_sql(client, db, "BEGIN; INSERT INTO t VALUES (1); ROLLBACK")
    assert (await exec_sql(client, db, "SELECT count(*) AS n FROM t"))["rows"] == [
        {"n": integer(0)}
    ]


async def test_unknown_ids_are_not_found_errors(client: MemoryClient) -> None:
    for route in ("sqlite.close", "sqlite.exec", "sqlite.prepare"):
        reply = await client.call(route, id="nope", sql="SELECT 1")
        assert isinstance(reply.error, NotFoundError)
        assert reply.error.code == "ERR_SQLITE_UNKNOWN_DATABASE"
    for route in ("bind", "step", "reset", "finalize"):
        reply = await client.call(f"sqlite.statement.{route}", id="nope")
        assert isinstance(reply.error, NotFoundError)
        assert reply.error.code == "ERR_SQLITE_UNKNOWN_STATEMENT"


async def test_another_windows_page_cannot_reach_a_database(host: Host) -> None:
    first, second = MemoryClient(host, window=0), MemoryClient(host, window=1)
    db = await open_memory(first)
    statement = await call(first, "sqlite.prepare", id=db, sql="SELECT 1")
    reply = await second.call("sqlite.exec", id=db, sql="SELECT 1")
    assert isinstance(reply.error, NotFoundError)
    reply = await second.call("sqlite.statement.step", id=statement["id"])
    assert isinstance(reply.error, NotFoundError)
    reply = await second.call("sqlite.statement.step", id=statement["id"], params=[1], reset=True)
    assert isinstance(reply.error, NotFoundError)
    # The same id is the second page's own to use.
    await open_memory(second, db)


async def test_an_id_in_use_is_an_invalid_state_error(client: MemoryClient) -> None:
    db = await open_memory(client)
    reply = await client.call("sqlite.open", id=db, path=":memory:")
    assert isinstance(reply.error, InvalidStateError)
    assert reply.error.code == "ERR_SQLITE_ID_TAKEN"


async def test_a_statement_is_prepared_bound_stepped_reset_and_finalized(
    client: MemoryClient,
) -> None:
    db = await open_memory(client)
    await exec_sql(client, db, "CREATE TABLE t (a); INSERT INTO t VALUES (1), (2), (3)")
    prepared = await call(client, "sqlite.prepare", id=db, sql="SELECT a FROM t WHERE a >= ?")
    statement = prepared["id"]
    assert prepared["databaseId"] == db
    assert prepared["columns"] == ["a"]
    assert prepared["columnsMeta"] == [{"name": "a", "declType": "", "type": "null"}]
    assert await call(client, "sqlite.statement.bind", id=statement, params=[2]) == {
        "id": statement,
        "bound": 1,
    }
    first = await call(client, "sqlite.statement.step", id=statement, limit=1)
    assert (first["rows"], first["done"]) == ([{"a": integer(2)}], False)
    rest = await call(client, "sqlite.statement.step", id=statement, limit=5, mode="array")
    assert (rest["rows"], rest["done"]) == ([[integer(3)]], True)
    # Stepping after the end runs it again, as SQLite's auto-reset.
    again = await call(client, "sqlite.statement.step", id=statement)
    assert again["rows"] == [{"a": integer(2)}, {"a": integer(3)}]
    # Reset clears the bindings too (Oro's reset): the parameter is NULL, nothing matches.
    await call(client, "sqlite.statement.reset", id=statement)
    cleared = await call(client, "sqlite.statement.step", id=statement)
    assert (cleared["rows"], cleared["done"]) == ([], True)
    assert await call(client, "sqlite.statement.finalize", id=statement) == {"id": statement}
    reply = await client.call("sqlite.statement.step", id=statement)
    assert isinstance(reply.error, NotFoundError)


async def test_binding_more_params_than_the_statement_takes_is_a_range_error(
    client: MemoryClient,
) -> None:
    db = await open_memory(client)
    statement = (await call(client, "sqlite.prepare", id=db, sql="SELECT ?"))["id"]
    reply = await client.call("sqlite.statement.bind", id=statement, params=[1, 2])
    assert isinstance(reply.error, OutOfRangeError)
    assert reply.error.code == "ERR_SQLITE_TOO_MANY_PARAMS"
    # The same through step's params: nothing runs.
    reply = await client.call("sqlite.statement.step", id=statement, params=[1, 2])
    assert isinstance(reply.error, OutOfRangeError)
    assert reply.error.code == "ERR_SQLITE_TOO_MANY_PARAMS"


async def test_a_step_with_params_and_reset_is_a_whole_run_in_one_call(
    client: MemoryClient,
) -> None:
    """What ``Statement.run`` sends: bind, step and, once done, reset in one call; a step that
    is not done keeps its place and its bindings."""
    db = await open_memory(client)
    await exec_sql(client, db, "CREATE TABLE t (a)")
    insert = (await call(client, "sqlite.prepare", id=db, sql="INSERT INTO t VALUES (?)"))["id"]
    for value in (1, 2, 3):
        ran = await call(client, "sqlite.statement.step", id=insert, params=[value], reset=True)
        assert (ran["done"], ran["changes"], ran["lastInsertRowid"]) == (True, 1, str(value))
    select = await call(client, "sqlite.prepare", id=db, sql="SELECT a FROM t WHERE a >= ?")
    statement = select["id"]
    first = await call(
        client, "sqlite.statement.step", id=statement, params=[2], reset=True, limit=1
    )
    assert (first["rows"], first["done"]) == ([{"a": integer(2)}], False)
    rest = await call(client, "sqlite.statement.step", id=statement, reset=True)
    assert (rest["rows"], rest["done"]) == ([{"a": integer(3)}], True)
    # Reset once done: the bindings are cleared, the parameter is NULL, nothing matches.
    cleared = await call(client, "sqlite.statement.step", id=statement)
    assert (cleared["rows"], cleared["done"]) == ([], True)


async def test_prepare_compiles_without_running(client: MemoryClient) -> None:
    db = await open_memory(client)
    await exec_sql(client, db, "CREATE TABLE t (a)")
    prepared = await call(client, "sqlite.prepare", id=db, sql="INSERT INTO t VALUES (1)")
    assert prepared["columns"] == []
    assert (await exec_sql(client, db, "SELECT count(*) AS n FROM t"))["rows"] == [
        {"n": integer(0)}
    ]
    stepped = await call(client, "sqlite.statement.step", id=prepared["id"])
    assert (stepped["done"], stepped["changes"], stepped["lastInsertRowid"]) == (True, 1, "1")
    bad = await client.call("sqlite.prepare", id=db, sql="SELECT * FROM missing")
    assert isinstance(bad.error, SQLiteError)


async def test_closing_a_database_finalizes_its_statements(client: MemoryClient) -> None:
    db = await open_memory(client)
    statement = (await call(client, "sqlite.prepare", id=db, sql="SELECT 1"))["id"]
    assert await call(client, "sqlite.close", id=db) == {"id": db}
    reply = await client.call("sqlite.statement.step", id=statement)
    assert isinstance(reply.error, NotFoundError)
    again = await client.call("sqlite.close", id=db)
    assert isinstance(again.error, NotFoundError)


@pytest.mark.parametrize("oro_config", [{"sqlite.max_databases": 2, "sqlite.max_statements": 2}])
async def test_a_page_has_at_most_max_databases_and_statements(host: Host) -> None:
    page, other = MemoryClient(host, window=0), MemoryClient(host, window=1)
    await open_memory(page, "a")
    await open_memory(page, "b")
    reply = await page.call("sqlite.open", id="c", path=":memory:")
    assert isinstance(reply.error, OutOfRangeError)
    assert reply.error.code == "ERR_SQLITE_TOO_MANY_DATABASES"
    await open_memory(other, "c")  # another page counts on its own
    for _ in range(2):
        await call(page, "sqlite.prepare", id="a", sql="SELECT 1")
    reply = await page.call("sqlite.prepare", id="b", sql="SELECT 1")
    assert isinstance(reply.error, OutOfRangeError)
    assert reply.error.code == "ERR_SQLITE_TOO_MANY_STATEMENTS"
    await call(page, "sqlite.close", id="b")
    await open_memory(page, "c")


@pytest.mark.parametrize("oro_config", [{"sqlite.max_result_rows": 3}])
async def test_an_exec_over_the_row_limit_is_oros_range_error(client: MemoryClient) -> None:
    db = await open_memory(client)
    sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT ?) SELECT x FROM c"
    assert len((await exec_sql(client, db, sql, 3))["rows"]) == 3
    reply = await client.call("sqlite.exec", id=db, sql=sql, params=[4])
    assert isinstance(reply.error, OutOfRangeError)
    assert (reply.error.code, reply.error.message) == (
        "18",
        "SQLite exec result exceeds configured limits",
    )
    # A statement pages through more than the limit.
    statement = (await call(client, "sqlite.prepare", id=db, sql=sql))["id"]
    await call(client, "sqlite.statement.bind", id=statement, params=[7])
    chunk = await call(client, "sqlite.statement.step", id=statement, limit=100)
    assert (len(chunk["rows"]), chunk["done"]) == (3, False)


@pytest.mark.parametrize("oro_config", [{"ipc.timeout_ms": 300}])
async def test_a_runaway_query_is_interrupted_and_the_database_serves_on(
    client: MemoryClient,
) -> None:
    db = await open_memory(client)
    forever = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    )
    reply = await client.call("sqlite.exec", id=db, sql=forever)
    assert isinstance(reply.error, RouteTimeoutError)
    assert (await exec_sql(client, db, "SELECT 2 AS a"))["rows"] == [{"a": integer(2)}]


@pytest.mark.in_process(reason="it reads the plugin's databases in the host's process (host.stash)")
async def test_a_gone_page_has_its_databases_closed(host: Host) -> None:
    page, other = MemoryClient(host, window=0), MemoryClient(host, window=1)
    await open_memory(page, "a")
    await call(page, "sqlite.prepare", id="a", sql="SELECT 1")
    await open_memory(other, "b")
    databases = host.stash[STATE]
    handle = databases.handle(0, "a")
    host.hooks.page_closed(host, 0)
    await handle.released.wait()
    diagnostics = databases.diagnostics()
    assert diagnostics["databases"] == {"count": 1, "ids": ["b"]}
    assert diagnostics["statements"]["count"] == 0
    reply = await page.call("sqlite.exec", id="a", sql="SELECT 1")
    assert isinstance(reply.error, NotFoundError)
    assert (await exec_sql(other, "b", "SELECT 1 AS a"))["rows"] == [{"a": integer(1)}]


@pytest.mark.in_process(reason="it reads the plugin's databases in the host's process (host.stash)")
async def test_stopping_the_app_closes_every_database() -> None:
    async with make_host(SQLITE_PLUGINS, config=CONFIG) as host:
        page = MemoryClient(host)
        await open_memory(page, "a")
        databases = host.stash[STATE]
        handle = databases.handle(0, "a")
    assert handle.released.is_set()
    assert (databases.opened, databases.closed) == (1, 1)


async def test_the_routes_are_refused_when_the_permission_is_off() -> None:
    config = {**CONFIG, "permissions.allow_sqlite": False}
    async with make_host(SQLITE_PLUGINS, config=config) as host:
        reply = await MemoryClient(host).call("sqlite.open", id="a", path=":memory:")
        assert isinstance(reply.error, NotAllowedError)


async def test_the_js_module_is_served_with_its_declarations() -> None:
    async with make_host([oro_sqlite.plugin]) as host:
        module = host.js_modules.get("oro:sqlite")
        assert module is not None
        assert module.declarations is not None
        assert module.declarations.is_file()


async def test_concurrent_calls_on_one_database_take_turns(client: MemoryClient) -> None:
    """Many calls at once on one connection: each runs alone in its worker thread (sqlite3
    would refuse a connection used by two threads at once), in turn."""
    db = await open_memory(client)
    await exec_sql(client, db, "CREATE TABLE t (a)")
    statement = (await call(client, "sqlite.prepare", id=db, sql="SELECT count(*) AS n FROM t"))[
        "id"
    ]
    answers: list[object] = []

    async def insert(value: int) -> None:
        answers.append(
            await call(client, "sqlite.exec", id=db, sql="INSERT INTO t VALUES (?)", params=[value])
        )
        answers.append(await call(client, "sqlite.statement.step", id=statement))

    async with anyio.create_task_group() as tasks:
        for value in range(40):
            tasks.start_soon(insert, value)
    assert len(answers) == 80
    counted = await exec_sql(client, db, "SELECT count(DISTINCT a) AS n FROM t")
    assert counted["rows"] == [{"n": integer(40)}]
