"""The binary path of oro-sqlite (issue 55): ``sqlite.execBinary`` and ``sqlite.execMany``.

Values of every type round-trip through the block codec (a property), a hostile body is a typed
error and never an allocation it did not pay for (any bytes, counts that lie, more values than
``max_batch_values``), ``execMany`` runs all of its parameter sets or none, with Oro's rules for
a set of the wrong size, a read runs inline on the loop only while it is quick and returns to a
thread when it is not (or when the database is locked: the loop keeps serving), and what a
database keeps of the SQL it ran is bounded and gone when it closes."""

from __future__ import annotations

import functools
import json
import math
import resource
import sqlite3
import struct
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from unittest import mock

import anyio
import oro_sqlite.binary as binary
import pytest
from anyio.from_thread import start_blocking_portal
from hypothesis import given, settings
from hypothesis import strategies as st
from oro_sqlite.binary import decode_request, encode_block
from oro_sqlite.database import STATEMENT_CACHE
from oro_sqlite.state import STATE

from conftest import SQLITE_PLUGINS, call, exec_sql, open_memory
from oro_framework import Host, Reply
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio

Call = Callable[..., Reply]


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Call]:
    """Call a route of one running host as window 0's page, from a synchronous test."""
    data = tmp_path_factory.mktemp("binary") / "data"
    with (
        start_blocking_portal(backend="trio") as portal,
        portal.wrap_async_context_manager(
            make_host(SQLITE_PLUGINS, config={"sqlite.roots": ["data"]}, data_dir=data)
        ) as host,
    ):
        client = MemoryClient(host)

        def call_route(route: str, body: bytes = b"", **fields: Any) -> Reply:
            return portal.call(functools.partial(client.call, route, body=body, **fields))

        yield call_route


sql_values = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"])),
    st.binary(max_size=64),
)


def body(database_id: str, sql: str, rows: Sequence[Sequence[Any]], width: int) -> bytes:
    """A request body as oro:sqlite sends it, the parameter sets ``rows``."""
    ident, text = database_id.encode(), sql.encode()
    head = b"OSQ\x01\x00" + struct.pack("<H", len(ident)) + ident
    return head + struct.pack("<I", len(text)) + text + encode_block(rows, width)


def params(values: Sequence[Any]) -> bytes:
    """An exec's parameters: one column, a row per parameter."""
    return encode_block([[value] for value in values], 1 if values else 0)


def answer_rows(reply: Reply) -> tuple[dict[str, Any], list[list[Any]]]:
    """The header and rows of a ``sqlite.execBinary`` answer."""
    raise_for_error(reply)
    data = reply.body
    assert data is not None
    assert data[:4] == binary.ROWS_MAGIC
    size = struct.unpack_from("<I", data, 4)[0]
    header = json.loads(data[8 : 8 + size])
    request = b"OSQ\x01\x00\x00\x00\x00\x00\x00\x00" + data[8 + size :]
    block = decode_request(request, max_values=10**9, max_width=10**6).block
    rows = [list(row) for _, columns in block.groups() for row in zip(*columns, strict=True)]
    if block.width == 0:
        rows = [[] for _ in range(block.count)]
    return header, rows


async def exec_binary(
    client: MemoryClient, database_id: str, sql: str, *values: Any
) -> tuple[dict[str, Any], list[list[Any]]]:
    data = binary_request(database_id, sql, values)
    return answer_rows(await client.call("sqlite.execBinary", body=data))


async def exec_many(client: MemoryClient, database_id: str, sql: str, rows: list[list[Any]]) -> Any:
    width = max((len(row) for row in rows), default=0)
    padded = [list(row) + [None] * (width - len(row)) for row in rows]
    return raise_for_error(
        await client.call("sqlite.execMany", body=body(database_id, sql, padded, width))
    )


