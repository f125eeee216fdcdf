"""What bounds a page's databases, on a real host: only a proven window has any, SQLite's own
limits (``sqlite3_limit``, the heap limit), and the rows of an answer, bounded per call by
``max_result_bytes`` and together by the host's memory budget."""

from __future__ import annotations

import pytest
from oro_sqlite.errors import SQLiteError
from oro_sqlite.state import STATE

from conftest import call, exec_sql, open_memory
from oro_framework import Host, OutOfMemoryError, OutOfRangeError, SecurityError
from oro_framework.testing import MemoryClient

pytestmark = pytest.mark.anyio

ROUTES = (
    ("sqlite.open", {"id": "a", "path": ":memory:"}),
    ("sqlite.close", {"id": "a"}),
    ("sqlite.exec", {"id": "a", "sql": "SELECT 1"}),
    ("sqlite.prepare", {"id": "a", "sql": "SELECT 1"}),
    ("sqlite.statement.bind", {"id": "s"}),
    ("sqlite.statement.step", {"id": "s"}),
    ("sqlite.statement.reset", {"id": "s"}),
    ("sqlite.statement.finalize", {"id": "s"}),
)


@pytest.mark.in_process(reason="it reads the plugin's databases in the host's process (host.stash)")
async def test_a_request_without_a_window_gets_no_database(host: Host) -> None:
    """Medium finding (window identity): databases were kept per ``request.window``, ``None``
    included, so a request without a window had a bucket of its own. Now every route asks
    for a proven window: without one it is ``SecurityError`` ``ERR_NO_WINDOW`` and nothing is
    opened."""
    windowless = MemoryClient(host, window=None)
    for route, params in ROUTES:
        reply = await windowless.call(route, **params)
        assert isinstance(reply.error, SecurityError), route
        assert reply.error.code == "ERR_NO_WINDOW"
    assert host.stash[STATE].diagnostics()["databases"]["count"] == 0


@pytest.mark.parametrize("oro_config", [{"sqlite.max_value_bytes": 1000}])
async def test_a_value_over_max_value_bytes_is_sqlites_toobig(client: MemoryClient) -> None:
    """SQLITE_LIMIT_LENGTH: SQLite refuses to make (or read) a longer value before it
    allocates it, ``randomblob``/``zeroblob`` and bound values alike."""
    db = await open_memory(client)
    assert (await exec_sql(client, db, "SELECT length(randomblob(1000)) AS n"))["rows"] == [
        {"n": {"type": "integer", "value": "1000"}}
    ]
    for sql, params in (
        ("SELECT randomblob(1001)", []),
        ("SELECT zeroblob(999000000)", []),
        ("SELECT ?", ["x" * 1001]),
    ):
        reply = await client.call("sqlite.exec", id=db, sql=sql, params=params)
        assert isinstance(reply.error, SQLiteError), sql
        assert reply.error.code == "18"


@pytest.mark.parametrize("oro_config", [{"sqlite.max_columns": 16, "sqlite.max_attached": 1}])
async def test_columns_and_attached_databases_are_limited(client: MemoryClient) -> None:
    db = await open_memory(client)
    columns = ", ".join(f"c{index}" for index in range(17))
    wide = await client.call("sqlite.exec", id=db, sql=f"CREATE TABLE w ({columns})")
    assert isinstance(wide.error, SQLiteError)
    await exec_sql(client, db, "ATTACH ':memory:' AS one")
    second = await client.call("sqlite.exec", id=db, sql="ATTACH ':memory:' AS two")
    assert isinstance(second.error, SQLiteError)
    assert "too many attached" in second.error.message


@pytest.mark.parametrize("oro_config", [{"sqlite.max_result_bytes": 1000}])
async def test_a_step_answers_at_most_max_result_bytes(client: MemoryClient) -> None:
    """A prepared statement's step fetched up to ``limit`` rows whatever their size (128 rows
    of 16 MiB is 2 GiB): it now stops before ``max_result_bytes`` and carries the row that did
    not fit over to the next step; a row alone over it is Oro's RangeError ``"18"``."""
    db = await open_memory(client)
    await exec_sql(
        client,
        db,
        "CREATE TABLE t (b); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
        "WHERE x < 5) INSERT INTO t SELECT zeroblob(400) FROM c",
    )
    statement = (await call(client, "sqlite.prepare", id=db, sql="SELECT rowid AS r, b FROM t"))[
        "id"
    ]
    pages = []
    while True:
        answer = await call(client, "sqlite.statement.step", id=statement, limit=100)
        pages.append([row["r"]["value"] for row in answer["rows"]])
        if answer["done"]:
            break
    assert pages == [["1", "2"], ["3", "4"], ["5"]]
    big = (await call(client, "sqlite.prepare", id=db, sql="SELECT zeroblob(1001)"))["id"]
    reply = await client.call("sqlite.statement.step", id=big)
    assert isinstance(reply.error, OutOfRangeError)
    assert reply.error.code == "18"


@pytest.mark.in_process(reason="it spends the host process's memory budget, not the plugin's")
async def test_rows_are_reserved_from_the_hosts_memory_budget(host: Host) -> None:
    """Medium finding (memory): caps per call did not bound their sum. The rows an ``exec`` or
    ``step`` gathers now come out of ``host.memory``: with the budget spent elsewhere the call
    is ``ERR_OUT_OF_MEMORY`` (507), the host serves on, and each call gives back what it
    held."""
    client = MemoryClient(host)
    db = await open_memory(client)
    sql = "SELECT zeroblob(30000) AS b"
    statement = (await call(client, "sqlite.prepare", id=db, sql=sql))["id"]
    with host.memory.reserve(host.memory.limit - 20_000, purpose="another plugin"):
        for route, params in (
            ("sqlite.exec", {"id": db, "sql": sql}),
            ("sqlite.statement.step", {"id": statement}),
        ):
            reply = await client.call(route, **params)
            assert isinstance(reply.error, OutOfMemoryError), route
            assert (reply.error.code, reply.error.status) == ("ERR_OUT_OF_MEMORY", 507)
        assert (await exec_sql(client, db, "SELECT 1 AS a"))["rows"]
    assert len((await exec_sql(client, db, sql))["rows"]) == 1
    assert len((await call(client, "sqlite.statement.step", id=statement))["rows"]) == 1
    assert host.memory.used == 0


@pytest.mark.in_process(reason="it reads the plugin's databases in the host's process (host.stash)")
@pytest.mark.parametrize("oro_config", [{"sqlite.max_value_bytes": 1_000_000_000}])
async def test_sqlite_out_of_heap_is_a_typed_error(client: MemoryClient, host: Host) -> None:
    """Past SQLite's heap limit (``max_heap_bytes``, 256 MiB by default) a statement fails
    with SQLITE_NOMEM, which Python raises as ``MemoryError``: the page gets
    ``ERR_OUT_OF_MEMORY`` and the database serves on."""
    assert host.stash[STATE].diagnostics()["heapLimit"] <= 256 << 20
    db = await open_memory(client)
    reply = await client.call("sqlite.exec", id=db, sql="SELECT randomblob(300000000)")
    assert isinstance(reply.error, OutOfMemoryError)
    assert reply.error.to_dict()["errname"] == "SQLITE_NOMEM"
    assert (await exec_sql(client, db, "SELECT 2 AS a"))["rows"]
