"""Isolated plugins (issue 74): the same plugin in the host's process and in a process of its
own, each row both ways in one run.

The plugin is ``bench/isolation_plugins/oro_bench_isolation``, loaded twice into one served
host: as ``oro_bench_isolation.local`` (routes ``bench.local.*``, in the host) and as
``oro_bench_isolation.isolated`` (``bench.isolated.*``, ``[plugins] isolate``). Its routes:
``ping`` (``"pong"``), ``echo`` (the body back as bytes) and ``stream`` (``size`` bytes in
chunks of ``chunk``). ``bench/isolation_plugins`` goes on ``PYTHONPATH``, for the host and the
plugin's process.

Rows (the baseline of each is the in-process plugin, measured in the same run):

* ``ping``, ``echo 64 KiB`` (p50 ms per call) and ``stream 64 MiB`` (MiB/s read to the end,
  chunks of 64 KiB) from a real headless Chromium page (``oro:ipc``), over the fetch transport
  (HTTP to ``/ipc/...`` of the served host) and over the Conduit (oro-conduit's WebSocket);
  calls to the two plugins interleaved, so that load from other processes hits both alike.
  ``performance.now()`` is coarsened to 100 µs in such a page, so with 200 calls or more each
  sample is a batch of 10 calls. Goals: ping ≤ 1.5 times in process; stream ≥ 0.7 times its
  throughput; echo none.
* ``ping (memory)``: the same pings from the served host's loop in memory
  (:class:`~oro_framework.testing.MemoryClient`), no transport: what the channel alone adds;
  and that against the floor of any process boundary, a round trip of 40 bytes over a socket
  pair to a bare trio process echoing them (``socketpair rt``). No goal: they say where a
  ping's time goes.
* ``..., loaded``: the ping and the stream (a quarter of the calls and bytes) again while two
  busy-loop processes hold the machine's cores (a user's build running beside the app).
* ``start-up, N isolated``: ``oro run --headless`` of a one-page app (every installed plugin)
  from spawn until ``/ipc/zlib.capabilities`` answers, with ``[plugins] isolate`` naming N of
  the installed plugins, against the same app with none isolated, rounds interleaved. Goal:
  + ≤ 50 ms per isolated plugin, written as the ratio it allows in this run.
* ``PSS, ...``: the proportional set size (``/proc/<pid>/smaps_rollup``) of each isolated
  plugin's process, after the rows above (the bench plugin) and once ``oro run`` answered
  (oro-zlib), against a bare ``python`` started the same way, its floor. Goal: ≤ 25 MiB per
  isolated plugin, written as the ratio it allows in this run.

What each row says in absolute terms (ms added, MiB) goes to stderr after the table.

Run: ``.venv/bin/python bench/isolation.py [--quick]``
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import httpx
import trio
from _shared import GOAL_WIDTH, goal, parse_arguments, spawn_until
from oro_conduit import plugin as conduit_plugin

import oro_framework.core.ping
from oro_framework import Host
from oro_framework.testing import (
    MemoryClient,
    ServedApp,
    launch_chromium,
    open_app_page,
    served_app,
)

BENCH: Final = Path(__file__).resolve().parent
PLUGINS: Final = BENCH / "isolation_plugins"
APP: Final = BENCH.parent / "examples" / "minimal"
ORO: Final = str(Path(sys.executable).with_name("oro"))
LAUNCH_URL: Final = re.compile(r"http://127\.0\.0\.1:\d+/\?oro_launch=\S+")
ISOLATED: Final = "oro_bench_isolation.isolated"
MIB: Final = 1 << 20
ECHO_BYTES: Final = 64 * 1024
CHUNK_BYTES: Final = 64 * 1024
PSS_BUDGET: Final = 25 * MIB
STARTUP_BUDGET: Final = 0.050
"""Seconds each isolated plugin may add to the start-up (issue 74)."""
STARTUP_ISOLATED: Final = (("zlib",), ("zlib", "sqlite", "udp"))
"""The installed plugins isolated in each start-up row (entry-point names)."""
STARTUP_TIMEOUT: Final = 60.0

RAW_ECHO: Final = """
import socket, sys, trio
async def main():
    end = trio.socket.from_stdlib_socket(socket.socket(fileno=int(sys.argv[1])))
    while data := await end.recv(65536):
        await end.send(data)
