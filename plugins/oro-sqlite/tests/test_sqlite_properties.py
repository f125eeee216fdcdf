"""Invariants that hurt when broken, checked with hypothesis on one real host (driven from the
test's thread through a blocking portal): every value a page binds comes back as Oro's encoding
says (``api/sqlite.js`` of the Oro Runtime: tagged integers, base64 blobs) or is refused with a
typed error; parameters bind by position with Oro's fewer-is-NULL, more-is-RangeError rule;
every database a page opened is closed once the page goes away; and no path a page names writes
a file outside the sandbox."""

from __future__ import annotations

import base64
import functools
import json
import math
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from oro_sqlite.errors import SQLiteError
from oro_sqlite.results import ExecResult
from oro_sqlite.sql import statements
from oro_sqlite.state import STATE

from conftest import SQLITE_PLUGINS
from oro_framework import IPCError
from oro_framework.testing import MemoryClient, make_host

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
SAFE = st.integers(min_value=-(2**53), max_value=2**53)
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
TEXT = st.text(max_size=40)
BYTES = st.binary(max_size=40)
PAGE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    SAFE,
    FLOATS,
    TEXT,
    INT64.map(lambda n: {"type": "integer", "value": str(n)}),
    BYTES.map(lambda b: {"encoding": "base64", "data": base64.b64encode(b).decode()}),
    st.sampled_from(["Infinity", "-Infinity"]).map(lambda v: {"type": "float", "value": v}),
)
"""What ``oro:sqlite``'s ``encodeValue`` sends: JSON values, BigInts and bytes tagged."""
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

Call = Callable[..., Any]


def _integer(number: int) -> dict[str, str]:
    return {"type": "integer", "value": str(number)}


def expected(value: Any) -> Any:
    """What a bound page value reads back as, per Oro's encoding."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return _integer(int(value))
    if isinstance(value, int):
        return _integer(value)
    if isinstance(value, float):
        if value.is_integer() and -(2**63) <= value < 2**63:
            return _integer(int(value))
        return value
    if value.get("type") == "integer":
        return _integer(int(value["value"]))
    return value


def _surrogate(value: Any) -> bool:
    return isinstance(value, str) and any(0xD800 <= ord(char) <= 0xDFFF for char in value)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Call, Any]]:
    """A call function for window 0's page of one running host, and the host."""
    data = tmp_path_factory.mktemp("props") / "data"
    with (
        start_blocking_portal(backend="trio") as portal,
        portal.wrap_async_context_manager(
            make_host(SQLITE_PLUGINS, config={"sqlite.roots": ["data"]}, data_dir=data)
        ) as host,
    ):

        def call(route: str, window: int = 0, **params: Any) -> Any:
            client = MemoryClient(host, window=window)
            return portal.call(functools.partial(client.call, route, **params))

        call.portal = portal  # type: ignore[attr-defined]
        yield call, host


def data_of(reply: Any) -> Any:
    assert reply.error is None, reply.error
    return reply.data


@SETTINGS
@given(value=PAGE_VALUES)
def test_every_value_round_trips_or_is_a_typed_error(page: tuple[Call, Any], value: Any) -> None:
    call, _ = page
    data_of(call("sqlite.open", id="rt", path=":memory:"))
    try:
        reply = call("sqlite.exec", id="rt", sql="SELECT ?1 AS v, typeof(?1) AS t", params=[value])
        if _surrogate(value):
            assert reply.error is not None
            assert (reply.error.to_dict()["type"], reply.error.code) == (
                "TypeError",
                "ERR_INVALID_ARG_VALUE",
            )
            return
        row = data_of(reply)["rows"][0]
        assert row["v"] == expected(value)
        if isinstance(value, float) and not value.is_integer():
            assert row["t"] == "real"
        # What came back binds again to the same value (a page re-sending a row it read).
        again = data_of(call("sqlite.exec", id="rt", sql="SELECT ? AS v", params=[row["v"]]))
        assert again["rows"][0]["v"] == row["v"]
    finally:
        data_of(call("sqlite.close", id="rt"))


@SETTINGS
@given(
    values=st.lists(PAGE_VALUES.filter(lambda v: not _surrogate(v)), max_size=6),
    placeholders=st.integers(min_value=0, max_value=6),
)
def test_params_bind_by_position(
    page: tuple[Call, Any], values: list[Any], placeholders: int
) -> None:
    call, _ = page
    data_of(call("sqlite.open", id="bind", path=":memory:"))
    try:
        columns = ", ".join(f"?{index} AS c{index}" for index in range(1, placeholders + 1))
        sql = f"SELECT {columns or '0 AS none'}"
        reply = call("sqlite.exec", id="bind", sql=sql, params=values)
        if 0 < placeholders < len(values):
            assert reply.error is not None
            assert reply.error.code == "ERR_SQLITE_TOO_MANY_PARAMS"
            return
        row = data_of(reply)["rows"][0]
        if placeholders == 0:
            assert row == {"none": _integer(0)}
            return
        padded = values + [None] * (placeholders - len(values))
        assert [row[f"c{index}"] for index in range(1, placeholders + 1)] == [
            expected(value) for value in padded
        ]
    finally:
        data_of(call("sqlite.close", id="bind"))


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["open", "prepare", "step", "finalize", "close", "exec"]),
        st.integers(min_value=0, max_value=3),
        st.integers(min_value=0, max_value=2),
    ),
    max_size=25,
)


