"""The allow-list every connection's authorizer applies (``oro_sqlite.policy``) and how each
connection is set up (``oro_sqlite.hardening``), on a real host: what issue 39's probe used is
refused with a typed error, what apps use keeps working."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from oro_sqlite import hardening
from oro_sqlite.errors import SQLiteError

from conftest import SQLITE_PLUGINS, call, exec_sql, open_memory
from oro_framework import SecurityError
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio


def integer(number: int) -> dict[str, str]:
    return {"type": "integer", "value": str(number)}


async def refused(client: MemoryClient, db: str, sql: str, *params: Any) -> SecurityError:
    """``sql`` refused by the authorizer, through ``exec`` and a prepared statement alike (a
    pragma's table-valued function asks when it runs, not when it compiles)."""
    reply = await client.call("sqlite.exec", id=db, sql=sql, params=list(params))
    assert isinstance(reply.error, SecurityError), (sql, reply.error)
    assert reply.error.code == "EPERM"
    prepared = await client.call("sqlite.prepare", id=db, sql=sql)
    if prepared.error is None:
        statement = prepared.data["id"]
        await call(client, "sqlite.statement.bind", id=statement, params=list(params))
        stepped = await client.call("sqlite.statement.step", id=statement)
        assert isinstance(stepped.error, SecurityError), (sql, stepped.error)
    else:
        assert isinstance(prepared.error, SecurityError), (sql, prepared.error)
    return reply.error


async def assert_alive(client: MemoryClient, db: str) -> None:
    assert (await exec_sql(client, db, "SELECT 1 AS a"))["rows"] == [{"a": integer(1)}]


async def test_fts3_tokenizer_is_refused_in_every_form(client: MemoryClient) -> None:
    """Critical finding (in process; ``test_sqlite_probes`` replays the crash in a host
    process of its own): ``fts3_tokenizer`` answered a raw pointer with one argument and
    installed the page's pointer with two. Refused as a literal, with a bound blob (which
    SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER alone lets through), through a view and a trigger
    (where SQLite refuses it first); the table that would call the pointer finds no such
    tokenizer."""
    db = await open_memory(client)
    error = await refused(client, db, "SELECT fts3_tokenizer('simple')")
    assert "fts3_tokenizer" in error.message
    await refused(client, db, "SELECT fts3_tokenizer('evil', x'4141414141414141')")
    await refused(
        client, db, "SELECT fts3_tokenizer('evil', ?)", {"encoding": "base64", "data": "QUFBQQ=="}
    )
    await refused(client, db, "select FTS3_TOKENIZER('simple')")
    # Through a view or a trigger SQLite refuses it first (it is SQLITE_DIRECTONLY).
    await exec_sql(client, db, "CREATE VIEW v AS SELECT fts3_tokenizer('simple') AS p")
    await exec_sql(
        client,
        db,
        "CREATE TABLE t (a); CREATE TRIGGER tr AFTER INSERT ON t "
        "BEGIN SELECT fts3_tokenizer('evil', x'4141414141414141'); END",
    )
    for sql in ("SELECT p FROM v", "INSERT INTO t VALUES (1)"):
        reply = await client.call("sqlite.exec", id=db, sql=sql)
        assert isinstance(reply.error, SecurityError | SQLiteError), sql
    table = await client.call(
        "sqlite.exec", id=db, sql="CREATE VIRTUAL TABLE f USING fts3(tokenize=evil)"
    )
    assert isinstance(table.error, SQLiteError)
    assert "tokenizer" in table.error.message
    await assert_alive(client, db)


@pytest.mark.parametrize(
    "sql",
    [
        "PRAGMA writable_schema = ON",
        "PRAGMA writable_schema",
        "PRAGMA trusted_schema = ON",
        "PRAGMA hard_heap_limit = 0",
        "PRAGMA soft_heap_limit = 0",
        "PRAGMA mmap_size = 1073741824",
        "PRAGMA temp_store_directory = '/tmp'",
        "PRAGMA data_store_directory = '/tmp'",
        "PRAGMA journal_mode = OFF",
        "PRAGMA main.journal_mode = 'off'",
        "PRAGMA schema_version = 1",
        "PRAGMA busy_timeout = 2147483647",
        "PRAGMA legacy_alter_table = ON",
        "PRAGMA vdbe_trace = ON",
        "PRAGMA no_such_pragma",
        "SELECT * FROM pragma_writable_schema",
        "SELECT * FROM pragma_hard_heap_limit",
    ],
)
async def test_pragmas_outside_the_allow_list_are_refused(client: MemoryClient, sql: str) -> None:
    """Low finding: ``PRAGMA writable_schema`` was allowed (hand edits of ``sqlite_schema``
    are the classic way to corrupt a database into memory bugs); process-wide pragmas
    (heap limits, temporary directories), ``mmap_size``, ``journal_mode = OFF``, writing
    ``schema_version`` and unknown pragmas are refused the same way."""
    db = await open_memory(client)
    await refused(client, db, sql)
    await assert_alive(client, db)


async def test_the_pragmas_apps_use_keep_working(client: MemoryClient) -> None:
    db = await call(client, "sqlite.open", id="f", path="pragmas.db")
    db = db["id"]
    await exec_sql(
        client, db, "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT); CREATE INDEX tb ON t (b)"
    )
    info = await exec_sql(client, db, "PRAGMA table_info(t)")
    assert [row["name"] for row in info["rows"]] == ["a", "b"]
    listed = await exec_sql(client, db, "SELECT name FROM pragma_index_list('t')")
    assert listed["rows"] == [{"name": "tb"}]
    await exec_sql(client, db, "PRAGMA user_version = 7; PRAGMA foreign_keys = ON")
    assert (await exec_sql(client, db, "PRAGMA user_version"))["rows"] == [
        {"user_version": integer(7)}
    ]
    assert (await exec_sql(client, db, "PRAGMA journal_mode = WAL"))["rows"] == [
        {"journal_mode": "wal"}
    ]
    assert (await exec_sql(client, db, "PRAGMA integrity_check"))["rows"] == [
        {"integrity_check": "ok"}
    ]
    # Read-only pragmas read: the schema is not trusted, the busy timeout is sqlite3's.
    assert (await exec_sql(client, db, "PRAGMA trusted_schema"))["rows"] == [
        {"trusted_schema": integer(0)}
    ]
    assert (await exec_sql(client, db, "PRAGMA busy_timeout"))["rows"] == [
        {"timeout": integer(5000)}
    ]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT load_extension('/lib/x')",
        "SELECT fts5(NULL)",
        "SELECT sqlite_compileoption_get(0)",
        "SELECT sqlite_log(1, 'x')",
        "SELECT rtreenode(2, x'00')",
        "SELECT subtype(1)",
    ],
)
async def test_functions_outside_the_allow_list_are_refused(client: MemoryClient, sql: str) -> None:
    """Only the documented core, date, math, JSON, window and full-text functions: those that
    hand out pointers, load code or exist for SQLite's own debugging are refused."""
    db = await open_memory(client)
    error = await refused(client, db, sql)
    assert "is not allowed" in error.message
    await assert_alive(client, db)


