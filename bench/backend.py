"""The app's own backend (``backend.py``'s ``@command``) against a plain plugin route and against
pywebview's ``js_api``: the same echo called from page JavaScript in a real window, for payloads
of 16 B, 64 KiB and 1 MiB, on both web engines, in one run, on one Xvfb.

Three ways to call ``echo(data)`` and get ``data`` back:

* ``backend`` — ``await backend.echo({ data })`` from ``oro:backend`` in the page of
  ``oro run bench/backend_app --webview <engine>``: the command layer (the page's field
  handling, the route ``backend.echo``, converting fields to arguments and the result back).
  Two commands: ``echo(data: bytes) -> bytes`` (the page sends a ``Uint8Array``: the request's
  raw body, a raw reply) and ``echo_text(data: str) -> str`` (a string: a JSON body, a JSON
  reply).
* ``route`` — the same functions as plain plugin routes in the same app and page:
  ``bench/backend_app/backend.py`` is a plugin of its app, and its ``oro_register_routes`` adds
  ``bench.echo`` (``request.body`` back) and ``bench.echo_text`` (``request.fields()['data']``
  back), called as ``oro:backend`` would call them: ``ipc.write('bench.echo', {}, bytes)`` and
  ``ipc.request('bench.echo_text', undefined, { method: 'POST', body: { data } })``. All four
  are plain ``def``, run in worker threads alike (the commands on their window's, the routes on
  the router's); the page takes the transport it gets (the Conduit when oro-conduit is
  installed: stderr says which) for all four.
* ``js_api`` — a standalone pywebview window (:data:`PYWEBVIEW`, ``webview.create_window(...,
  js_api=Api())`` with ``def echo(self, data): return data``), run by this same Python on the
  same engine: ``gui='qt'`` (QtWebEngine, as ``--webview qt``) and ``gui='gtk'`` (WebKitGTK 4.1
  through Debian's python3-gi, the engine of ``--webview system``); the page calls
  ``await window.pywebview.api.echo(text)``. pywebview carries JSON only, so its payload is a
  string of the size (ASCII: as many bytes as characters).
* ``raw http`` — the floor under all of them: the same page ``fetch``-ing a bare h11
  keep-alive echo (``_shared.serve_raw_floors``, no checks, no envelope, no router) served by
  this bench's own process, the payload as bytes.

Every payload is made once per size, before timing; every answer's length is checked. WebKit
coarsens ``performance.now()`` to 1 ms (QtWebEngine to 0.1 ms), so each sample is a batch of
calls timed together (its time ÷ the batch, :data:`BATCH`); in a page the kinds take turns
batch by batch so a noisy neighbour hits them alike. The oro app and the pywebview window are
separate processes, run one after the other in every round (an engine's app, its pywebview
window, the other engine's); each figure is the median of every sample of every round.

Rows, per engine and payload (ms per call, p50; ratio = the row's figure ÷ the baseline's):

* ``backend bytes`` ÷ ``route bytes`` and ``backend text`` ÷ ``route text``: what the command
  layer adds to the route it is built on. Goal (issue 43): at most 1.1.
* ``js_api text`` ÷ ``backend text``: the like-for-like pair (a string each way, as JSON).
  Goal (issue 43): at least 5 at 1 MiB (the backend at least five times faster).
* ``js_api text`` ÷ ``backend bytes``: what an app moving bytes gains by sending them as bytes
  (no goal).
* ``route bytes`` ÷ ``raw http bytes``: what Oro's IPC costs over a page moving the bytes to
  a bare Python HTTP echo and back (no goal): where a payload's time goes when it is not in
  the command layer.

Every app run is the real ``oro run bench/backend_app --webview <engine> --port 0`` in a
subprocess with the opt-in HTTP IPC bridge on (a random key): the bench runs the measurement in
the window's page through ``window.eval`` and polls for its result, as ``bench/engines.py``
does; single-instance off; ``XDG_DATA_HOME`` in a throwaway directory.

Run: ``.venv/bin/python bench/backend.py [--quick]`` (``--quick``: one round, few and small
batches — a smoke run whose figures mean little).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from _shared import GOAL_WIDTH, goal, parse_arguments, serve_raw_floors
from anyio.from_thread import start_blocking_portal
from engines import Window, descendants, desktop_plugin_environ, display, end_tree

from oro_framework.testing import OroProcess, headless_environ

APP: Final = Path(__file__).resolve().parent / "backend_app"
SIZES: Final = (16, 64 * 1024, 1024 * 1024)
BATCH: Final = {16: 50, 64 * 1024: 20, 1024 * 1024: 5}
"""Calls timed together as one sample, per payload size: a sample lasts well over the page
clock's 1 ms step."""
QUICK_BATCH: Final = {16: 5, 64 * 1024: 3, 1024 * 1024: 2}
ENGINES: Final = {"system": "gtk", "qt": "qt"}
"""``oro run --webview`` engine → pywebview's ``gui`` on the same engine."""
START_TIMEOUT: Final = 120.0
REPORT_TIMEOUT: Final = 600.0
"""Seconds a page has to run the measurement."""

