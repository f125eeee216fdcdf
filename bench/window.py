"""Page IPC in a real pywebview (Qt) window, against pywebview's ``js_api`` and a raw WebSocket.

The showcase (``examples/showcase``, every installed plugin, as ``oro run`` loads it) runs the way
``oro run`` runs it: :class:`~oro_framework.gui.runner.AppRunner` with a
:class:`~oro_framework.gui.qt.engine.QtEngine` (PyQt6 + QtWebEngine) in this
process,
under Xvfb when no display is set. Once its page reported ready, the bench exposes an ``echo``
function to the window through pywebview's own ``js_api`` (``Window.expose``: oro's window
creation takes no ``js_api``, and the bench needs no hook in it) and runs the measurement in that
window's page. Calls are made one after another, times come from ``performance.now()``, and the
kinds take turns round by round so that a noisy neighbour hits them alike:

* ``auto`` — ``request('ping')`` from ``oro:ipc`` on the transport the page got (the Conduit
  when oro-conduit is installed; the row says which);
* ``fetch`` — the same call on the fetch transport (``setTransport(null)``);
* ``js_api`` — ``window.pywebview.api.echo('ping')``: pywebview's bridge (QWebChannel, a Python
  thread per call, the answer sent back with ``evaluate_js``);
* ``raw ws`` — the floor: a WebSocket echo served by trio-websocket in this same process (no
  key, no frames, no router), the page sending the same bytes and awaiting them back;
* ``raw http`` — the fetch transport's floor: the page ``fetch``-ing a bare h11 keep-alive echo
  in this same process.

``echo 64 KiB`` rows carry 64 KiB each way: ``write('bench.echo', {}, bytes)`` for IPC, a
65 536-character string for ``js_api`` (it carries JSON only), the bytes for the raw floors.

QtWebEngine clamps ``performance.now()`` to 0.1 ms in a page that is not cross-origin isolated;
the page measures the clock's step and the p50 is interpolated within its bin
(:func:`binned_median`).

The page posts its results back through ``js_api`` too; a window that never reports fails the
bench (exit code 1) after :data:`REPORT_TIMEOUT` seconds.

Columns: p50 and p99 per call (ms), the baseline and its p50, then ratio = ours ÷ baseline for
p50 and the goal for that ratio (issue 17: page IPC at most half a ``js_api`` call; the Conduit
within 1.3 times the raw WebSocket, as in ``bench/conduit.py``; fetch IPC within 1.2 times the
raw HTTP echo, as in ``bench/ipc.py``).

Run: ``.venv/bin/python bench/window.py [--quick]``
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import json
import os
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from _shared import GOAL_WIDTH, EchoPlugin, goal, p50_p99, parse_arguments, serve_raw_floors
from anyio.from_thread import start_blocking_portal

from oro_framework.gui.display import has_display
from oro_framework.gui.qt.engine import QtEngine
from oro_framework.gui.runner import AppRunner
from oro_framework.host.app import Host
from oro_framework.host.windows.model import Window
from oro_framework.testing import virtual_display

SHOWCASE: Final = Path(__file__).resolve().parents[1] / "examples" / "showcase"
ECHO_BYTES: Final = 64 * 1024
READY_TIMEOUT: Final = 120.0
"""Seconds from start to the showcase's ``window.ready`` (Qt and every plugin start first)."""
REPORT_TIMEOUT: Final = 240.0
"""Seconds the page has to run every row and post the results."""
KINDS: Final = ("auto", "fetch", "js_api", "raw", "http")