@pytest.mark.in_process(reason="it reads the plugin's databases in the host's process (host.stash)")
@SETTINGS
@given(operations=OPERATIONS)
def test_every_database_a_page_opened_is_closed_once_it_goes_away(
    page: tuple[Call, Any], operations: list[tuple[str, int, int]]
) -> None:
    call, host = page
    databases = host.stash[STATE]
    opened_before = databases.opened
    statements_made: list[str] = []
    for operation, number, window in operations:
        database = f"d{number}"
        if operation == "open":
            reply = call("sqlite.open", window, id=database, path=":memory:")
        elif operation == "prepare":
            reply = call("sqlite.prepare", window, id=database, sql="SELECT 1 UNION SELECT 2")
            if reply.error is None:
                statements_made.append(reply.data["id"])
        elif operation in ("step", "finalize") and statements_made:
            statement = statements_made[number % len(statements_made)]
            route = f"sqlite.statement.{operation}"
            reply = call(route, window, id=statement, limit=1)
        elif operation == "close":
            reply = call("sqlite.close", window, id=database)
        else:
            reply = call("sqlite.exec", window, id=database, sql="SELECT 1")
        # Whatever the order, an answer or a typed error, never an internal one.
        assert reply.error is None or reply.error.status < 500, reply.error
    handles = list(databases.handles.values())
    for window in (0, 1, 2):
        # On the loop's thread, where the host calls the hook.
        call.portal.call(host.hooks.page_closed, host, window)  # type: ignore[attr-defined]

    async def released() -> None:
        for handle in handles:
            await handle.released.wait()

    call.portal.call(released)  # type: ignore[attr-defined]
    assert databases.handles == {}
    assert databases.statements == {}
    assert databases.opened >= opened_before
    assert databases.closed == databases.opened
    for handle in handles:
        with pytest.raises(Exception, match="closed database"):
            handle.database.connection.execute("SELECT 1")


SEGMENTS = st.sampled_from(["..", ".", "a", "b.db", "link", "deep", "%2e%2e", "x y.db", ""])
PREFIXES = st.sampled_from(["", "data:", "temp:", "resources:", "file:", "ABS/", "file:ABS/"])


@settings(max_examples=300, deadline=None)
@given(
    prefix=PREFIXES,
    segments=st.lists(SEGMENTS, min_size=1, max_size=5),
    suffix=st.sampled_from(["", "?mode=rwc", "?mode=ro", "?vfs=unix-none", "?cache=shared"]),
)
def test_no_path_writes_outside_the_sandbox(
    sandbox_page: tuple[Call, Path, Path], prefix: str, segments: list[str], suffix: str
) -> None:
    call, data, outside = sandbox_page
    absolute = prefix.replace("ABS", str(outside)).rstrip("/")
    path = absolute + ("/" if prefix.endswith("/") else "") + "/".join(segments)
    if prefix.startswith("file:"):
        path += suffix
    reply = call("sqlite.open", id="p", path=path)
    if reply.error is None:
        real = reply.data["path"]
        assert real == ":memory:" or real.startswith(str(data) + os.sep), real
        data_of(call("sqlite.exec", id="p", sql="CREATE TABLE IF NOT EXISTS t (a)"))
        data_of(call("sqlite.close", id="p"))
    else:
        error = reply.error
        assert isinstance(error, IPCError)
        assert error.status < 500, error
        assert error.to_dict()["type"] in {
            "SecurityError",
            "NotFoundError",
            "TypeError",
            "SQLiteError",
        }, error
        if isinstance(error, SQLiteError):
            # SQLITE_CANTOPEN (no parent directory), SQLITE_IOERR (a directory read-only).
            assert error.code in {"14", "10"}, error
    written = [p for p in outside.rglob("*") if p.is_file()]
    assert written == [], written


@pytest.fixture(scope="module")
def sandbox_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Call, Path, Path]]:
    """A host whose data directory has a symlink ``link`` to a directory outside it."""
    base = tmp_path_factory.mktemp("sandbox")
    data = base / "data"
    outside = base / "outside"
    (data / "deep").mkdir(parents=True)
    outside.mkdir()
    (data / "link").symlink_to(outside, target_is_directory=True)
    cwd_before = sorted(os.listdir("."))
    with (
        start_blocking_portal(backend="trio") as portal,
        portal.wrap_async_context_manager(
            make_host(SQLITE_PLUGINS, config={"sqlite.roots": ["data"]}, data_dir=data)
        ) as host,
    ):
        client = MemoryClient(host)

        def call(route: str, **params: Any) -> Any:
            return portal.call(functools.partial(client.call, route, **params))

        yield call, Path(os.path.realpath(data)), outside
    assert sorted(os.listdir(".")) == cwd_before