MEASURE: Final = """async (calls, { sizes, batches, batchOf }) => {
    const times = {}
    const kinds = Object.keys(calls)
    for (const size of sizes) {
        const payload = { bytes: new Uint8Array(size).fill(90), text: 'Z'.repeat(size) }
        const batch = batchOf[size]
        const once = async (kind) => {
            const answer = await calls[kind](payload)
            const length = typeof answer === 'string' ? answer.length : answer?.byteLength
            if (length !== size) throw new Error(`${kind}: ${length} back, not ${size}`)
        }
        for (const kind of kinds) {
            times[`${kind} ${size}`] = []
            for (let i = 0; i < 3; i++) await once(kind)  // warm up: connections, JIT
        }
        for (let round = 0; round < batches; round++) {
            for (const kind of kinds) {
                const started = performance.now()
                for (let i = 0; i < batch; i++) await once(kind)
                times[`${kind} ${size}`].push((performance.now() - started) / batch)
            }
        }
    }
    return times
}"""
"""The timing loop both pages run: ``calls`` maps a kind to ``(payload) => Promise<answer>``."""

ORO_CALLS: Final = """async (rawUrl) => {
    const ipc = await import('oro:ipc')
    const { default: backend } = await import('oro:backend')
    try {
        const { transport } = await import('oro:conduit')
        await transport().conduit.connected
    } catch {}  // no oro-conduit: the transport is fetch, and stderr says so
    window.__oroBenchTransport = ipc.getTransport() === ipc.fetchTransport ? 'fetch' : 'conduit'
    return {
        'backend bytes': (p) => backend.echo({ data: p.bytes }),
        'route bytes': (p) => ipc.write('bench.echo', {}, p.bytes),
        'backend text': (p) => backend.echo_text({ data: p.text }),
        'route text': (p) =>
            ipc.request('bench.echo_text', undefined, { method: 'POST', body: { data: p.text } }),
        'raw http bytes': (p) =>
            fetch(rawUrl, { method: 'POST', body: p.bytes }).then((reply) => reply.arrayBuffer()),
    }
}"""

PYWEBVIEW: Final = """
import json, sys
import webview

arguments = json.loads(sys.argv[2])

class Api:
    def echo(self, data):
        return data

    def report(self, results):
        print(results, flush=True)  # the bench reads this line, then ends the process

PAGE = '''<!doctype html><title>js_api bench</title><h1>js_api bench</h1><script>
window.addEventListener('pywebviewready', () => {
    (%s)({ 'js_api text': (p) => window.pywebview.api.echo(p.text) }, %s).then(
        (times) => window.pywebview.api.report(JSON.stringify(times)),
        (error) => window.pywebview.api.report(
            JSON.stringify({ error: String(error?.stack ?? error) })))
})
</script>'''

page = PAGE % (sys.argv[1], json.dumps(arguments))
webview.create_window('js_api bench', html=page, js_api=Api())
webview.start(gui=arguments['gui'])
"""
"""The baseline window: pywebview as its docs show it, its page timing ``js_api.echo`` with
:data:`MEASURE`; prints the times as one JSON line. ``argv``: the measure script, the
arguments (with ``gui``)."""


@dataclass
class Settings:
    rounds: int
    batches: int
    batch: Mapping[int, int]

    def arguments(self) -> dict[str, Any]:
        return {"sizes": list(SIZES), "batches": self.batches, "batchOf": dict(self.batch)}


def run_app(
    engine: str, environ: Mapping[str, str], settings: Settings, raw_url: str
) -> dict[str, list[float]]:
    """``oro run`` of the bench app on ``engine``; the times its page measured (``raw_url``:
    the floor's HTTP echo)."""
    key = secrets.token_urlsafe(24)
    extra = {"ORO_HTTP_IPC_ENABLE": "true", "ORO_HTTP_IPC_SHARED_KEY": key}
    oro = OroProcess(
        "run",
        str(APP),
        "--webview",
        engine,
        "--port",
        "0",
        environ={**environ, **extra},
        timeout=START_TIMEOUT,
    )
    pids: list[int] = []
    with oro:
        try:
            opened = oro.wait_for_line(r"^oro: opened .* in a window")
            origin = re.search(r"http://127\.0\.0\.1:\d+", opened)
            assert origin is not None, opened
            oro.wait_for_line(r"^oro: window 0 ready$")
            window = Window(origin.group(0), key)
            times = window.resolve(
                f"({ORO_CALLS})({json.dumps(raw_url)}).then((calls) => ({MEASURE})(calls, "
                f"{json.dumps(settings.arguments())}))",
                bench="bench/backend.py",
            )
            pids = descendants(oro.process.pid)
            transport = window.eval("window.__oroBenchTransport")
            print(
                f"oro run --webview {engine}: the page's transport is {transport}", file=sys.stderr
            )
        except AssertionError as error:
            raise SystemExit(f"bench/backend.py: oro run --webview {engine}: {error}") from None
        finally:
            end_tree(oro.process, pids)
    return times


