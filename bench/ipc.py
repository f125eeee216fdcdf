"""IPC round trips from a real headless Chromium page, against the floor measured in the same run.

Rows (each from page JavaScript, calls made one after another and interleaved with the floor's,
so that load from other processes hits both alike; times from ``performance.now()``):

* ``oro ipc: ping`` — ``request('ping')`` from ``oro:ipc`` over the bridge (fetch transport):
  session/Host/Origin checks, router, envelope, JSON decoding and error rehydration in the page.
* ``oro ipc: echo 64 KiB`` — ``write('bench.echo', {}, bytes)``, answered as raw bytes.
* ``..., 1 empty wrapper`` — the same two calls to a second app whose one extra plugin wraps
  every route call (``oro_route_call``) and changes nothing: what a route wrapper costs
  (docs/plugins.md, "Cost"; without one the router takes the path it took before wrappers).
* Floor: the same page ``fetch``-ing a minimal HTTP/1.1 echo server (h11 on anyio, no checks,
  no envelope) running in this same process, same requests, same sizes.

* ``oro ipc: stream 10,000 chunks`` — ``request('bench.chunks', {}, {responseType: 'stream'})``
  read to its end: a handler yielding 10,000 chunks of 16 bytes at once (issue 55: the host
  writes what gathered within one event-loop step together); floor: the same page ``fetch``-ing
  the same 160,000 bytes from the bare server (``/bytes/<n>``, one write).
* ``oro ipc: ping, window <engine>`` — the ping in the page of a real window (``oro run
  examples/minimal --webview system|qt`` under Xvfb), against the same page ``fetch``-ing the
  same bare echo; each sample a batch of calls (WebKit's clock steps by 1 ms), p99 not given
  (``bench/_window_rows.py``).

Columns: p50 and p99 per call for ours and the floor, ratio = ours ÷ floor for p50, and the
goal (issue 17: 1.2, issue 55: headless and in a window on both engines). The same calls beside
pywebview's own ``js_api``: ``bench/window.py``.

Run: ``.venv/bin/python bench/ipc.py [--quick]``
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _shared import GOAL_WIDTH, EchoPlugin, goal, p50_p99, parse_arguments, serve_raw_floors
from _window_rows import window_pings
from anyio.from_thread import start_blocking_portal

import oro_framework.core.ping
from oro_framework import ByteStream, Request, Route, RouteCallWrapper, RouteTable, hookimpl
from oro_framework.testing import launch_chromium, open_app_page, served_app

APP = Path(__file__).resolve().parents[1] / "examples" / "minimal"
GOAL = "<=1.2"
"""Issue 17: an IPC call over fetch within 1.2 times a raw keep-alive HTTP echo's round trip."""
ECHO_BYTES = 64 * 1024
CHUNKS = 10_000
CHUNK_BYTES = 16


MEASURE = """async ([ours, floor, url, calls, size]) => {
    const { request, write } = await import('oro:ipc')
    const bytes = new Uint8Array(size).fill(90)
    const kinds = {
        'oro-ping': () => request('ping'),
        'oro-echo': () => write('bench.echo', {}, bytes),
        'oro-chunks': async () => {
            let length = 0
            const stream = await request('bench.chunks', {}, { responseType: 'stream' })
            for await (const chunk of stream) length += chunk.byteLength
            return { byteLength: length }
        },
        'raw-chunks': () => fetch(url + '/bytes/' + size).then(r => r.arrayBuffer()),
        'raw-ping': () => fetch(url + '/ping').then(r => r.arrayBuffer()),
        'raw-echo': () =>
            fetch(url + '/echo', { method: 'POST', body: bytes }).then(r => r.arrayBuffer()),
    }
    const times = { [ours]: [], [floor]: [] }
    for (let i = 0; i < 20; i++) { await kinds[ours](); await kinds[floor]() }  // warm up
    // Interleaved, so that load from other processes hits both alike.
    for (let i = 0; i < calls; i++) {
        for (const kind of [ours, floor]) {
            const t = performance.now()
            const answer = await kinds[kind]()
            times[kind].push(performance.now() - t)
            if (size && answer.byteLength !== size) throw new Error(`${kind}: short answer`)
        }
    }
    return times
}"""


