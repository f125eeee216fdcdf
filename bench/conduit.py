"""IPC over the Conduit from a real headless Chromium page, against fetch and the WebSocket floor.

Rows (page JavaScript, calls one after another, times from ``performance.now()``):

* ``ping: conduit ipc`` — ``request('ping')`` from ``oro:ipc`` with the Conduit transport the
  oro-conduit plugin installs: frame codec, router, envelope, ``readReply`` in the page.
* ``ping: fetch ipc`` — the same call with the fetch transport (``setTransport(null)``).
* ``ping: conduit ÷ fetch`` — the first row against the second (baseline: fetch ipc).
* ``echo <size>: conduit ipc`` — ``write('bench.echo', {}, bytes)`` page → host → page, for 1 KiB,
  64 KiB and 1 MiB; MB/s counts the bytes carried both ways.
* Floor (baseline of the other rows): a raw WebSocket echo served by trio-websocket in this same
  process (no key, no frames, no router), the page sending the same bytes and awaiting them back.
  Each row is measured interleaved with its baseline (a batch of one, then of the other).

``performance.now()`` is coarsened to 100 µs in a page that is not cross-origin isolated, which
made a p50 of ~1 ms jump in steps of 10 % from run to run; so with 200 calls or more each sample
is a batch of 10 consecutive calls (its time ÷ 10), and p50/p99 are those of the samples.

* ``ping: conduit ipc, window <engine>`` and ``ping: fetch ipc, window <engine>`` — the pings in
  the page of a real window (``oro run examples/minimal --webview system|qt`` under Xvfb),
  against the same page's raw WebSocket echo; each sample a batch of calls (WebKit's clock
  steps by 1 ms), p99 and rates not given (``bench/_window_rows.py``).

Columns: p50 and p99 per call, calls/s, MB/s, the baseline's p50, then ratio = ours ÷ baseline
for p50 (lower is better; the floor is what a WebSocket costs at all) and the goal for that
ratio: ``<=1.3`` for the Conduit ping against the raw WebSocket echo (issue 17; issue 55: in a
window on both engines too); the other rows have none (fetch's goal is against a raw HTTP echo,
in bench/ipc.py).

Run: ``.venv/bin/python bench/conduit.py [--quick]``
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _shared import GOAL_WIDTH, EchoPlugin, goal, p50_p99, parse_arguments, serve_raw_floors
from _window_rows import window_pings
from anyio.from_thread import start_blocking_portal
from oro_conduit import plugin as conduit_plugin

import oro_framework.core.ping
from oro_framework.testing import launch_chromium, open_app_page, served_app

APP = Path(__file__).resolve().parents[1] / "examples" / "minimal"
SIZES = (("1 KiB", 1024), ("64 KiB", 64 * 1024), ("1 MiB", 1024 * 1024))


MEASURE = """async ([kinds, url, calls, size]) => {
    const ipc = await import('oro:ipc')
    const { transport } = await import('oro:conduit')
    await transport().conduit.connected
    const bytes = new Uint8Array(size).fill(90)
    let socket = null
    let next = null
    if (kinds.includes('raw')) {
        socket = new WebSocket(url)
        socket.binaryType = 'arraybuffer'
        socket.onmessage = (event) => next(event.data)
        await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject })
    }
    const ipcCall = () => size ? ipc.write('bench.echo', {}, bytes) : ipc.request('ping')
    const rawCall = () => new Promise((resolve) => {
        next = resolve
        socket.send(size ? bytes : 'ping')
    })
    const batch = calls >= 200 ? 10 : 1
    const run = async (kind) => {
        const previous = kind === 'fetch' ? ipc.setTransport(null) : null
        try {
            const call = kind === 'raw' ? rawCall : ipcCall
            const t = performance.now()
            for (let j = 0; j < batch; j++) {
                const answer = await call()
                if (size && answer.byteLength !== size) throw new Error('short echo')
            }
            return performance.now() - t
        } finally {
            if (previous) ipc.setTransport(previous)
        }
    }
    try {
        for (let i = 0; i < 20; i++) for (const kind of kinds) await run(kind)   // warm up
        const times = Object.fromEntries(kinds.map((kind) => [kind, []]))
        const totals = Object.fromEntries(kinds.map((kind) => [kind, 0]))
        for (let i = 0; i < calls; i += batch) {
            for (const kind of kinds) {
                const elapsed = await run(kind)
                times[kind].push(elapsed / batch)
                totals[kind] += elapsed
            }
        }
        return { times, totals }
    } finally {
        socket?.close()
    }
}"""


@dataclass
class Row:
    name: str
    p50_ms: float
    p99_ms: float
    calls_per_second: float
    megabytes_per_second: float
    baseline: str = ""
    baseline_p50_ms: float = 0.0
    bound: str | None = None

    @property
    def ratio(self) -> float:
        return self.p50_ms / self.baseline_p50_ms


def measure(page: Any, kinds: list[str], url: str, calls: int, size: int) -> dict[str, Row]:
    """One row per kind, measured interleaved (a batch of each kind in turn), so that a change
    in the machine's load falls on all of them alike."""
    result = page.evaluate(MEASURE, [kinds, url, calls, size])
    rows = {}
    for kind in kinds:
        p50, p99 = p50_p99(result["times"][kind])
        seconds = result["totals"][kind] / 1000
        rows[kind] = Row(kind, p50, p99, calls / seconds, 2 * size * calls / seconds / 1e6)
    return rows