async def test_only_full_text_and_rtree_virtual_tables_may_be_created(client: MemoryClient) -> None:
    db = await open_memory(client)
    for module in ("dbstat", "json_each", "sqlite_stmt", "no_such_module"):
        await refused(client, db, f"CREATE VIRTUAL TABLE v USING {module}")
    await exec_sql(client, db, "CREATE VIRTUAL TABLE v USING fts5(body)")


async def test_what_apps_use_keeps_working(client: MemoryClient) -> None:
    """The SQL of ordinary apps passes the allow-list: core, JSON, math, date and window
    functions, FTS3/4/5 and R*Tree tables with their auxiliary functions, ALTER TABLE (which
    runs SQLite's own helper functions), VACUUM, ANALYZE, savepoints and recursive CTEs."""
    db = await open_memory(client)
    await exec_sql(
        client,
        db,
        """
        CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, meta TEXT);
        INSERT INTO notes (body, meta) VALUES ('hello world', '{"tag": "a"}'),
                                              ('good bye', '{"tag": "b"}');
        CREATE VIRTUAL TABLE f5 USING fts5(body);
        INSERT INTO f5 (rowid, body) SELECT id, body FROM notes;
        CREATE VIRTUAL TABLE f4 USING fts4(body, tokenize=porter);
        INSERT INTO f4 (docid, body) SELECT id, body FROM notes;
        CREATE VIRTUAL TABLE boxes USING rtree(id, x0, x1);
        INSERT INTO boxes VALUES (1, 0, 10);
        ALTER TABLE notes ADD COLUMN extra;
        ALTER TABLE notes RENAME COLUMN extra TO spare;
        ALTER TABLE notes DROP COLUMN spare;
        ALTER TABLE notes RENAME TO memos;
        SAVEPOINT s; UPDATE memos SET body = upper(body) WHERE id = 2; RELEASE s;
        ANALYZE; VACUUM;
        """,
    )
    answer = await exec_sql(
        client,
        db,
        """
        SELECT id, meta ->> '$.tag' AS tag, json_extract(meta, '$.tag') AS same,
               round(sqrt(16) + pi(), 2) AS math, date('2024-01-31', '+1 day') AS day,
               printf('%05d', id) AS padded, row_number() OVER (ORDER BY id DESC) AS n,
               (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3)
                SELECT sum(x) FROM c) AS total
        FROM memos WHERE id = 1
        """,
    )
    assert answer["rows"] == [
        {
            "id": integer(1),
            "tag": "a",
            "same": "a",
            "math": 7.14,
            "day": "2024-02-01",
            "padded": "00001",
            "n": integer(1),
            "total": integer(6),
        }
    ]
    searched = await exec_sql(
        client,
        db,
        "SELECT highlight(f5, 0, '[', ']') AS marked, bm25(f5) < 0 AS ranked "
        "FROM f5 WHERE f5 MATCH 'hello'",
    )
    assert searched["rows"] == [{"marked": "[hello] world", "ranked": integer(1)}]
    snippet = await exec_sql(
        client,
        db,
        "SELECT snippet(f4) AS s, length(offsets(f4)) > 0 AS o FROM f4 WHERE f4 MATCH 'hello'",
    )
    assert snippet["rows"] == [{"s": "<b>hello</b> world", "o": integer(1)}]
    boxes = await exec_sql(client, db, "SELECT id FROM boxes WHERE x0 <= 5 AND x1 >= 5")
    assert boxes["rows"] == [{"id": integer(1)}]
    upper = await exec_sql(client, db, "SELECT body FROM memos WHERE id = 2")
    assert upper["rows"] == [{"body": "GOOD BYE"}]