MEASURE = """async ({ rawUrl, httpUrl, calls, rounds, sizes }) => {
    const ipc = await import('oro:ipc')
    try {
        const { transport } = await import('oro:conduit')
        await transport().conduit.connected
    } catch {}  // no oro-conduit: the auto transport is fetch, and the row says so
    const auto = ipc.getTransport()
    // Chromium coarsens performance.now() in pages that are not cross-origin isolated (100 µs,
    // with jitter): the smallest step the clock takes is the bin width of every time below.
    let resolution = Infinity
    for (let last = performance.now(), steps = 0; steps < 50;) {
        const now = performance.now()
        if (now !== last) { resolution = Math.min(resolution, now - last); last = now; steps++ }
    }
    const api = window.pywebview.api
    const socket = new WebSocket(rawUrl)
    socket.binaryType = 'arraybuffer'
    let next = null
    socket.onmessage = (event) => next(event.data)
    await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject })
    const payloads = {}
    for (const size of sizes) {
        payloads[size] = { bytes: new Uint8Array(size).fill(90), text: 'Z'.repeat(size) }
    }
    const call = (kind, size) => {
        const payload = payloads[size]
        if (kind === 'js_api') return api.echo(size ? payload.text : 'ping')
        if (kind === 'http') {
            const init = size ? { method: 'POST', body: payload.bytes } : undefined
            return fetch(httpUrl, init).then((response) => response.arrayBuffer())
        }
        if (kind === 'raw') {
            return new Promise((resolve) => {
                next = resolve
                socket.send(size ? payload.bytes : 'ping')
            })
        }
        ipc.setTransport(kind === 'fetch' ? null : auto)
        return size ? ipc.write('bench.echo', {}, payload.bytes) : ipc.request('ping')
    }
    const length = (answer) => typeof answer === 'string' ? answer.length : answer.byteLength
    const kinds = ${KINDS}
    const times = {}
    try {
        for (const size of sizes) {
            for (const kind of kinds) {
                times[`${kind} ${size}`] = []
                for (let i = 0; i < 10; i++) await call(kind, size)  // warm connections, JIT
            }
            for (let round = 0; round < rounds; round++) {
                for (const kind of kinds) {
                    const list = times[`${kind} ${size}`]
                    for (let i = 0; i < calls; i++) {
                        const started = performance.now()
                        const answer = await call(kind, size)
                        list.push(performance.now() - started)
                        if (size && length(answer) !== size) throw new Error(`${kind}: short echo`)
                    }
                }
            }
        }
    } finally {
        ipc.setTransport(auto)
        socket.close()
    }
    return { auto: auto === ipc.fetchTransport ? 'fetch' : 'conduit', resolution, times }
}"""


class Page:
    """What the window's page hands back through pywebview's ``js_api``."""

    def __init__(self) -> None:
        self.reported = threading.Event()
        self.results: dict[str, Any] | None = None
        self.error: str | None = None

    def echo(self, value: str) -> str:
        """The ``js_api`` row: the argument straight back."""
        return value

    def report(self, results: dict[str, Any]) -> None:
        self.results = results
        self.reported.set()

    def fail(self, message: str) -> None:
        """The run is over without results; the first reason given is the one kept."""
        if self.error is None:
            self.error = message
        self.reported.set()


@dataclass
class Row:
    name: str
    p50_ms: float
    p99_ms: float
    baseline: str
    baseline_p50_ms: float
    bound: str | None = None

    @property
    def ratio(self) -> float:
        return self.p50_ms / self.baseline_p50_ms


@contextlib.contextmanager
def display() -> Iterator[None]:
    """A fresh Xvfb as ``DISPLAY`` unless a display answers already."""
    if has_display():
        yield
        return
    with virtual_display() as number:
        os.environ["DISPLAY"] = number
        yield


def drive(page: Page, ready: threading.Event, arguments: dict[str, Any]) -> None:
    """On a thread of its own: once the page is ready, expose ``js_api``, start the measurement,
    wait for its report, and close the window (which stops the app)."""
    import webview

    try:
        if not ready.wait(READY_TIMEOUT):
            page.fail(f"the showcase did not report ready within {READY_TIMEOUT:.0f} s")
            return
        if page.reported.is_set():
            return  # the GUI ended before the page was ready
        native = webview.windows[0]
        native.expose(page.echo, page.report, page.fail)
        script = MEASURE.replace("${KINDS}", json.dumps(KINDS))
        # The page answers through js_api: evaluate_js would wait on the GUI thread for the
        # whole run, and its promise support is per backend.
        native.run_js(
            f"({script})({json.dumps(arguments)})"
            ".then((results) => pywebview.api.report(results),"
            " (error) => pywebview.api.fail(String(error?.stack ?? error)))"
        )
        if not page.reported.wait(REPORT_TIMEOUT):
            page.fail(f"the window's page did not report within {REPORT_TIMEOUT:.0f} s")
    except Exception as error:
        page.fail(f"driving the window failed: {error!r}")
    finally:
        for native in list(webview.windows):
            native.destroy()


@dataclass
class Results:
    """What the page measured: the auto transport's name, the clock's resolution (ms) and the
    times (ms) per ``"<kind> <size>"``."""

    auto: str
    resolution: float
    times: dict[str, list[float]]