class ChunksPlugin:
    """Route ``bench.chunks``: :data:`CHUNKS` chunks of :data:`CHUNK_BYTES`, yielded at once."""

    name = "bench-chunks"

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        async def chunks(request: Request) -> ByteStream:
            async def produce() -> AsyncIterator[bytes]:
                for _ in range(CHUNKS):
                    yield b"z" * CHUNK_BYTES

            return ByteStream(produce())

        routes.add("bench.chunks", chunks, permission="runtime")


class EmptyWrapper:
    """Wraps every route call and changes nothing."""

    name = "bench-empty-wrapper"

    @hookimpl(wrapper=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        return (yield)


@dataclass
class Row:
    name: str
    p50_ms: float
    p99_ms: float


def measure(
    page: Any, label: str, kinds: tuple[str, str], url: str, calls: int, size: int
) -> tuple[Row, Row]:
    times = page.evaluate(MEASURE, [*kinds, url, calls, size])
    ours_p50, ours_p99 = p50_p99(times[kinds[0]])
    floor_p50, floor_p99 = p50_p99(times[kinds[1]])
    return Row(label, ours_p50, ours_p99), Row(label, floor_p50, floor_p99)


def run(calls: int) -> list[tuple[Row, Row]]:
    pairs = []
    with (
        launch_chromium() as browser,
        start_blocking_portal(backend="trio") as raw_portal,
    ):
        # Both servers run in this process, each on its own trio loop thread.
        _, (_, port) = raw_portal.start_task(serve_raw_floors)
        raw_url = f"http://127.0.0.1:{port}"
        for suffix, extra in (("", []), (", 1 empty wrapper", [EmptyWrapper()])):
            plugins = [oro_framework.core.ping, EchoPlugin(), ChunksPlugin(), *extra]
            with served_app(plugins, app_dir=APP) as app:
                page = open_app_page(browser, app)
                pairs += [
                    measure(
                        page, f"oro ipc: ping{suffix}", ("oro-ping", "raw-ping"), raw_url, calls, 0
                    ),
                    measure(
                        page,
                        f"oro ipc: echo 64 KiB{suffix}",
                        ("oro-echo", "raw-echo"),
                        raw_url,
                        calls,
                        ECHO_BYTES,
                    ),
                ]
                if not extra:
                    pairs.append(
                        measure(
                            page,
                            "oro ipc: stream 10,000 chunks",
                            ("oro-chunks", "raw-chunks"),
                            raw_url,
                            max(10, calls // 10),
                            CHUNKS * CHUNK_BYTES,
                        )
                    )
                page.context.close()
        raw_portal.call(raw_portal.stop, True)
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few calls (smoke run)")
    quick = parse_arguments(parser).quick
    calls = 100 if quick else 1000
    pairs = run(calls)
    for window in window_pings(["fetch", "http"], 5 if quick else 50):
        label = f"oro ipc: ping, window {window.engine}"
        pairs.append(
            (
                Row(label, window.p50_ms["fetch"], float("nan")),
                Row(label, window.p50_ms["http"], float("nan")),
            )
        )
    print(
        f"{'case':<40}{'p50 ms':>8}{'p99 ms':>8}   {'floor p50':>9}{'floor p99':>10}{'ratio':>7}"
        f"{'goal':>{GOAL_WIDTH}}"
    )
    for ours, floor in pairs:
        print(
            f"{ours.name:<40}{ours.p50_ms:>8.3f}{ours.p99_ms:>8.3f}   {floor.p50_ms:>9.3f}"
            f"{floor.p99_ms:>10.3f}{ours.p50_ms / floor.p50_ms:>7.2f}"
            f"{goal(None if 'stream' in ours.name else GOAL)}"
        )


if __name__ == "__main__":
    main()
