"""oro:sqlite in a real headless Chromium against the real host: the example of Oro's
``api/sqlite.js``, every export ``api/sqlite.d.ts`` declares, values of every type through
``exec`` and prepared statements (BigInt, Buffer, Number), errors rehydrated as Oro's types, the
asynchronous forms, a file in the data directory, the sandbox's refusal, and a page's databases
closed when it goes away. Runs over the page's Conduit and over fetch (a host without
oro-conduit), as the synchronous calls go over XHR either way."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from typing import Any

import oro_conduit.plugin
import oro_sqlite.plugin
import pytest
from oro_sqlite.state import STATE, Handle
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app, until

CONFIG = {"sqlite.roots": ["data"]}
ORO_EXPORTS = sorted(
    [
        "Database",
        "OPEN_CREATE",
        "OPEN_DEFAULT",
        "OPEN_FULLMUTEX",
        "OPEN_MEMORY",
        "OPEN_NOMUTEX",
        "OPEN_PRIVATECACHE",
        "OPEN_READONLY",
        "OPEN_READWRITE",
        "OPEN_SHAREDCACHE",
        "OPEN_URI",
        "Statement",
        "default",
        "hasCRSQLite",
        "open",
    ]
)
"""The value exports of Oro's api/sqlite.d.ts (commit afba937)."""


@pytest.fixture(scope="module")
def conduit_app() -> Iterator[ServedApp]:
    with served_app([oro_conduit.plugin, oro_sqlite.plugin], config=CONFIG) as served:
        yield served


@pytest.fixture(scope="module")
def fetch_app() -> Iterator[ServedApp]:
    with served_app([oro_sqlite.plugin], config=CONFIG) as served:
        yield served


@pytest.fixture(params=["conduit", "fetch"])
def app(request: pytest.FixtureRequest, conduit_app: ServedApp, fetch_app: ServedApp) -> ServedApp:
    return conduit_app if request.param == "conduit" else fetch_app


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    with app_page(browser, app) as page:
        yield page


def run(page: Page, body: str) -> Any:
    """``body`` in the page with ``sqlite``, the module, in scope; its JSON-able result."""
    return page.evaluate(f"async () => {{ const sqlite = await import('oro:sqlite'); {body} }}")


def test_the_module_has_every_export_of_oros_declarations(page: Page) -> None:
    names = run(page, "return Object.keys(sqlite).sort()")
    assert names == ORO_EXPORTS
    flags = run(
        page,
        "return [sqlite.OPEN_READONLY, sqlite.OPEN_READWRITE, sqlite.OPEN_CREATE, "
        "sqlite.OPEN_URI, sqlite.OPEN_MEMORY, sqlite.OPEN_DEFAULT, sqlite.hasCRSQLite(), "
        "Object.isFrozen(sqlite.default), sqlite.default.open === sqlite.open]",
    )
    assert flags == [1, 2, 4, 0x40, 0x80, 0x10006, False, True, True]


def test_oros_example_runs(page: Page) -> None:
    rows = run(
        page,
        """
        const db = sqlite.open(':memory:')
        db.exec('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)')
        const inserted = db.exec('INSERT INTO notes (body) VALUES (?)', { params: ['hello'] })
        const { rows, columns, mode } = db.exec('SELECT * FROM notes')
        db.close()
        return { rows, columns, mode, changes: inserted.changes,
                 rowid: typeof inserted.lastInsertRowid, closed: db.closed }
        """,
    )
    assert rows == {
        "rows": [{"id": 1, "body": "hello"}],
        "columns": ["id", "body"],
        "mode": "object",
        "changes": 1,
        "rowid": "bigint",
        "closed": True,
    }


def test_values_of_every_type_round_trip(page: Page) -> None:
    result = run(
        page,
        """
        const { Buffer } = await import('oro:buffer')
        const db = sqlite.open(':memory:')
        const values = [null, 42, -1.25, 'héllo ✓', 2n ** 62n, 9007199254740993n,
                        new Uint8Array([0, 255, 7]), true, Number.MAX_SAFE_INTEGER]
        const { rows } = db.exec('SELECT ' + values.map((_, i) => `?${i + 1}`).join(', '),
                                 { params: values, mode: 'array' })
        const [row] = rows
        db.close()
        return row.map((v) => v === null ? ['null', null]
          : Buffer.isBuffer(v) ? ['buffer', [...v]]
          : [typeof v, typeof v === 'bigint' ? v.toString() : v])
        """,
    )
    assert result == [
        ["null", None],
        ["number", 42],
        ["number", -1.25],
        ["string", "héllo ✓"],
        ["bigint", str(2**62)],
        ["bigint", "9007199254740993"],
        ["buffer", [0, 255, 7]],
        ["number", 1],
        ["number", 2**53 - 1],
    ]