trio.run(main)
"""
"""The floor of any plugin in another process: a trio process sending back what comes over its
end of a socket pair (no frames, no router)."""

MEASURE: Final = """async ([op, transport, calls, size, chunk]) => {
    const ipc = await import('oro:ipc')
    const conduit = await import('oro:conduit')
    await conduit.transport().conduit.connected
    const bytes = new Uint8Array(op === 'echo' ? size : 0).fill(90)
    const read = async (stream) => {
        let length = 0
        for await (const piece of stream) length += piece.byteLength
        return length
    }
    const kinds = {
        ping: (who) => ipc.request(`bench.${who}.ping`),
        echo: async (who) => (await ipc.write(`bench.${who}.echo`, {}, bytes)).byteLength,
        stream: async (who) => read(
            await ipc.request(`bench.${who}.stream`, { size, chunk }, { responseType: 'stream' })
        ),
    }
    const call = kinds[op]
    const batch = op !== 'stream' && calls >= 200 ? 10 : 1
    const run = async (who) => {
        const t = performance.now()
        for (let j = 0; j < batch; j++) {
            const answer = await call(who)
            if (op !== 'ping' && answer !== size) throw new Error(`${who} ${op}: ${answer} bytes`)
        }
        return (performance.now() - t) / batch / 1000
    }
    const previous = transport === 'fetch' ? ipc.setTransport(null) : null
    try {
        for (let i = 0; i < (op === 'stream' ? 1 : 20); i++) {   // warm up
            for (const who of ['local', 'isolated']) await run(who)
        }
        const times = { local: [], isolated: [] }
        for (let i = 0; i < calls; i += batch) {
            for (const who of ['local', 'isolated']) times[who].push(await run(who))
        }
        return times
    } finally {
        if (previous) ipc.setTransport(previous)
    }
}"""
"""Seconds per call (per read stream) of each plugin, calls interleaved."""


@dataclass
class Row:
    """One row: ``ours`` (isolated) against ``base`` (its baseline), in ``unit``."""

    case: str
    ours: float
    baseline: str
    base: float
    unit: str
    bound: str | None

    @property
    def ratio(self) -> float:
        return self.ours / self.base


@contextmanager
def busy_loops(count: int = 2) -> Iterator[None]:
    """``count`` processes spinning on a core each while the block runs."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def page_rows(
    page: Any, calls: int, stream_bytes: int, runs: int, *, loaded: bool = False
) -> list[Row]:
    """The ping, echo (not ``loaded``) and stream rows of ``page``, over fetch and the
    Conduit."""
    rows = []
    suffix = ", loaded" if loaded else ""
    calling = [("ping", "ping")] if loaded else [("ping", "ping"), ("echo", "echo 64 KiB")]
    for transport in ("fetch", "conduit"):
        for op, label in calling:
            times = page.evaluate(MEASURE, [op, transport, calls, ECHO_BYTES, 0])
            rows.append(
                Row(
                    f"{label} ({transport}){suffix}",
                    statistics.median(times["isolated"]) * 1000,
                    "in process",
                    statistics.median(times["local"]) * 1000,
                    "ms",
                    "<=1.5" if op == "ping" else None,
                )
            )
        times = page.evaluate(MEASURE, ["stream", transport, runs, stream_bytes, CHUNK_BYTES])
        rate = stream_bytes / MIB
        rows.append(
            Row(
                f"stream {stream_bytes // MIB} MiB ({transport}){suffix}",
                rate / statistics.median(times["isolated"]),
                "in process",
                rate / statistics.median(times["local"]),
                "MiB/s",
                ">=0.7",
            )
        )
    return rows


