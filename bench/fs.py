"""oro:fs from a real headless Chromium page, over both IPC transports, against plain Python
file IO in the same run; and a 64 MiB static app file.

Rows (page JavaScript calling ``node:fs/promises`` one call after another, times from
``performance.now()``), each case over both transports:

* ``writeFile <size>`` — ``writeFile('data:bench.bin', bytes)``: one ``fs.writeFile`` round trip
  up to 8 MiB, chunked ``fs.open``/``fs.write``/``fs.close`` above (the bridge caps bodies at
  16 MiB).
* ``readFile <size>`` — ``readFile('data:bench.bin')`` into a ``Buffer``: one ``fs.readFile`` round
  trip (a chunked byte stream above ``filesystem.stream_threshold_bytes``).
* ``readNew <size>`` — ``readFile`` of a file never read before (a new name each call). The
  Conduit transport sends a call whose reply it saw handed over to fetch straight over fetch
  the next time, so ``readFile`` rows of one file measure that; this row measures the first
  call, which asks over the socket, gets a ticket and then fetches (one round trip more).
* ``stat`` — ``stat('data:bench.bin')`` → ``Stats``.
* ``… fetch`` rows use the fetch transport (``ipc.setTransport(null)``); their baseline is this
  process doing the same with plain Python (``open().write()``, ``open().read()``, ``os.stat``)
  on the same file, same bytes, same count: how many times slower than plain file IO (no goal).
* ``… conduit`` rows use the transport a page gets when oro-conduit is installed (the Conduit,
  which hands bodies over 256 KiB to fetch); their baseline is the ``fetch`` row of the same case,
  measured interleaved with it (one call over each in turn, which goes first alternating), and
  the goal is ``<=1`` (issue 17: the auto transport is never slower than fetch, for any size).
* ``static 64 MiB`` — the page fetching a 64 MiB file served as an app resource
  (``fetch('/big.bin')`` → ``arrayBuffer()``). Baseline: ``readFile 64 MiB fetch`` of this run
  (the IPC path moving the same bytes). Issue 17 asks static files to stream at ≥ 1 GB/s on
  loopback; fs.readFile over fetch moves 64 MiB in ~170 ms (~400 MB/s) on the reference machine,
  so the goal is ``<=0.4`` (64 MiB in at most 0.4 times that ≈ 1 GB/s). The rate column shows the
  absolute MiB/s. A second ``static 64 MiB`` row has the engine's own floor as baseline: the same
  page fetching 64 MiB from a bare h11 server in this process that sends them from memory in one
  write (``_shared.raw_http_echo``), interleaved with the static fetches; goal ``<=1.2``. Not in
  ``--quick``.

And in a real window of each engine (``oro run`` of the minimal app under Xvfb, ``system`` =
WebKitGTK 4.1 and ``qt`` = QtWebEngine, reached through the HTTP IPC bridge as
``bench/engines.py`` does), :data:`WINDOW_BYTES` of random bytes, each row and its baseline
one call of each in turn (which goes first alternating), the reads before the writes:

* ``<engine> readFile 64 MiB`` — ``readFile('data:bench-window.bin')`` (the auto transport).
  Baseline: the same page fetching the same bytes as an app file (``fetch('/bench-window.bin')``
  → ``arrayBuffer()``, served with ``sendfile``). Issue 55 asks for at least 0.8 times that
  speed, so the goal is ``<=1.25`` (ms ÷ ms).
* ``<engine> writeFile 64 MiB`` — ``writeFile('data:bench-window-out.bin', bytes)``. Baseline:
  the page POSTing the same bytes (one ``Blob``) to a bare h11 server in this process that
  counts them and answers the count (:func:`raw_http_sink`): the engine's own upload floor.
  Goal ``<=1.25``.
* ``system readFile 64 MiB`` against ``qt readFile``: the same call in the WebKitGTK window
  and in the Qt one (issue 78 asks at most 1.2 times, as ``bench/engines.py``'s readFile row).

Columns: median ms per call and MiB/s (calls/s for stat), the baseline and its ms, then
ratio = ours ÷ baseline of the median time per call (lower is better) and the goal.

Run: ``.venv/bin/python bench/fs.py [--quick]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import engines
import oro_fs.plugin
from _shared import GOAL_WIDTH, goal, parse_arguments, raw_http, serve_raw_floors
from anyio.from_thread import start_blocking_portal
from oro_conduit import plugin as conduit_plugin

from oro_framework.testing import headless_environ, launch_chromium, open_app_page, served_app

APP = Path(__file__).resolve().parents[1] / "examples" / "minimal"
KIB = 1024
MIB = 1024 * KIB
STATIC_BYTES = 64 * MIB
WINDOW_BYTES = 64 * MIB
WINDOW_FILE = "bench-window.bin"
"""Its name in the app's directory (the static baseline) and in its data directory (readFile)."""

