"""oro:fs from a real headless Chromium page, against plain Python file IO in the same run.

Rows (page JavaScript calling ``node:fs/promises`` one call after another, times from
``performance.now()``):

* ``writeFile <size>`` — ``writeFile('bench.bin', bytes)``: one ``fs.writeFile`` round trip up to
  8 MiB, chunked ``fs.open``/``fs.write``/``fs.close`` above (the bridge caps bodies at 16 MiB).
* ``readFile <size>`` — ``readFile('bench.bin')`` into a ``Buffer``: one ``fs.readFile`` round
  trip (a chunked byte stream above ``filesystem.stream_threshold_bytes``).
* ``stat`` — ``stat('bench.bin')`` → ``Stats``.
* Floor: this process doing the same with plain Python (``open().write()``, ``open().read()``,
  ``os.stat``) on the same file, same bytes, same count.

Columns: ms per call (median) and MiB/s (or calls/s for stat) for both, then
ratio = oro ÷ floor of the median time per call (how many times slower than plain file IO).

Run: ``.venv/bin/python bench/fs.py [--quick]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import oro_fs.plugin

from oro_framework.testing import launch_chromium, open_app_page, served_app

APP = Path(__file__).resolve().parents[1] / "examples" / "minimal"
KIB = 1024
MIB = 1024 * KIB

MEASURE = """async ([kind, size, calls]) => {
    const fsp = await import('node:fs/promises')
    const bytes = new Uint8Array(size)
    for (let i = 0; i < size; i += 4096) bytes[i] = i & 255
    if (kind !== 'write') await fsp.writeFile('bench.bin', bytes)
    const call = {
        write: () => fsp.writeFile('bench.bin', bytes),
        read: async () => {
            const back = await fsp.readFile('bench.bin')
            if (back.length !== size) throw new Error('short read')
        },
        stat: async () => {
            const stats = await fsp.stat('bench.bin')
            if (stats.size !== size) throw new Error('wrong size')
        },
    }[kind]
    for (let i = 0; i < Math.min(3, calls); i++) await call()   // warm the connection and JIT
    const times = []
    for (let i = 0; i < calls; i++) {
        const t = performance.now()
        await call()
        times.push(performance.now() - t)
    }
    return times
}"""


@dataclass
class Row:
    name: str
    size: int
    oro_ms: float
    floor_ms: float

    def rate(self, milliseconds: float) -> str:
        if self.size == 0:
            return f"{1000 / milliseconds:>10.0f}/s"
        return f"{self.size / MIB / (milliseconds / 1000):>8.2f}MiB/s"


def python_floor(kind: str, path: Path, size: int, calls: int) -> float:
    """Median ms per call of the same operation in plain Python."""
    data = bytes(size)
    path.write_bytes(data)

    def write() -> None:
        with path.open("wb") as file:
            file.write(data)

    def read() -> None:
        with path.open("rb") as file:
            if len(file.read()) != size:
                raise RuntimeError("short read")

    def stat() -> None:
        os.stat(path)

    call: Callable[[], None] = {"write": write, "read": read, "stat": stat}[kind]
    for _ in range(min(3, calls)):
        call()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def label(size: int) -> str:
    return f"{size // MIB} MiB" if size >= MIB else f"{size // KIB} KiB"


def run(cases: list[tuple[str, int, int]]) -> list[Row]:
    rows = []
    with launch_chromium() as browser, served_app([oro_fs.plugin], app_dir=APP) as app:
        data = Path(app.host.paths.data)
        data.mkdir(parents=True, exist_ok=True)
        page: Any = open_app_page(browser, app)
        for kind, size, calls in cases:
            times = page.evaluate(MEASURE, [kind, size, calls])
            oro = statistics.median(times)
            floor = python_floor(kind, data / "floor.bin", size, calls)
            name = "stat" if kind == "stat" else f"{kind}File {label(size)}"
            rows.append(Row(name, 0 if kind == "stat" else size, oro, floor))
        page.context.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few calls (smoke run)")
    quick = parser.parse_args().quick
    if quick:
        sizes = [(KIB, 20), (MIB, 5)]
        stat_calls = 50
    else:
        sizes = [(KIB, 300), (MIB, 50), (64 * MIB, 5)]
        stat_calls = 1000
    cases = [(kind, size, calls) for size, calls in sizes for kind in ("write", "read")]
    cases.append(("stat", 1, stat_calls))
    rows = run(cases)
    print(
        f"{'case':<20}{'oro ms':>10}{'oro rate':>14}{'floor ms':>10}{'floor rate':>14}{'ratio':>9}"
    )
    for row in rows:
        print(
            f"{row.name:<20}{row.oro_ms:>10.3f}{row.rate(row.oro_ms):>14}"
            f"{row.floor_ms:>10.4f}{row.rate(row.floor_ms):>14}{row.oro_ms / row.floor_ms:>9.1f}"
        )


if __name__ == "__main__":
    main()
