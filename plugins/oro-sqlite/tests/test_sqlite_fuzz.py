"""SQL from a small grammar (keywords, every allowed function and the dangerous ones, pragmas
on and off the allow-list, virtual-table modules, literals that are pointers, paths and huge
sizes) through ``sqlite.exec`` on one real host: the host never crashes, every answer is rows
or a typed error (never ``InternalError``), and a statement that calls a function outside the
allow-list never succeeds. Issue 39 item 7: the fuzz of the authorizer."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from oro_sqlite.policy import (
    FUNCTIONS,
    MODULES,
    PRAGMAS_INTROSPECTION,
    PRAGMAS_READ_ONLY,
    PRAGMAS_SETTINGS,
)

from conftest import SQLITE_PLUGINS
from oro_framework import InternalError, IPCError
from oro_framework.testing import MemoryClient, make_host

DANGEROUS = (
    "fts3_tokenizer",
    "load_extension",
    "fts5",
    "sqlite_log",
    "rtreenode",
    "rtreedepth",
    "rtreecheck",
    "sqlite_compileoption_get",
    "subtype",
)
CALLABLE = tuple(sorted(name for name in FUNCTIONS if name.isidentifier())) + DANGEROUS
PRAGMAS = (
    *sorted(PRAGMAS_INTROSPECTION | PRAGMAS_SETTINGS | PRAGMAS_READ_ONLY),
    "writable_schema",
    "trusted_schema",
    "hard_heap_limit",
    "soft_heap_limit",
    "mmap_size",
    "temp_store_directory",
    "data_store_directory",
    "legacy_alter_table",
    "journal_mode",
    "schema_version",
    "vdbe_trace",
    "parser_trace",
)
VTAB_MODULES = (*sorted(MODULES), "dbstat", "json_each", "sqlite_stmt", "fts3tokenize", "nosuch")
KEYWORDS = (
    "SELECT", "FROM", "WHERE", "CREATE", "TABLE", "VIRTUAL", "USING", "INSERT", "INTO",
    "VALUES", "PRAGMA", "ATTACH", "DETACH", "AS", "DROP", "VIEW", "TRIGGER", "BEGIN", "END",
    "ALTER", "RENAME", "VACUUM", "WITH", "EXPLAIN", "UPDATE", "SET", "DELETE", "ON", "(", ")",
    ",", ";", "=", "*", "NULL", "t", "v", "x",
)  # fmt: skip
LITERALS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.sampled_from(["0", "1", "-1", "999000000", "2147483647", "16777217", "1e308"]),
    st.sampled_from(
        [
            "'simple'",
            "'evil'",
            "'porter'",
            "':memory:'",
            "'/tmp/fuzz.db'",
            "'fuzz.db'",
            "'file:/etc/passwd'",
            "'$.a'",
            "'%.*c'",
            "'[1,2]'",
            "NULL",
            "?",
        ]
    ),
    st.binary(max_size=16).map(lambda data: f"x'{data.hex()}'"),
    st.just("x'4141414141414141'"),
)


@dataclass(frozen=True)
class Piece:
    """SQL text and the functions it calls."""

    sql: str
    calls: frozenset[str] = frozenset()


def _call(name: str, arguments: list[Piece]) -> Piece:
    text = ", ".join(argument.sql for argument in arguments)
    calls = frozenset({name}).union(*(argument.calls for argument in arguments))
    return Piece(f"{name}({text})", calls)


EXPRESSIONS = st.recursive(
    LITERALS.map(Piece),
    lambda inner: st.one_of(
        st.builds(_call, st.sampled_from(CALLABLE), st.lists(inner, max_size=3)),
        st.builds(
            lambda left, operator, right: Piece(
                f"({left.sql} {operator} {right.sql})", left.calls | right.calls
            ),
            inner,
            st.sampled_from(["+", "||", "=", "AND", "->>", "MATCH"]),
            inner,
        ),
    ),
    max_leaves=6,
)


@st.composite
def statement(draw: st.DrawFn) -> tuple[str, frozenset[str]]:
    """One statement, and the functions it calls when it runs (a stored view, trigger or
    default calls nothing until used)."""
    kind = draw(st.integers(min_value=0, max_value=8))
    expression = draw(EXPRESSIONS)
    if kind == 0:
        more = draw(st.lists(EXPRESSIONS, max_size=2))
        pieces = [expression, *more]
        return "SELECT " + ", ".join(piece.sql for piece in pieces), frozenset().union(
            *(piece.calls for piece in pieces)
        )
    if kind == 1:
        name = draw(st.sampled_from(PRAGMAS))
        form = draw(st.sampled_from(["", " = {}", "({})", "SELECT * FROM pragma_{}"]))
        literal = draw(LITERALS)
        if form.startswith("SELECT"):
            return form.format(name), frozenset()
        return f"PRAGMA {name}" + form.format(literal), frozenset()
    if kind == 2:
        module = draw(st.sampled_from(VTAB_MODULES))
        argument = draw(st.sampled_from(["body", "tokenize=evil", "tokenize=simple", "a, b, c"]))
        return f"CREATE VIRTUAL TABLE IF NOT EXISTS v{kind} USING {module}({argument})", frozenset()
    if kind == 3:
        return f"CREATE VIEW IF NOT EXISTS w AS SELECT {expression.sql} AS e", frozenset()
    if kind == 4:
        return "SELECT e FROM w", frozenset()  # whatever the view calls, checked when used
    if kind == 5:
        return (
            f"CREATE TABLE IF NOT EXISTS t (a DEFAULT ({expression.sql}), b); "
            f"INSERT INTO t (b) VALUES ({draw(EXPRESSIONS).sql})",
            frozenset(),
        )
    if kind == 6:
        return f"ATTACH {draw(LITERALS)} AS a{draw(st.integers(0, 3))}", frozenset()
    if kind == 7:
        return f"SELECT * FROM (SELECT {expression.sql} AS e) WHERE e IS NOT NULL", (
            expression.calls
        )
    soup = draw(st.lists(st.one_of(st.sampled_from(KEYWORDS), LITERALS), max_size=12))
    return " ".join(soup), frozenset()


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A call function for window 0's page of one host (no roots: memory databases only)."""
    data = tmp_path_factory.mktemp("fuzz") / "data"
    with (
        start_blocking_portal(backend="trio") as portal,
        portal.wrap_async_context_manager(
            make_host(SQLITE_PLUGINS, config={"ipc.timeout_ms": 5000}, data_dir=data)
        ) as host,
    ):
        client = MemoryClient(host)

        def call(route: str, **params: Any) -> Any:
            return portal.call(functools.partial(client.call, route, **params))

        assert call("sqlite.open", id="fuzz", path=":memory:").error is None
        yield call
        assert host.memory.used == 0


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(statements=st.lists(statement(), min_size=1, max_size=3))
@example(statements=[("SELECT fts3_tokenizer('evil', ?)", frozenset({"fts3_tokenizer"}))])
@example(statements=[("SELECT fts3_tokenizer('simple')", frozenset({"fts3_tokenizer"}))])
@example(statements=[("CREATE VIRTUAL TABLE v USING fts3(tokenize=evil)", frozenset())])
@example(statements=[("PRAGMA writable_schema = 1", frozenset())])
@example(statements=[("SELECT json_remove(0, x'80')", frozenset({"json_remove"}))])
def test_no_sql_crashes_the_host_or_escapes_the_allow_list(
    page: Any, statements: list[tuple[str, frozenset[str]]]
) -> None:
    sql = "; ".join(text for text, _ in statements)
    params = [{"encoding": "base64", "data": "QUFBQUFBQUE="}]
    reply = page("sqlite.exec", id="fuzz", sql=sql, params=params)
    event("answered" if reply.error is None else type(reply.error).__name__)
    if reply.error is not None:
        assert isinstance(reply.error, IPCError)
        assert not isinstance(reply.error, InternalError), reply.error
        assert reply.error.status < 500 or reply.error.status == 507, reply.error
    else:
        called = frozenset().union(*(calls for _, calls in statements))
        assert not called & set(DANGEROUS), sql
    alive = page("sqlite.exec", id="fuzz", sql="SELECT 1 AS a")
    assert alive.error is None