MEASURE = """async ([kind, size, calls, transports, floorUrl]) => {
    const ipc = await import('oro:ipc')
    const conduit = await import('oro:conduit')
    await conduit.transport().conduit.connected
    const fsp = await import('node:fs/promises')
    const bytes = new Uint8Array(size)
    for (let i = 0; i < size; i += 4096) bytes[i] = i & 255
    if (kind !== 'write') await fsp.writeFile('data:bench.bin', bytes)
    let fresh = 0
    if (kind === 'readNew') {
        const files = (Math.min(3, calls) + calls) * transports.length
        for (let i = 0; i < files; i++) await fsp.writeFile(`data:bench-${i}.bin`, bytes)
    }
    const call = {
        write: () => fsp.writeFile('data:bench.bin', bytes),
        read: async () => {
            const back = await fsp.readFile('data:bench.bin')
            if (back.length !== size) throw new Error('short read')
        },
        readNew: async () => {
            const back = await fsp.readFile(`data:bench-${fresh++}.bin`)
            if (back.length !== size) throw new Error('short read')
        },
        stat: async () => {
            const stats = await fsp.stat('data:bench.bin')
            if (stats.size !== size) throw new Error('wrong size')
        },
        static: async (transport) => {
            const url = transport === 'floor' ? `${floorUrl}/bytes/${size}` : '/big.bin'
            const response = await fetch(url, { cache: 'no-store' })
            const back = await response.arrayBuffer()
            if (back.byteLength !== size) throw new Error('short static file')
        },
    }[kind]
    const timed = async (transport) => {
        const previous = transport === 'fetch' ? ipc.setTransport(null) : null
        try {
            const t = performance.now()
            await call(transport)
            return performance.now() - t
        } finally {
            if (previous) ipc.setTransport(previous)
        }
    }
    const times = Object.fromEntries(transports.map((transport) => [transport, []]))
    for (let i = 0; i < Math.min(3, calls); i++) {   // warm the connections and the JIT
        for (const transport of transports) await timed(transport)
    }
    // The first in turn alternating: the engine collects the other's garbage (a 16 MiB buffer)
    // as often during one as during the other.
    for (let i = 0; i < calls; i++) {
        for (const transport of i % 2 ? [...transports].reverse() : transports) {
            times[transport].push(await timed(transport))
        }
    }
    return times
}"""


@dataclass
class Row:
    name: str
    size: int
    ours_ms: float
    baseline: str
    base_ms: float
    bound: str | None

    def rate(self) -> str:
        if self.size == 0:
            return f"{1000 / self.ours_ms:>10.0f}/s"
        return f"{self.size / MIB / (self.ours_ms / 1000):>8.1f}MiB/s"


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


