"""oro:sqlite's binary path from real pages, on Chromium and WebKit, over the Conduit and over
fetch (issue 55): any row of mixed types (integers of 64 bits, floats, text with any character,
blobs, NULL) written with ``execMany`` and read back with ``exec``/``execAsync`` is the row the
page wrote; a blob travels as its own bytes; ``execMany`` of many sets crosses the host's row
groups and the page's request batches and still runs all or none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import oro_conduit.plugin
import oro_sqlite.plugin
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, WebKitBrowser, WebKitPage, app_page, served_app

CONFIG = {"sqlite.roots": ["data"]}

# Described for the page: JSON carries no BigInt, no bytes and no -0.
cells = st.one_of(
    st.none().map(lambda _: {"t": "null"}),
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(lambda v: {"t": "int", "v": str(v)}),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda v: {"t": "float", "v": v}),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20).map(
        lambda v: {"t": "text", "v": v}
    ),
    st.binary(max_size=32).map(lambda v: {"t": "blob", "v": list(v)}),
)

ROUND_TRIP = """async (rows) => {
  const sqlite = await import('oro:sqlite')
  const { Buffer } = await import('oro:buffer')
  const value = (cell) => cell.t === 'null' ? null
    : cell.t === 'int' ? BigInt(cell.v)
    : cell.t === 'blob' ? new Uint8Array(cell.v)
    : cell.v
  const describe = (v) => v === null ? { t: 'null' }
    : typeof v === 'bigint' || typeof v === 'number' ? { t: 'num', v: String(v) }
    : typeof v === 'string' ? { t: 'text', v }
    : { t: 'blob', v: [...v], buffer: Buffer.isBuffer(v) }
  const width = rows[0].length
  const columns = Array.from({ length: width }, (_, i) => 'c' + i).join(', ')
  const db = sqlite.open(':memory:')
  try {
    db.exec(`CREATE TABLE t (n INTEGER PRIMARY KEY, ${columns})`)
    const marks = Array(width + 1).fill('?').join(', ')
    const sets = rows.map((row, n) => [n, ...row.map(value)])
    const many = await db.execManyAsync(`INSERT INTO t VALUES (${marks})`, sets)
    const sql = `SELECT ${columns} FROM t ORDER BY n`
    const sync = db.exec(sql, { mode: 'array' }).rows
    const later = (await db.execAsync(sql)).rows.map((row) => Object.values(row))
    const echoed = rows.map((row) => db.exec(`SELECT ${row.map(() => '?').join(', ')}`,
                                             { params: row.map(value), mode: 'array' }).rows[0])
    return { changes: many.changes,
             read: [sync, later, echoed].map((set) => set.map((row) => row.map(describe))) }
  } finally {
    db.close()
  }
}"""


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
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page | WebKitPage]:
    with app_page(browser, app) as page:
        yield page


def read_equal(read: dict[str, Any], cell: dict[str, Any]) -> bool:
    """Whether the page read ``cell`` back: a number as its decimal text (exact for an integer,
    a Number or a BigInt), a blob as a Buffer."""
    if cell["t"] == "int":
        return bool(read == {"t": "num", "v": cell["v"]})
    if cell["t"] == "float":
        return bool(read["t"] == "num" and float(read["v"]) == cell["v"])
    if cell["t"] == "blob":
        return bool(read == {**cell, "buffer": True})
    return bool(read == cell)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.integers(1, 4).flatmap(
        lambda w: st.lists(st.lists(cells, min_size=w, max_size=w), min_size=1, max_size=5)
    )
)
def test_any_row_of_mixed_types_round_trips_through_the_pages_binary_path(
    page: Page | WebKitPage, rows: list[list[dict[str, Any]]]
) -> None:
    result = page.evaluate(ROUND_TRIP, rows)
    assert result["changes"] == len(rows)
    for read in result["read"]:
        assert len(read) == len(rows)
        for got, row in zip(read, rows, strict=True):
            assert all(read_equal(a, b) for a, b in zip(got, row, strict=True)), (got, row)


def test_exec_many_of_many_sets_runs_all_or_none(page: Page | WebKitPage) -> None:
    result = page.evaluate(
        """async () => {
          const sqlite = await import('oro:sqlite')
          const db = sqlite.open(':memory:')
          try {
            db.exec('CREATE TABLE t (a INTEGER PRIMARY KEY, b)')
            const text = 'y'.repeat(100)
            // 150,000 sets of 100-character text: past a row group of the host's (65,536 values)
            // and past one request's 8 MiB, so the page sends several requests.
            const sets = Array.from({ length: 150000 },
                                    (_, i) => [i, i % 3 ? text : 'nul\\0inside'])
            const first = db.execMany('INSERT INTO t VALUES (?, ?)', sets)
            const count = db.query('SELECT count(*) AS n, sum(b = ?) AS nul FROM t',
                                   { params: ['nul\\0inside'] })[0]
            const clash = [[150000, 'new'], [150001, 'new'], [0, 'taken']]
            let error
            try { await db.execManyAsync('INSERT INTO t VALUES (?, ?)', clash) } catch (e) {
              error = [e.name, e.code]
            }
            const after = db.query('SELECT count(*) AS n FROM t')[0].n
            const last = String(first.lastInsertRowid)
            return { changes: first.changes, last, count, error, after }
          } finally {
            db.close()
          }
        }"""
    )
    assert result == {
        "changes": 150000,
        "last": "149999",
        "count": {"n": 150000, "nul": 50000},
        "error": ["SQLiteError", "19"],
        "after": 150000,
    }


def test_exec_many_async_of_several_requests_applies_in_order_and_all_or_none(
    page: Page | WebKitPage,
) -> None:
    """An execManyAsync too large for one request (past 8 MiB) is sent as several, in one
    savepoint: the sets apply in their order, and a failure in a later request (the host's
    constraint, or a value the page cannot bind) leaves none of them."""
    result = page.evaluate(
        """async () => {
          const sqlite = await import('oro:sqlite')
          const db = sqlite.open(':memory:')
          const outcome = async (sets) => {
            try { return await db.execManyAsync('INSERT INTO t VALUES (?, ?)', sets) } catch (e) {
              return [e.name, e.code ?? null]
            }
          }
          try {
            db.exec('CREATE TABLE t (a INTEGER UNIQUE, b)')
            const text = 'z'.repeat(60)
            // About 11 MiB: two requests.
            const sets = Array.from({ length: 160000 }, (_, i) => [i, text])
            const done = await db.execManyAsync('INSERT INTO t VALUES (?, ?)', sets)
            const inOrder = db.query(
              'SELECT count(*) AS n FROM t WHERE a != rowid - 1')[0].n
            const clash = Array.from({ length: 160000 }, (_, i) => [160000 + i, text])
            clash[150000] = [5, text]  // taken: the host refuses the second request
            const refused = await outcome(clash)
            const unbindable = Array.from({ length: 160000 }, (_, i) => [160000 + i, text])
            unbindable[150000] = [Infinity, text]  // the page cannot encode the second request
            const unencoded = await outcome(unbindable)
            const count = db.query('SELECT count(*) AS n, max(a) AS top FROM t')[0]
            return { changes: done.changes, last: String(done.lastInsertRowid), inOrder,
                     refused, unencoded, count }
          } finally {
            db.close()
          }
        }"""
    )
    assert result == {
        "changes": 160000,
        "last": "160000",
        "inOrder": 0,
        "refused": ["SQLiteError", "19"],
        "unencoded": ["RangeError", None],
        "count": {"n": 160000, "top": 159999},
    }


def test_exec_many_requests_fit_one_body_even_when_the_sets_grow(
    chromium_browser: Browser, fetch_app: ServedApp
) -> None:
    """The page sizes each execMany request from the bytes its sets took so far (a sample of
    the first sets, then the last request): sets that grow past the sample's size still go in
    requests of at most 8 MiB, filled near it, and apply in their order."""
    sizes: list[int] = []
    with app_page(chromium_browser, fetch_app) as page:
        page.on(
            "request",
            lambda request: (
                sizes.append(len(request.post_data_buffer or b""))
                if "sqlite.execMany" in request.url
                else None
            ),
        )
        result = page.evaluate(
            """async () => {
              const sqlite = await import('oro:sqlite')
              const db = sqlite.open(':memory:')
              try {
                db.exec('CREATE TABLE t (a INTEGER PRIMARY KEY, b)')
                // 300 small sets (the sample), then sets 40 times larger: about 28 MiB.
                const sets = Array.from({ length: 120300 },
                                        (_, i) => [i, 'q'.repeat(i < 300 ? 5 : 240)])
                const done = await db.execManyAsync('INSERT INTO t VALUES (?, ?)', sets)
                const misplaced = db.query(
                  'SELECT count(*) AS n FROM t WHERE length(b) != (CASE WHEN a < 300 ' +
                  'THEN 5 ELSE 240 END)')[0].n
                return { changes: done.changes, misplaced }
              } finally {
                db.close()
              }
            }"""
        )
    assert result == {"changes": 120300, "misplaced": 0}
    assert sizes
    assert max(sizes) <= 8 * 1024 * 1024, sizes
    # About 28 MiB: four requests near 8 MiB, not many small ones.
    assert len(sizes) <= 5, sizes


def test_a_blob_travels_as_its_own_bytes(chromium_browser: Browser, fetch_app: ServedApp) -> None:
    bodies: list[bytes] = []
    with app_page(chromium_browser, fetch_app) as page:
        page.on(
            "request",
            lambda request: (
                bodies.append(request.post_data_buffer or b"")
                if "sqlite.exec" in request.url
                else None
            ),
        )
        echoed = page.evaluate(
            """async () => {
              const sqlite = await import('oro:sqlite')
              const db = sqlite.open(':memory:')
              const blob = new Uint8Array(256).map((_, i) => i)
              const { rows } = await db.execAsync('SELECT ? AS b', { params: [blob] })
              db.close()
              return [...rows[0].b]
            }"""
        )
    assert echoed == list(range(256))
    assert any(bytes(range(256)) in sent for sent in bodies)
    assert not any(b"base64" in sent for sent in bodies)
    assert not any(json.dumps(list(range(4)))[1:-1].encode() in sent for sent in bodies)