def test_a_prepared_statement_steps_runs_and_iterates(page: Page) -> None:
    result = run(
        page,
        """
        const db = sqlite.open(':memory:')
        db.exec('CREATE TABLE t (a INTEGER)')
        const insert = db.prepare('INSERT INTO t VALUES (?)')
        for (let i = 1; i <= 5; i++) insert.run([i])
        insert.finalize()
        const select = db.prepare('SELECT a FROM t WHERE a > ? ORDER BY a')
        const columns = select.columns
        const first = select.bind([1]).step({ limit: 2 })
        select.reset()
        const all = select.all([3])
        const paged = select.all([1], { batchSize: 2 })
        const kept = select.run([3], { reset: false }).rows
        const again = select.step().rows
        select.run([4])
        const cleared = select.step().rows
        const iterated = []
        const rows = select.iterate([0], { batchSize: 2, mode: 'array' })
        for await (const row of rows) iterated.push(row[0])
        select.finalize()
        let after
        try { select.step() } catch (e) { after = e.message }
        db.close()
        return { columns, first: [first.rows, first.done], all, paged, kept, again, cleared,
                 iterated, after, finalized: select.closed }
        """,
    )
    assert result == {
        "columns": ["a"],
        "first": [[{"a": 2}, {"a": 3}], False],
        "all": [{"a": 4}, {"a": 5}],
        "paged": [{"a": 2}, {"a": 3}, {"a": 4}, {"a": 5}],
        # run(params, { reset: false }) keeps the bindings for the next step; a run resets
        # after, so a step then binds nothing (NULL: no row matches).
        "kept": [{"a": 4}, {"a": 5}],
        "again": [{"a": 4}, {"a": 5}],
        "cleared": [],
        "iterated": [1, 2, 3, 4, 5],
        "after": "Statement has been finalized",
        "finalized": True,
    }


def test_errors_are_oros_types(page: Page) -> None:
    errors = run(
        page,
        """
        const db = sqlite.open(':memory:')
        const caught = (f) => { try { f() } catch (e) { return [e.name, e.code ?? null] } }
        const out = [
          caught(() => db.exec('SELEC 1')),
          caught(() => db.exec('SELECT ?', { params: [1, 2] })),
          caught(() => db.exec('')),
          caught(() => sqlite.open('../escape.db')),
          caught(() => db.exec('SELECT ?', { params: [NaN] })),
        ]
        db.close()
        out.push(caught(() => db.exec('SELECT 1')))
        return out
        """,
    )
    assert errors == [
        ["SQLiteError", "1"],
        ["RangeError", "ERR_SQLITE_TOO_MANY_PARAMS"],
        ["TypeError", None],
        ["SecurityError", "EPERM"],
        ["RangeError", None],
        ["Error", None],
    ]


def test_the_async_forms_do_not_block(page: Page) -> None:
    result = run(
        page,
        """
        const db = sqlite.open(':memory:')
        const both = await Promise.all([db.queryAsync('SELECT 1 AS a'),
                                        db.execAsync('SELECT ? AS b', { params: ['x'] })])
        let error
        try { await db.execAsync('SELECT nope') } catch (e) { error = [e.name, e.code] }
        db.close()
        return [both[0], both[1].rows, error]
        """,
    )
    assert result == [[{"a": 1}], [{"b": "x"}], ["SQLiteError", "1"]]


def test_a_database_file_lives_in_the_data_directory(page: Page, app: ServedApp) -> None:
    name = f"page-{os.getpid()}-{id(app)}.db"
    path = run(
        page,
        f"""
        const db = sqlite.open('{name}')
        db.exec('CREATE TABLE IF NOT EXISTS t (a); DELETE FROM t; INSERT INTO t VALUES (7)')
        db.close()
        return db.path
        """,
    )
    assert path == name
    host = app.host
    with sqlite3.connect(host.paths.data / name) as direct:
        assert direct.execute("SELECT a FROM t").fetchall() == [(7,)]
    direct.close()


@pytest.mark.in_process(reason="it reads the plugin's databases in the host's process (host.stash)")
def test_a_page_that_goes_away_has_its_databases_closed(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> None:
    databases = app.host.stash[STATE]

    async def handles(ids: list[str]) -> list[Handle]:
        return [handle for handle in databases.handles.values() if handle.database.id in ids]

    with app_page(browser, app) as page:
        ids = run(
            page,
            """
            const a = sqlite.open(':memory:'), b = sqlite.open(':memory:')
            a.prepare('SELECT 1')
            globalThis.kept = [a, b]
            return [a.id, b.id]
            """,
        )
        opened = app.call(handles, ids)
        assert len(opened) == 2
    # The page closed: its event channel ended, and the host closed what it held.
    until(lambda: all(handle.released.is_set() for handle in opened), "its databases closed")
    assert app.call(handles, ids) == []