async def test_schema_sql_uses_only_innocuous_functions_unless_the_app_trusts_it(
    tmp_path: Path,
) -> None:
    """``trusted_schema`` is off: a trigger writing to an FTS table (not innocuous in SQLite
    3.40) fails with SQLite's own error; ``[sqlite] trusted_schema = true`` lets an app that
    needs it have it, and the page cannot turn it on itself."""
    script = (
        "CREATE TABLE t (id INTEGER PRIMARY KEY, body); CREATE VIRTUAL TABLE f USING fts5(body);"
        "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN "
        "INSERT INTO f (rowid, body) VALUES (new.id, new.body); END"
    )
    for trusted in (False, True):
        config = {"sqlite.trusted_schema": trusted}
        async with make_host(
            SQLITE_PLUGINS, config=config, data_dir=tmp_path / str(trusted)
        ) as host:
            client = MemoryClient(host)
            db = await open_memory(client)
            await exec_sql(client, db, script)
            insert = await client.call(
                "sqlite.exec", id=db, sql="INSERT INTO t (body) VALUES ('x')"
            )
            if trusted:
                assert insert.error is None
                assert (await exec_sql(client, db, "SELECT count(*) AS n FROM f"))["rows"] == [
                    {"n": integer(1)}
                ]
            else:
                assert isinstance(insert.error, SQLiteError)
                assert "unsafe use" in insert.error.message
                await refused(client, db, "PRAGMA trusted_schema = ON")


@pytest.mark.skipif(
    sys.version_info < (3, 12) and hardening._library() is None,
    reason="sqlite3_db_config is out of reach on this Python (documented fallback)",
)
async def test_connections_are_defensive(client: MemoryClient) -> None:
    """SQLITE_DBCONFIG_DEFENSIVE is on (through ``setconfig``, or ctypes on CPython 3.11):
    ordinary SQL cannot write an FTS table's shadow tables, the way crafted full-text data
    reached SQLite's memory bugs (Magellan), nor edit the schema."""
    db = await open_memory(client)
    await exec_sql(client, db, "CREATE VIRTUAL TABLE f USING fts5(body)")
    reply = await client.call(
        "sqlite.exec", id=db, sql="INSERT INTO f_data (id, block) VALUES (99, x'0000')"
    )
    assert isinstance(reply.error, SQLiteError)
    assert "may not be modified" in reply.error.message
    await assert_alive(client, db)


def test_the_allow_list_names_only_what_sqlite_has_or_newer_sqlites_add() -> None:
    """Each function this SQLite has is allowed or refused on purpose: nothing it offers is
    missing from the review (a new one is refused until listed)."""
    from oro_sqlite.policy import FUNCTIONS

    with sqlite3.connect(":memory:") as connection:
        offered = {row[0] for row in connection.execute("SELECT name FROM pragma_function_list")}
    connection.close()
    refused_on_purpose = {
        "fts3_tokenizer", "load_extension", "fts5", "sqlite_log", "sqlite_compileoption_get",
        "sqlite_compileoption_used", "subtype", "rtreenode", "rtreedepth", "rtreecheck",
    }  # fmt: skip
    assert offered - FUNCTIONS <= refused_on_purpose
    assert not refused_on_purpose & FUNCTIONS