def run(calls: int, rounds: int) -> Results:
    """Run the showcase in a window and return what its page measured."""
    page = Page()
    ready = threading.Event()
    with (
        tempfile.TemporaryDirectory(prefix="oro-bench-window-") as base,
        start_blocking_portal(backend="trio") as raw_portal,
    ):
        _, (port, http_port) = raw_portal.start_task(serve_raw_floors)
        # The data, cache and temp directories of a throwaway run, not the showcase's own.
        host = Host(
            SHOWCASE,
            plugins=[EchoPlugin()],
            data_dir=Path(base) / "data",
            cache_dir=Path(base) / "cache",
            temp_dir=Path(base) / "temp",
        )
        runner = AppRunner(host, port=0, echo=lambda line: print(line, file=sys.stderr))
        if runner.windows is None:
            raise RuntimeError("the showcase runs without the 'application' plugin")

        def on_ready(window: Window) -> None:
            if window.index == 0:
                ready.set()

        runner.windows.add_ready_listener(on_ready)
        storage = host.paths.data / "webview" if host.config["window.persistent_storage"] else None
        handlers = host.protocol_handlers
        gui = QtEngine(storage_path=storage, protocol_schemes=tuple(handlers.handlers))
        arguments = {
            "rawUrl": f"ws://127.0.0.1:{port}/",
            "httpUrl": f"http://127.0.0.1:{http_port}/echo",
            "calls": calls,
            "rounds": rounds,
            "sizes": [0, ECHO_BYTES],
        }
        driver = threading.Thread(target=drive, args=(page, ready, arguments), name="bench")
        driver.start()
        try:
            runner.run_with_gui(gui)
        finally:
            # The GUI has ended: whatever the driver still waits for will not come.
            if not page.reported.is_set():
                page.fail("the window closed before its page reported")
            ready.set()
            driver.join()
            raw_portal.call(raw_portal.stop, True)
    if page.results is None:
        raise SystemExit(f"bench/window.py: {page.error or 'the window never reported'}")
    results = page.results
    return Results(str(results["auto"]), float(results["resolution"]), results["times"])


def binned_median(times: list[float], resolution: float) -> float:
    """The median of ``times`` taken by a clock that steps by ``resolution``: interpolated
    within the median's bin (the grouped-data median), since the plain median of times that are
    all multiples of 0.1 ms can only move in 0.1 ms steps."""
    if not resolution > 0.001:
        return statistics.median(times)
    bins = sorted(round(value / resolution) for value in times)
    middle = bins[len(bins) // 2]
    below = bisect.bisect_left(bins, middle)
    inside = bisect.bisect_right(bins, middle) - below
    return (middle - 0.5 + (len(bins) / 2 - below) / inside) * resolution


def rows(results: Results) -> list[Row]:
    auto = results.auto
    p50 = {
        key: (binned_median(values, results.resolution), p50_p99(values)[1])
        for key, values in results.times.items()
    }
    table: list[Row] = []
    for size, label in ((0, "ping"), (ECHO_BYTES, "echo 64 KiB")):
        names = {
            "auto": f"{label}: ipc auto ({auto})",
            "fetch": f"{label}: ipc fetch",
            "js_api": f"{label}: js_api",
        }
        js_api, raw = p50[f"js_api {size}"][0], p50[f"raw {size}"][0]
        for kind, bound in (("auto", "<=0.5"), ("fetch", None)):
            median, tail = p50[f"{kind} {size}"]
            table.append(Row(names[kind], median, tail, "js_api", js_api, bound))
        raw_bounds = {"auto": "<=1.3" if size == 0 and auto == "conduit" else None}
        for kind in ("auto", "fetch", "js_api"):
            median, tail = p50[f"{kind} {size}"]
            table.append(Row(names[kind], median, tail, "raw ws", raw, raw_bounds.get(kind)))
        # The fetch transport's own floor: the same page fetching a bare HTTP echo.
        median, tail = p50[f"fetch {size}"]
        table.append(Row(names["fetch"], median, tail, "raw http", p50[f"http {size}"][0], "<=1.2"))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few calls (smoke run)")
    quick = parse_arguments(parser).quick
    calls, rounds = (10, 2) if quick else (100, 8)
    with display():
        results = run(calls, rounds)
    print(f"page clock resolution: {results.resolution:.3f} ms", file=sys.stderr)
    print(
        f"{'case':<34}{'p50 ms':>8}{'p99 ms':>8}   {'baseline':<10}{'base p50':>9}"
        f"{'ratio':>7}{'goal':>{GOAL_WIDTH}}"
    )
    for row in rows(results):
        print(
            f"{row.name:<34}{row.p50_ms:>8.3f}{row.p99_ms:>8.3f}   {row.baseline:<10}"
            f"{row.baseline_p50_ms:>9.3f}{row.ratio:>7.2f}{goal(row.bound)}"
        )


if __name__ == "__main__":
    main()