def same(first: Any, second: Any) -> bool:
    if isinstance(first, float) and math.isnan(first):
        return isinstance(second, float) and math.isnan(second)
    return type(first) is type(second) and first == second


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=5).flatmap(
        lambda width: st.lists(
            st.lists(sql_values, min_size=width, max_size=width), max_size=12
        ).map(lambda rows: (width, rows))
    ),
    st.sampled_from([1, 3, 65_536]),
)
def test_any_row_of_mixed_types_round_trips_through_the_block_codec(
    shaped: tuple[int, list[list[Any]]], group_values: int
) -> None:
    width, rows = shaped
    # Small groups: rows cross group boundaries, as a batch of 65,536 values does.
    with mock.patch.object(binary, "_GROUP_VALUES", group_values):
        decoded = decode_request(
            body("db", "SELECT 1", rows, width), max_values=10**6, max_width=10
        )
        assert (decoded.database_id, decoded.sql, decoded.block.count) == (
            "db",
            "SELECT 1",
            len(rows),
        )
        back = [
            list(row) for _, columns in decoded.block.groups() for row in zip(*columns, strict=True)
        ]
    if width == 0:
        back = [[] for _ in rows]
    assert len(back) == len(rows)
    for row, returned in zip(rows, back, strict=True):
        assert all(same(a, b) for a, b in zip(row, returned, strict=True)), (row, returned)


def binary_request(database_id: str, sql: str, values: Sequence[Any]) -> bytes:
    ident, text = database_id.encode(), sql.encode()
    head = b"OSQ\x01\x00" + struct.pack("<H", len(ident)) + ident
    return head + struct.pack("<I", len(text)) + text + params(values)


@settings(max_examples=40, deadline=None)
@given(values=st.lists(sql_values, min_size=1, max_size=6))
def test_a_row_of_every_type_round_trips_through_exec_binary_and_exec_many(
    routes: Call, values: list[Any]
) -> None:
    raise_for_error(routes("sqlite.open", id="typed", path=":memory:"))
    try:
        columns = ", ".join(f"c{index}" for index in range(len(values)))
        raise_for_error(routes("sqlite.exec", id="typed", sql=f"CREATE TABLE t ({columns})"))
        marks = ", ".join("?" for _ in values)
        insert = body("typed", f"INSERT INTO t VALUES ({marks})", [values] * 3, len(values))
        assert raise_for_error(routes("sqlite.execMany", insert))["changes"] == 3
        _, rows = answer_rows(
            routes("sqlite.execBinary", binary_request("typed", f"SELECT {columns} FROM t", []))
        )
        _, echoed = answer_rows(
            routes("sqlite.execBinary", binary_request("typed", f"SELECT {marks}", values))
        )
        for row in [*rows, *echoed]:
            assert all(same(a, b) for a, b in zip(values, row, strict=True)), (values, row)
    finally:
        raise_for_error(routes("sqlite.close", id="typed"))


@settings(max_examples=300, deadline=None)
@given(
    noise=st.binary(max_size=200), route=st.sampled_from(["sqlite.execBinary", "sqlite.execMany"])
)
def test_any_bytes_are_a_typed_error_or_an_answer_never_a_failure(
    routes: Call, noise: bytes, route: str
) -> None:
    for data in (noise, b"OSQ\x01" + noise, body("db", "SELECT 1", [], 0)[:-8] + noise):
        reply = routes(route, data)
        if reply.error is not None:
            assert reply.error.error_type in {
                "TypeError",
                "RangeError",
                "NotFoundError",
                "SQLiteError",
                "SyntaxError",
            }, reply.error
            assert reply.status < 500, reply.error
    # The host serves on.
    assert routes("sqlite.open", id="after", path=":memory:").error is None
    raise_for_error(routes("sqlite.close", id="after"))