WINDOW_MEASURE = """async ({ size, calls, file, sink }) => {
    try {
        const { transport } = await import('oro:conduit')
        await transport().conduit.connected
    } catch {}  // no oro-conduit: the auto transport is fetch
    const fsp = await import('node:fs/promises')
    const bytes = new Uint8Array(size)
    for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536))
    const timed = async (call) => {
        const started = performance.now()
        await call()
        return performance.now() - started
    }
    const calls_ = {
        read: async () => {
            const back = await fsp.readFile(`data:${file}`)
            if (back.length !== size) throw new Error(`readFile: ${back.length} bytes`)
        },
        fetched: async () => {
            const response = await fetch(`/${file}`, { cache: 'no-store' })
            const back = await response.arrayBuffer()
            if (back.byteLength !== size) throw new Error(`fetch: ${back.byteLength} bytes`)
        },
        written: () => fsp.writeFile(`data:${file}.out`, bytes),
        posted: async () => {
            const response = await fetch(sink, { method: 'POST', body: new Blob([bytes]) })
            const count = await response.text()
            if (count !== String(size)) throw new Error(`POST: the sink counted ${count}`)
        },
    }
    const times = Object.fromEntries(Object.keys(calls_).map((name) => [name, []]))
    // Each pair on its own, one call of each in turn, the first in turn alternating: what the
    // engine collects of the other pair's garbage (64 MiB buffers, Blobs) or of the previous
    // call's then falls on both alike. The first round warms the connections and the JIT.
    for (const pair of [['read', 'fetched'], ['written', 'posted']]) {
        for (let i = 0; i <= calls; i++) {
            for (const name of i % 2 ? [...pair].reverse() : pair) {
                const elapsed = await timed(calls_[name])
                if (i > 0) times[name].push(elapsed)
            }
        }
    }
    return times
}"""


async def raw_http_sink(stream: anyio.abc.SocketStream) -> None:
    """The upload floor: a request's body is counted and dropped, and the answer is its byte
    count."""
    await raw_http(stream, lambda _, __, size: (str(size).encode(), "text/plain"), keep_body=False)


async def serve_sink(*, task_status: anyio.abc.TaskStatus[int]) -> None:
    """:func:`raw_http_sink` on a free loopback port until cancelled: the port."""
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1", local_port=0)
    task_status.started(listener.extra(anyio.abc.SocketAttribute.local_port))
    await listener.serve(raw_http_sink)


def window_times(engine: str, app: Path, environ: dict[str, str], arguments: Any) -> Any:
    """:data:`WINDOW_MEASURE`'s times in a window of ``engine`` showing ``app``."""
    oro, key = engines.spawn(app, engine, environ)
    pids: list[int] = []
    with oro:
        try:
            window = engines.Window(engines.until_ready(oro), key)
            pids = engines.descendants(oro.process.pid)
            script = f"({WINDOW_MEASURE})({json.dumps(arguments)})"
            return window.resolve(script, bench="bench/fs.py")
        finally:
            engines.end_tree(oro.process, pids)


def window_rows(size: int, calls: int) -> list[Row]:
    """readFile and writeFile of ``size`` bytes in a real window of each engine, against the
    same page's fetch of an app file and POST to a bare sink of as many bytes."""
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="oro-bench-fs-window-") as directory,
        engines.display() as number,
        start_blocking_portal(backend="trio") as portal,
    ):
        base = Path(directory)
        app = base / "app"
        shutil.copytree(APP, app)
        (app / WINDOW_FILE).write_bytes(os.urandom(size))
        bundle = base / "data" / engines.APPS["minimal"][1]
        bundle.mkdir(parents=True)
        os.link(app / WINDOW_FILE, bundle / WINDOW_FILE)
        _, sink_port = portal.start_task(serve_sink)
        environ = headless_environ(
            {
                "DISPLAY": number,
                "ORO_APPLICATION_SINGLE_INSTANCE": "false",
                "XDG_DATA_HOME": str(base / "data"),
                **engines.desktop_plugin_environ(),
            }
        )
        arguments = {
            "size": size,
            "calls": calls,
            "file": WINDOW_FILE,
            "sink": f"http://127.0.0.1:{sink_port}/",
        }
        for engine in engines.ENGINES:
            times = window_times(engine, app, environ, arguments)
            median = {name: statistics.median(values) for name, values in times.items()}
            rows.append(
                Row(
                    f"{engine} readFile {label(size)}",
                    size,
                    median["read"],
                    "fetch app file",
                    median["fetched"],
                    "<=1.25",
                )
            )
            rows.append(
                Row(
                    f"{engine} writeFile {label(size)}",
                    size,
                    median["written"],
                    "POST raw sink",
                    median["posted"],
                    "<=1.25",
                )
            )
        portal.call(portal.stop, True)
    # Issue 78: WebKitGTK's readFile within 1.2 times Qt's (engines.py's readFile row).
    read = {row.name.split()[0]: row for row in rows if "readFile" in row.name}
    system, qt = read["system"], read["qt"]
    rows.append(Row(system.name, size, system.ours_ms, "qt readFile", qt.ours_ms, "<=1.2"))
    return rows