def run(calls: int) -> list[Row]:
    with (
        launch_chromium() as browser,
        start_blocking_portal(backend="trio") as raw_portal,
        served_app(
            [oro_framework.core.ping, EchoPlugin(), conduit_plugin],
            app_dir=APP,
            config={"ipc.max_body_bytes": 4 * 1024 * 1024},
        ) as app,
    ):
        _, (port, _) = raw_portal.start_task(serve_raw_floors)
        raw_url = f"ws://127.0.0.1:{port}/"
        page = open_app_page(browser, app)
        rows: list[Row] = []
        ping = measure(page, ["raw", "conduit", "fetch"], raw_url, calls, 0)
        floor, conduit, fetch = ping["raw"], ping["conduit"], ping["fetch"]
        conduit.name, fetch.name = "ping: conduit ipc", "ping: fetch ipc"
        for row in (conduit, fetch):
            row.baseline, row.baseline_p50_ms = "raw ws", floor.p50_ms
            rows.append(row)
        conduit.bound = "<=1.3"
        versus = Row("ping: conduit ÷ fetch", conduit.p50_ms, conduit.p99_ms, 0.0, 0.0)
        versus.baseline, versus.baseline_p50_ms = "fetch ipc", fetch.p50_ms
        rows.append(versus)
        for label, size in SIZES:
            count = max(10, calls // (4 if size >= 1024 * 1024 else 1))
            echo = measure(page, ["raw", "conduit"], raw_url, count, size)
            ours = echo["conduit"]
            ours.name = f"echo {label}: conduit ipc"
            ours.baseline, ours.baseline_p50_ms = "raw ws", echo["raw"].p50_ms
            rows.append(ours)
        page.context.close()
        raw_portal.call(raw_portal.stop, True)
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few calls (smoke run)")
    quick = parse_arguments(parser).quick
    calls = 50 if quick else 1000
    rows = run(calls)
    nan = float("nan")
    for window in window_pings(["conduit", "ws", "fetch"], 5 if quick else 50):
        floor = window.p50_ms["ws"]
        for kind, bound in (("conduit", "<=1.3"), ("fetch", None)):
            name = f"ping: {kind} ipc, window {window.engine}"
            rows.append(Row(name, window.p50_ms[kind], nan, nan, nan, "raw ws", floor, bound))
    print(
        f"{'case':<34}{'p50 ms':>8}{'p99 ms':>8}{'calls/s':>9}{'MB/s':>8}"
        f"   {'baseline':<10}{'base p50':>9}{'ratio':>7}{'goal':>{GOAL_WIDTH}}"
    )
    for row in rows:
        print(
            f"{row.name:<34}{row.p50_ms:>8.3f}{row.p99_ms:>8.3f}{row.calls_per_second:>9.0f}"
            f"{row.megabytes_per_second:>8.1f}   {row.baseline:<10}{row.baseline_p50_ms:>9.3f}"
            f"{row.ratio:>7.2f}{goal(row.bound)}"
        )


if __name__ == "__main__":
    main()