async def test_sets_that_lie_about_their_size_are_refused_before_any_is_made(
    client: MemoryClient,
) -> None:
    database = await open_memory(client)
    await exec_sql(client, database, "CREATE TABLE t (a)")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    head = b"OSQ\x01\x00\x02\x00db" + struct.pack("<I", 8) + b"SELECT 1"
    lies = {
        # Four billion NULL sets of one value (no byte each): refused by max_batch_values.
        "ERR_SQLITE_TOO_MANY_VALUES": head + struct.pack("<II", 2**32 - 1, 1) + b"\x00",
        # Sets wider than SQLite binds.
        "ERR_SQLITE_TOO_MANY_PARAMS": head + struct.pack("<II", 1, 2**32 - 1),
        # A billion integers promised, eight bytes sent.
        "ERR_SQLITE_BAD_FRAME": head + struct.pack("<II", 10**6, 1) + b"\x01" + bytes(8),
    }
    for code, data in lies.items():
        for route in ("sqlite.execMany", "sqlite.execBinary"):
            reply = await client.call(route, body=data)
            assert reply.error is not None
            assert reply.status < 500
            assert reply.error.code == code or route == "sqlite.execBinary", (route, reply.error)
    text = head + struct.pack("<II", 2, 1) + b"\x03\x00" + struct.pack("<II", 1, 1) + b"\xff\xfe"
    reply = await client.call("sqlite.execMany", body=text)
    assert reply.error is not None
    assert reply.error.error_type == "TypeError"
    # ru_maxrss is in KiB: none of this made the process grow by a decoded batch.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 64 * 1024
    _header, rows = await exec_binary(client, database, "SELECT count(*) FROM t")
    assert rows == [[0]]


@pytest.mark.parametrize("oro_config", [{"sqlite.max_batch_values": 10}])
async def test_more_values_than_max_batch_values_is_a_range_error(client: MemoryClient) -> None:
    database = await open_memory(client)
    await exec_sql(client, database, "CREATE TABLE t (a, b)")
    reply = await client.call(
        "sqlite.execMany", body=body(database, "INSERT INTO t VALUES (?, ?)", [[1, 2]] * 6, 2)
    )
    assert reply.error is not None
    assert (reply.error.error_type, reply.error.code) == (
        "RangeError",
        "ERR_SQLITE_TOO_MANY_VALUES",
    )
    assert await exec_many(client, database, "INSERT INTO t VALUES (?, ?)", [[1, 2]] * 5)


async def test_exec_many_runs_every_set_or_none(client: MemoryClient) -> None:
    database = await open_memory(client)
    await exec_sql(client, database, "CREATE TABLE t (a INTEGER PRIMARY KEY, b)")
    done = await exec_many(client, database, "INSERT INTO t VALUES (?, ?)", [[1, "x"], [2, "y"]])
    assert done == {"changes": 2, "lastInsertRowid": "2"}
    # The third set breaks the primary key: the first two of this call are undone with it.
    reply = await client.call(
        "sqlite.execMany",
        body=body(database, "INSERT INTO t VALUES (?, ?)", [[3, "a"], [4, "b"], [1, "c"]], 2),
    )
    assert reply.error is not None
    assert (reply.error.error_type, reply.error.code) == ("SQLiteError", "19")
    _, rows = await exec_binary(client, database, "SELECT a FROM t ORDER BY a")
    assert rows == [[1], [2]]
    # Inside the page's own transaction: a savepoint, the transaction stays the page's.
    await exec_sql(client, database, "BEGIN")
    await exec_many(client, database, "UPDATE t SET b = ? WHERE a = ?", [["z", 1], ["w", 2]])
    await exec_sql(client, database, "ROLLBACK")
    _, rows = await exec_binary(client, database, "SELECT b FROM t ORDER BY a")
    assert rows == [["x"], ["y"]]