def label(size: int) -> str:
    return f"{size // MIB} MiB" if size >= MIB else f"{size // KIB} KiB"


def run(cases: list[tuple[str, int, int]], static_calls: int) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="oro-bench-fs-") as directory:
        app_dir = Path(directory)
        shutil.copytree(APP, app_dir, dirs_exist_ok=True)
        if static_calls:
            (app_dir / "big.bin").write_bytes(os.urandom(STATIC_BYTES))
        with (
            launch_chromium() as browser,
            start_blocking_portal(backend="trio") as raw_portal,
            served_app([oro_fs.plugin, conduit_plugin], app_dir=app_dir) as app,
        ):
            data = Path(app.host.paths.data)
            data.mkdir(parents=True, exist_ok=True)
            page: Any = open_app_page(browser, app)
            fetched: dict[tuple[str, int], float] = {}
            for kind, size, calls in cases:
                name = {
                    "stat": "stat",
                    "readNew": f"readFile {label(size)} new",
                }.get(kind, f"{kind}File {label(size)}")
                times = page.evaluate(MEASURE, [kind, size, calls, ["fetch", "auto"], ""])
                over_fetch = statistics.median(times["fetch"])
                over_conduit = statistics.median(times["auto"])
                floor = python_floor(kind.removesuffix("New"), data / "floor.bin", size, calls)
                fetched[kind, size] = over_fetch
                shown = 0 if kind == "stat" else size
                rows.append(Row(f"{name} fetch", shown, over_fetch, "python", floor, None))
                rows.append(Row(f"{name} conduit", shown, over_conduit, "fetch", over_fetch, "<=1"))
            if static_calls:
                _, (_, floor_port) = raw_portal.start_task(serve_raw_floors)
                static_times = page.evaluate(
                    MEASURE,
                    [
                        "static",
                        STATIC_BYTES,
                        static_calls,
                        ["auto", "floor"],
                        f"http://127.0.0.1:{floor_port}",
                    ],
                )
                static = statistics.median(static_times["auto"])
                floor = statistics.median(static_times["floor"])
                base = fetched.get(("read", STATIC_BYTES), 0.0)
                rows.append(
                    Row("static 64 MiB", STATIC_BYTES, static, "readFile fetch", base, "<=0.4")
                )
                rows.append(Row("static 64 MiB", STATIC_BYTES, static, "raw http", floor, "<=1.2"))
            page.context.close()
            raw_portal.call(raw_portal.stop, True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few calls (smoke run)")
    quick = parse_arguments(parser).quick
    if quick:
        sizes = [(KIB, 20), (MIB, 5), (16 * MIB, 9)]
        stat_calls = 50
        static_calls = 0
    else:
        sizes = [(KIB, 300), (MIB, 50), (16 * MIB, 10), (64 * MIB, 5)]
        stat_calls = 1000
        static_calls = 5
    cases = [(kind, size, calls) for size, calls in sizes for kind in ("write", "read")]
    cases.append(("readNew", MIB, 5 if quick else 20))
    cases.append(("readNew", 16 * MIB, 9 if quick else 15))
    cases.append(("stat", 1, stat_calls))
    rows = run(cases, static_calls)
    # Five calls even when quick: one call of 4 MiB is a single ~30 ms sample, which a
    # neighbour's time slice moves by a third; the windows' start-up is most of the cost.
    rows += window_rows(4 * MIB, 5) if quick else window_rows(WINDOW_BYTES, 5)
    print(
        f"{'case':<28}{'ms':>10}{'rate':>14}   {'baseline':<16}{'base ms':>10}{'ratio':>9}"
        f"{'goal':>{GOAL_WIDTH}}"
    )
    for row in rows:
        ratio = f"{row.ours_ms / row.base_ms:>9.2f}" if row.base_ms else f"{'-':>9}"
        print(
            f"{row.name:<28}{row.ours_ms:>10.3f}{row.rate():>14}   {row.baseline:<16}"
            f"{row.base_ms:>10.4f}{ratio}{goal(row.bound)}"
        )


if __name__ == "__main__":
    main()