def run_pywebview(
    gui: str, environ: Mapping[str, str], settings: Settings
) -> dict[str, list[float]]:
    """The pywebview window on ``gui``; the times its page measured."""
    environ = dict(environ)
    if gui == "qt" and hasattr(os, "geteuid") and os.geteuid() == 0:
        # QtWebEngine's Chromium refuses to start as root with its sandbox on (oro's Qt
        # backend does the same).
        environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (
            environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "") + " --no-sandbox"
        ).strip()
    arguments = {**settings.arguments(), "gui": gui}
    process = subprocess.Popen(
        [sys.executable, "-c", PYWEBVIEW, MEASURE, json.dumps(arguments)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    # stderr is read on a thread: a window that logs much must not block on a full pipe.
    errors: list[str] = []
    reader = threading.Thread(target=lambda: errors.extend(process.stderr or []), daemon=True)
    reader.start()
    timer = threading.Timer(START_TIMEOUT + REPORT_TIMEOUT, process.kill)
    timer.start()
    pids: list[int] = []
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        pids = descendants(process.pid)
    finally:
        timer.cancel()
        # The window is done once it printed: pywebview's GTK loop does not always end when
        # its last window is destroyed from another thread, so the bench ends it.
        end_tree(process, pids)
        reader.join(timeout=5)
    if not line.startswith("{"):
        last = "".join(errors[-5:])
        raise SystemExit(
            f"bench/backend.py: pywebview {gui} exited ({process.returncode}):\n{last}"
        )
    results: dict[str, Any] = json.loads(line)
    if "error" in results:
        raise SystemExit(f"bench/backend.py: the pywebview page failed: {results['error']}")
    return results


def label(size: int) -> str:
    if size >= 1 << 20:
        return f"{size >> 20} MiB"
    if size >= 1 << 10:
        return f"{size >> 10} KiB"
    return f"{size} B"


@dataclass
class Row:
    case: str
    engine: str
    ours: float
    baseline: str
    base: float
    bound: str | None = None


PAIRS: Final = (
    ("backend bytes", "route bytes"),
    ("backend text", "route text"),
    ("js_api text", "backend text"),
    ("js_api text", "backend bytes"),
    ("route bytes", "raw http bytes"),
)
"""The rows of every engine and payload: (kind, baseline kind)."""


def bound(pair: tuple[str, str], size: int) -> str | None:
    """Issue 43's goals: the command layer within 1.1 times its route; the backend at least
    five times faster than ``js_api`` at 1 MiB, like for like (text each way)."""
    if pair[0].startswith("backend"):
        return "<=1.1"
    if pair == ("js_api text", "backend text") and size == SIZES[-1]:
        return ">=5"
    return None


def rows(times: Mapping[str, Mapping[str, list[float]]]) -> list[Row]:
    """``times``: per engine, every sample per ``"<kind> <size>"``."""
    table: list[Row] = []
    for engine, samples in times.items():
        p50 = {key: statistics.median(values) for key, values in samples.items()}
        for size in SIZES:
            for kind, baseline in PAIRS:
                table.append(
                    Row(
                        f"{label(size)} {kind}",
                        engine,
                        p50[f"{kind} {size}"],
                        baseline,
                        p50[f"{baseline} {size}"],
                        bound((kind, baseline), size),
                    )
                )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one round, few calls (smoke run)")
    quick = parse_arguments(parser).quick
    settings = Settings(1, 2, QUICK_BATCH) if quick else Settings(3, 10, BATCH)
    times: dict[str, dict[str, list[float]]] = {engine: {} for engine in ENGINES}
    with (
        tempfile.TemporaryDirectory(prefix="oro-bench-backend-") as directory,
        display() as number,
        start_blocking_portal(backend="trio") as portal,
    ):
        _, (_, port) = portal.start_task(serve_raw_floors)
        raw_url = f"http://127.0.0.1:{port}/echo"
        common = headless_environ(
            {
                "DISPLAY": number,
                "ORO_APPLICATION_SINGLE_INSTANCE": "false",
                "XDG_DATA_HOME": directory,
                **desktop_plugin_environ(),
            }
        )
        for round_ in range(1, settings.rounds + 1):
            for engine, gui in ENGINES.items():
                started = time.monotonic()
                found = {
                    **run_app(engine, common, settings, raw_url),
                    **run_pywebview(gui, common, settings),
                }
                for key, values in found.items():
                    times[engine].setdefault(key, []).extend(values)
                print(
                    f"round {round_} {engine}: {time.monotonic() - started:.1f} s",
                    file=sys.stderr,
                )
        portal.call(portal.stop, True)
    print(
        f"{'case':<24}{'engine':<8}{'ms':>9}  {'baseline':<15}{'base ms':>9}"
        f"{'ratio':>8}{'goal':>{GOAL_WIDTH}}"
    )
    for row in rows(times):
        print(
            f"{row.case:<24}{row.engine:<8}{row.ours:>9.3f}  {row.baseline:<15}{row.base:>9.3f}"
            f"{row.ours / row.base:>8.3g}{goal(row.bound)}"
        )


if __name__ == "__main__":
    main()