async def test_exec_many_follows_oros_rules_for_sets_of_the_wrong_size(
    client: MemoryClient,
) -> None:
    database = await open_memory(client)
    await exec_sql(client, database, "CREATE TABLE t (a, b)")
    # Fewer than the statement takes: the rest are NULL.
    await exec_many(client, database, "INSERT INTO t VALUES (?, ?)", [[1], [2]])
    # More: a RangeError, and nothing ran.
    reply = await client.call(
        "sqlite.execMany", body=body(database, "INSERT INTO t VALUES (?, ?)", [[1, 2, 3]], 3)
    )
    assert reply.error is not None
    assert (reply.error.error_type, reply.error.code) == (
        "RangeError",
        "ERR_SQLITE_TOO_MANY_PARAMS",
    )
    # A statement that takes none ignores them.
    await exec_many(client, database, "INSERT INTO t VALUES (9, 9)", [[1, 2]])
    # Named parameters bind by position.
    await exec_many(client, database, "INSERT INTO t VALUES (:x, $y)", [[5, 6]])
    _, rows = await exec_binary(client, database, "SELECT a, b FROM t ORDER BY rowid")
    assert rows == [[1, None], [2, None], [9, 9], [5, 6]]
    for sql, code in (
        ("SELECT ?", "ERR_SQLITE_NOT_DML"),
        ("INSERT INTO t VALUES (1, 2); INSERT INTO t VALUES (3, 4)", "ERR_SQLITE_ONE_STATEMENT"),
    ):
        reply = await client.call("sqlite.execMany", body=body(database, sql, [[1]], 1))
        assert reply.error is not None
        assert reply.error.code == code, reply.error


@pytest.mark.in_process(reason="it reads the plugin's databases in the host's process (host.stash)")
async def test_a_quick_read_runs_inline_and_a_long_one_in_a_thread_with_the_same_answer(
    host: Host, client: MemoryClient
) -> None:
    databases = host.stash[STATE]
    database = await open_memory(client)
    await exec_sql(client, database, "CREATE TABLE t (a)")
    await exec_sql(client, database, "INSERT INTO t VALUES (1)")
    before = databases.inline
    for _ in range(3):
        _, rows = await exec_binary(client, database, "SELECT a FROM t WHERE a = ?", 1)
        assert rows == [[1]]
    # The first run learned that the text only reads; the next two ran on the loop.
    assert databases.inline - before == 2
    for _ in range(3):
        await exec_sql(client, database, "INSERT INTO t VALUES (2)")
    assert databases.inline - before == 2
    # A read far longer than the inline budget: stopped on the loop, run again in a thread,
    # and inside the page's transaction nothing of it is rolled back.
    count = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) "
        "SELECT count(*) FROM c"
    )
    await exec_sql(client, database, "BEGIN")
    await exec_sql(client, database, "INSERT INTO t VALUES (3)")
    for _ in range(3):
        _, rows = await exec_binary(client, database, count, 400_000)
        assert rows == [[400_000]]
    await exec_sql(client, database, "COMMIT")
    _, rows = await exec_binary(client, database, "SELECT count(*) FROM t WHERE a = 3")
    assert rows == [[1]]


async def test_a_locked_database_keeps_an_inline_read_off_the_loop(
    host: Host, client: MemoryClient
) -> None:
    path = host.paths.data / "locked.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    await call(client, "sqlite.open", id="file", path=str(path.name))
    await exec_sql(client, "file", "CREATE TABLE IF NOT EXISTS t (a); DELETE FROM t")
    await exec_sql(client, "file", "INSERT INTO t VALUES (7)")
    for _ in range(2):  # learned as a read, then run inline
        assert (await exec_binary(client, "file", "SELECT a FROM t"))[1] == [[7]]
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    answered: list[list[list[Any]]] = []

    async def read() -> None:
        answered.append((await exec_binary(client, "file", "SELECT a FROM t"))[1])

    memory = await open_memory(client, "other")
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(read)
        # The read waits for the lock in a thread: the loop answers another database meanwhile.
        assert (await exec_binary(client, memory, "SELECT 1"))[1] == [[1]]
        assert answered == []
        other.execute("ROLLBACK")
    other.close()
    assert answered == [[[7]]]
    await call(client, "sqlite.close", id="file")


@pytest.mark.in_process(reason="it reads the plugin's databases in the host's process (host.stash)")
async def test_what_a_database_keeps_of_its_sql_is_bounded_and_freed_on_close(
    host: Host, client: MemoryClient
) -> None:
    databases = host.stash[STATE]
    database = await open_memory(client)
    for index in range(STATEMENT_CACHE * 3):
        await exec_binary(client, database, f"SELECT {index}")
    assert databases.diagnostics()["cachedSql"] == STATEMENT_CACHE
    await call(client, "sqlite.close", id=database)
    assert databases.diagnostics()["cachedSql"] == 0