async def memory_pings(host: Host, end: socket.socket, calls: int) -> dict[str, float]:
    """Seconds per ping of each plugin called in memory (no transport), and per round trip of
    40 bytes over ``end`` to :data:`RAW_ECHO`'s process; batches of the three interleaved."""
    client = MemoryClient(host, window=0)
    raw_end = trio.socket.from_stdlib_socket(end)

    async def ping(who: str) -> None:
        reply = await client.call(f"bench.{who}.ping")
        assert reply.data == "pong", reply

    async def raw() -> None:
        await raw_end.send(b"x" * 40)
        await raw_end.recv(65536)

    kinds = {"local": lambda: ping("local"), "isolated": lambda: ping("isolated"), "raw": raw}
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(max(5, calls // 20)):
        for kind, call in kinds.items():
            started = time.perf_counter()
            for _ in range(20):
                await call()
            times[kind].append((time.perf_counter() - started) / 20)
    return {kind: statistics.median(samples) for kind, samples in times.items()}


def memory_rows(app: ServedApp, calls: int) -> list[Row]:
    """The ping in memory against the plugin in process, and against the OS's round trip."""
    mine, theirs = socket.socketpair()
    echo = subprocess.Popen(
        [sys.executable, "-c", RAW_ECHO, str(theirs.fileno())], pass_fds=(theirs.fileno(),)
    )
    theirs.close()
    try:
        seconds = app.call(memory_pings, app.host, mine, calls)
    finally:
        mine.close()
        echo.wait()
    isolated = seconds["isolated"] * 1000
    return [
        Row("ping (memory)", isolated, "in process", seconds["local"] * 1000, "ms", None),
        Row(
            "ping (memory) vs OS floor",
            isolated,
            "socketpair rt",
            seconds["raw"] * 1000,
            "ms",
            None,
        ),
    ]


def isolated_children(pid: int) -> list[int]:
    """The isolated plugins' processes among ``pid``'s children."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"isolation_child" in command:
                found.append(int(child))
    return found


def pss(pid: int) -> int:
    """The proportional set size of process ``pid``, in bytes."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no Pss in /proc/{pid}/smaps_rollup")


def bare_python_pss() -> int:
    """The PSS of a bare ``python`` that has started and waits: the floor of any process."""
    command = [sys.executable, "-c", "import sys; print('ready', flush=True); sys.stdin.read()"]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        process.stdout.readline()
        return pss(process.pid)
    finally:
        process.kill()
        process.wait()


def served_rows(calls: int, stream_bytes: int, runs: int) -> tuple[list[Row], int]:
    """The page rows, idle and loaded, and the isolated bench plugin's PSS after them."""
    plugins = [
        oro_framework.core.ping,
        conduit_plugin,
        importlib.import_module("oro_bench_isolation.local"),
        importlib.import_module(ISOLATED),
    ]
    config = {"plugins.isolate": [ISOLATED]}
    with launch_chromium() as browser, served_app(plugins, app_dir=APP, config=config) as app:
        page = open_app_page(browser, app)
        rows = page_rows(page, calls, stream_bytes, runs)
        rows += memory_rows(app, calls)
        with busy_loops():
            # Shorter: the busy loops slow every process on the machine.
            rows += page_rows(page, calls // 4, stream_bytes // 4, 3, loaded=True)
        page.context.close()
        (child,) = isolated_children(os.getpid())
        return rows, pss(child)


def _until_answered(client: httpx.Client, url: str, started: float, what: str) -> float:
    while client.get(url).status_code != 200:
        if time.perf_counter() - started > STARTUP_TIMEOUT:
            raise SystemExit(f"bench/isolation.py: {what} never answered")
        time.sleep(0.002)
    return time.perf_counter() - started


def startup_round(app: Path) -> tuple[float, float, list[int]]:
    """Seconds from spawning ``oro run --headless`` of ``app`` until its first ping (a core
    route: the app has started) and until oro-zlib answers (its process has checked in), and
    the PSS of each isolated plugin's process then."""
    started = time.perf_counter()
    process, found = spawn_until([ORO, "run", str(app), "--headless"], LAUNCH_URL)
    try:
        with httpx.Client(timeout=10) as client:
            client.get(found.group(0))
            base = found.group(0).split("/?", 1)[0]
            ping = _until_answered(client, base + "/ipc/ping", started, f"{app.name}: ping")
            url = base + "/ipc/zlib.capabilities"
            zlib = _until_answered(client, url, started, f"{app.name}: oro-zlib")
        return ping, zlib, [pss(child) for child in isolated_children(process.pid)]
    finally:
        process.terminate()
        process.wait()


def startup_rows(rounds: int, floor: int) -> list[Row]:
    """The start-up rows and oro-zlib's PSS under ``oro run``, rounds interleaved."""
    with tempfile.TemporaryDirectory() as directory:
        apps = {}
        for isolated in ((), *STARTUP_ISOLATED):
            app = Path(directory) / (",".join(isolated) or "none")
            app.mkdir()
            names = ", ".join(f'"{name}"' for name in isolated)
            (app / "oro.toml").write_text(
                '[meta]\nname = "Isolation Bench"\nbundle_identifier = "dev.oro.isolation-bench"'
                f"\n\n[plugins]\nisolate = [{names}]\n"
            )
            (app / "index.html").write_text("<!doctype html><title>isolation</title>")
            apps[isolated] = app
        pings: dict[tuple[str, ...], list[float]] = {isolated: [] for isolated in apps}
        answers: dict[tuple[str, ...], list[float]] = {isolated: [] for isolated in apps}
        zlib_pss = []
        for _ in range(rounds):
            for isolated, app in apps.items():
                ping, answer, sizes = startup_round(app)
                pings[isolated].append(ping)
                answers[isolated].append(answer)
                if isolated == STARTUP_ISOLATED[0]:
                    zlib_pss += sizes
    rows = []
    # The app's start-up (its first ping) has the goal; the isolated plugin's first answer
    # waits for its process to import and build its host, which the app does not wait for.
    for label, seconds, has_goal in (
        ("first ping", pings, True),
        ("oro-zlib answers", answers, False),
    ):
        base = statistics.median(seconds[()])
        for isolated in STARTUP_ISOLATED:
            bound = f"<={1 + len(isolated) * STARTUP_BUDGET / base:.3f}" if has_goal else "-"
            rows.append(
                Row(
                    f"start-up to {label}, {len(isolated)} isolated",
                    statistics.median(seconds[isolated]),
                    "none isolated",
                    base,
                    "s",
                    bound,
                )
            )
    rows.append(pss_row("PSS, oro-zlib (oro run)", statistics.median(zlib_pss), floor))
    return rows


def pss_row(case: str, size: float, floor: int) -> Row:
    return Row(case, size / MIB, "bare python", floor / MIB, "MiB", f"<={PSS_BUDGET / floor:.2f}")


def explain(rows: list[Row]) -> None:
    """Each row in absolute terms, on stderr."""
    print("\nisolated against in process (or its floor):", file=sys.stderr)
    for row in rows:
        if row.unit == "s":
            count = int(row.case.split(", ")[1].split()[0])
            added = (row.ours - row.base) * 1000
            print(
                f"  {row.case}: +{added:.0f} ms in all, {added / count:.0f} ms per isolated "
                f"plugin (goal: {STARTUP_BUDGET * 1000:.0f})",
                file=sys.stderr,
            )
        elif row.unit == "MiB":
            print(
                f"  {row.case}: {row.ours:.1f} MiB (goal: {PSS_BUDGET / MIB:.0f}; a bare python "
                f"{row.base:.1f})",
                file=sys.stderr,
            )
        elif row.unit == "ms":
            print(f"  {row.case}: +{(row.ours - row.base) * 1000:.0f} µs a call", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few calls, 8 MiB (smoke run)")
    quick = parse_arguments(parser).quick
    calls, stream_bytes, runs, rounds = (50, 8 * MIB, 2, 2) if quick else (1000, 64 * MIB, 5, 7)
    # The host imports the bench plugin from here, and the isolated plugin's process too.
    sys.path.insert(0, str(PLUGINS))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(PLUGINS), os.environ.get("PYTHONPATH")])
    )
    floor = bare_python_pss()
    rows, child = served_rows(calls, stream_bytes, runs)
    rows.append(pss_row("PSS, bench plugin (served)", child, floor))
    rows += startup_rows(rounds, floor)
    print(
        f"{'case':<34}{'isolated':>10}  {'baseline':<14}{'base':>10}  {'unit':<6}{'ratio':>7}"
        f"{'goal':>{GOAL_WIDTH}}"
    )
    for row in rows:
        print(
            f"{row.case:<34}{row.ours:>10.3f}  {row.baseline:<14}{row.base:>10.3f}  {row.unit:<6}"
            f"{row.ratio:>7.3f}{goal(row.bound)}"
        )
    explain(rows)


if __name__ == "__main__":
    main()
