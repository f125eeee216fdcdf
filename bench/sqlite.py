"""SQLite from a real headless Chromium page (``oro:sqlite``), against Python's ``sqlite3`` in
this process, measured in the same run on the same kind of database (``:memory:``).

Rows:

* ``exec SELECT 1 row (<how>)`` — p50 of one small indexed ``SELECT`` from the page: ``sync`` is
  ``db.exec`` (Oro's synchronous call: a synchronous XHR), ``async conduit``/``async fetch`` is
  ``db.execAsync`` over the page's Conduit or over fetch. The baseline is the same statement
  through ``sqlite3`` in this process (its statement cache warm, as the host's is).
* ``bulk insert (<how>)`` — rows/s of inserting rows of (integer, 40-character text) in one
  transaction, 500 rows per ``exec`` of a multi-row ``INSERT`` with parameters; the baseline is
  ``executemany`` of the same rows in one transaction.

Columns: ours, python, ratio and goal. The ratio is ours ÷ python: time for a SELECT (lower is
better), rows/s for inserts (higher is better). Issue 30 set no goal for either, so the goal
column is ``-``.

Run: ``.venv/bin/python bench/sqlite.py [--quick]``
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

import oro_conduit.plugin
import oro_sqlite.plugin
from _shared import GOAL_WIDTH, goal

from oro_framework.testing import launch_chromium, open_app_page, served_app

APP = Path(__file__).resolve().parents[1] / "examples" / "minimal"
TABLE_ROWS = 1000
BATCH = 500
TEXT = "x" * 40

PAGE = """async ([mode, count, rows, batch, text, conduit]) => {
  const { open } = await import('oro:sqlite')
  const ipc = await import('oro:ipc')
  const previous = conduit ? null : ipc.setTransport(null)
  const db = open(':memory:')
  try {
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)')
    if (mode === 'insert') {
      const started = performance.now()
      db.exec('BEGIN')
      for (let first = 0; first < rows; first += batch) {
        const size = Math.min(batch, rows - first)
        const params = []
        for (let i = 0; i < size; i++) params.push(first + i, text)
        db.exec('INSERT INTO t VALUES ' + Array(size).fill('(?, ?)').join(', '), { params })
      }
      db.exec('COMMIT')
      return { seconds: (performance.now() - started) / 1000 }
    }
    db.exec('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) ' +
            'INSERT INTO t SELECT x, ? FROM c', { params: [rows, text] })
    const times = []
    for (let i = 0; i < count + 20; i++) {
      const started = performance.now()
      const sql = 'SELECT id, body FROM t WHERE id = ?'
      const result = mode === 'sync'
        ? db.exec(sql, { params: [1 + (i % rows)] })
        : await db.execAsync(sql, { params: [1 + (i % rows)] })
      if (result.rows.length !== 1) throw new Error('expected one row')
      if (i >= 20) times.push(performance.now() - started)
    }
    return { times }
  } finally {
    db.close()
    if (previous) ipc.setTransport(previous)
  }
}"""


def python_select(count: int) -> list[float]:
    """Milliseconds of the same SELECT through sqlite3 in this process."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    connection.executemany(
        "INSERT INTO t VALUES (?, ?)", [(i, TEXT) for i in range(1, TABLE_ROWS + 1)]
    )
    times = []
    for index in range(count + 20):
        started = time.perf_counter()
        rows = connection.execute(
            "SELECT id, body FROM t WHERE id = ?", (1 + index % TABLE_ROWS,)
        ).fetchall()
        assert len(rows) == 1
        if index >= 20:
            times.append((time.perf_counter() - started) * 1000)
    connection.close()
    return times


def python_insert(rows: int) -> float:
    """Rows/s of executemany in one transaction."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    started = time.perf_counter()
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO t VALUES (?, ?)", ((i, TEXT) for i in range(rows)))
    connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    return rows / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few runs, few rows (smoke run)")
    quick = parser.parse_args().quick
    count, rows = (20, 5_000) if quick else (300, 200_000)
    table = min(rows, TABLE_ROWS)
    with (
        launch_chromium() as browser,
        served_app([oro_conduit.plugin, oro_sqlite.plugin], app_dir=APP) as app,
    ):
        page = open_app_page(browser, app)

        def ours(mode: str, conduit: bool) -> Any:
            return page.evaluate(
                PAGE, [mode, count, table if mode != "insert" else rows, BATCH, TEXT, conduit]
            )

        print(f"{'case':<34}{'ours':>14}{'python':>14}{'ratio':>8}{'goal':>{GOAL_WIDTH}}")
        base = statistics.median(python_select(count))
        for label, mode, conduit in (
            ("sync", "sync", True),
            ("async conduit", "async", True),
            ("async fetch", "async", False),
        ):
            mine = statistics.median(ours(mode, conduit)["times"])
            print(
                f"{f'exec SELECT 1 row ({label})':<34}{mine:>11.3f} ms{base:>11.3f} ms"
                f"{mine / base:>8.1f}{goal(None)}"
            )
        base = python_insert(rows)
        for label, conduit in (("sync exec", True),):
            mine = rows / ours("insert", conduit)["seconds"]
            print(
                f"{f'bulk insert {rows} rows ({label})':<34}{mine:>8.0f} rows/s{base:>8.0f} rows/s"
                f"{mine / base:>8.2f}{goal(None)}"
            )


if __name__ == "__main__":
    main()