@pytest.mark.parametrize(
    ("sql", "pieces"),
    [
        ("SELECT 1; SELECT 2", ["SELECT 1;", " SELECT 2"]),
        ("SELECT ';'; -- x;\n SELECT \"a;\" ; /* ; */", ["SELECT ';';", ' -- x;\n SELECT "a;" ;']),
        (
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = 1; SELECT 2; END; SELECT 3",
            [
                "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = 1; SELECT 2; END;",
                " SELECT 3",
            ],
        ),
        ("  -- only a comment ;\n", []),
        ("SELECT [a;b], `c;d` FROM t;;", ["SELECT [a;b], `c;d` FROM t;"]),
        ("SELECT 'it''s;'", ["SELECT 'it''s;'"]),
    ],
)
def test_statements_split_where_sqlite_does(sql: str, pieces: list[str]) -> None:
    import sqlite3

    assert statements(sql) == pieces
    for piece in pieces[:-1]:
        assert sqlite3.complete_statement(piece)


def test_infinity_is_sent_as_a_tagged_float(page: tuple[Call, Any]) -> None:
    call, _ = page
    data_of(call("sqlite.open", id="inf", path=":memory:"))
    rows = data_of(call("sqlite.exec", id="inf", sql="SELECT 1e999 AS a, -1e999 AS b"))["rows"]
    assert rows == [
        {"a": {"type": "float", "value": "Infinity"}, "b": {"type": "float", "value": "-Infinity"}}
    ]
    assert math.isinf(float(rows[0]["a"]["value"]))
    data_of(call("sqlite.close", id="inf"))


FRAGMENTS = st.sampled_from(
    [
        "SELECT 1",
        " ",
        "\n",
        ";",
        "'a;b'",
        "'it''s;'",
        '"x;y"',
        "`q;`",
        "[a;b]",
        "-- c;\n",
        "/* ; */",
        "/* open",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN",
        "CREATE TEMP TRIGGER tr BEGIN",
        "END",
        "BEGIN",
        "EXPLAIN",
        "UPDATE t SET a = 1",
        "CASE WHEN 1 THEN 2 END",
        "'",
        "$",
        "é",
    ]
)


def reference_statements(sql: str) -> list[str]:
    """Statements cut where ``sqlite3.complete_statement`` (SQLite's ``sqlite3_complete``)
    first says the text so far is complete."""
    import sqlite3

    pieces = []
    start = 0
    for index, char in enumerate(sql):
        if char == ";" and sqlite3.complete_statement(sql[start : index + 1]):
            pieces.append(sql[start : index + 1])
            start = index + 1
    pieces.append(sql[start:])
    return pieces


@settings(max_examples=500, deadline=None)
@given(fragments=st.lists(FRAGMENTS, max_size=12))
# Found by this test: one statement, then blanks after its `;`; a `;` only in a comment;
# EXPLAIN followed by a string before CREATE TRIGGER, which SQLite still reads as a trigger; and
# a digit run into CREATE (`1CREATE`), which SQLite reads as one name, no trigger.
@example(fragments=["SELECT 1", ";", " "])
@example(
    fragments=[
        "EXPLAIN",
        " ",
        "SELECT 1",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN",
        ";",
        "SELECT 1",
    ]
)
@example(fragments=["SELECT 1", "-- c;\n"])
@example(
    fragments=["EXPLAIN", "'a;b'", "CREATE TRIGGER tr AFTER INSERT ON t BEGIN", ";", "SELECT 1"]
)
def test_statements_cut_where_sqlite3_complete_does(fragments: list[str]) -> None:
    sql = "".join(fragments)
    ours = statements(sql)
    # Every statement we cut (but a last one without its `;`) is one SQLite calls complete,
    # and the statements are the reference's, less those that hold nothing but blanks.
    reference = reference_statements(sql)
    assert ours == [piece for piece in reference if piece in ours]
    for piece in reference:
        if piece not in ours:
            assert statements(piece) == [], piece


@given(
    columns=st.lists(st.text(max_size=30), max_size=6),
    kinds=st.data(),
    changes=st.integers(min_value=0, max_value=2**63 - 1),
    rowid=INT64,
)
def test_an_answers_header_as_json_is_its_header(
    columns: list[str], kinds: st.DataObject, changes: int, rowid: int
) -> None:
    # header_json writes the header by hand (its columns' part cached) for execBinary's answer;
    # header() is the one description: the two must read the same.
    types = kinds.draw(
        st.lists(
            st.sampled_from(["null", "integer", "float", "text", "blob"]),
            min_size=len(columns),
            max_size=len(columns),
        )
    )
    result = ExecResult([], columns, types, changes, rowid)

    assert json.loads(result.header_json()) == result.header()
    assert json.loads(result.header_json()) == result.header()  # cached the second time
