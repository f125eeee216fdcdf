"""Page IPC in a real window on both engines, against the raw floors in the same page: the
window rows of ``bench/ipc.py`` (fetch ÷ raw HTTP echo) and ``bench/conduit.py`` (Conduit ÷ raw
WebSocket echo), imported as ``_window_rows`` (bench scripts run with ``bench/`` on
``sys.path``).

Each engine runs the real ``oro run examples/minimal --webview <engine> --port 0`` under Xvfb
(a fresh one when no display answers), as ``bench/engines.py`` does, with the HTTP IPC bridge
on (a random key) so the bench reaches the page through ``window.eval``. The floors are the
bare servers of :func:`_shared.serve_raw_floors`, in this process: the window's page calls
them as it calls the host. WebKit coarsens ``performance.now()`` to 1 ms (QtWebEngine to
0.1 ms), so each sample is a batch of :data:`BATCH` calls timed together; the kinds take turns
batch by batch so that a noisy neighbour hits them alike.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from _shared import serve_raw_floors
from anyio.from_thread import start_blocking_portal
from engines import ENGINES, Window, desktop_plugin_environ, display, end_tree, spawn, until_ready

from oro_framework.testing import headless_environ

MINIMAL: Final = Path(__file__).resolve().parents[1] / "examples" / "minimal"
BATCH: Final = 20

_MEASURE_HEAD: Final = """async ({ kinds, httpUrl, wsUrl, batch, batches }) => {
    const ipc = await import('oro:ipc')
    let conduit = null
    try {
        const { transport } = await import('oro:conduit')
        await transport().conduit.connected
        conduit = ipc.getTransport()
    } catch {}  // no oro-conduit: no conduit row
    const auto = ipc.getTransport()
    let socket = null
    let next = null
    if (kinds.includes('ws')) {
        socket = new WebSocket(wsUrl)
        socket.binaryType = 'arraybuffer'
        socket.onmessage = (event) => next(event.data)
        await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject })
    }
"""
_MEASURE_TAIL: Final = """\
    if (kinds.includes('conduit') && conduit === null) throw new Error('no Conduit in the page')
    const timed = async (kind) => {
        const started = performance.now()
        for (let i = 0; i < batch; i++) await calls[kind]()
        return (performance.now() - started) / batch
    }
    const times = Object.fromEntries(kinds.map((kind) => [kind, []]))
    try {
        for (let i = 0; i < 3; i++) for (const kind of kinds) await timed(kind)  // warm up
        for (let i = 0; i < batches; i++) {
            for (const kind of kinds) times[kind].push(await timed(kind))
        }
    } finally {
        ipc.setTransport(auto)
        socket?.close()
    }
    return times
}"""


def measure_script(calls: str) -> str:
    """The page function that times each kind of call the page makes, ``calls`` being the
    entries (``kind: () => promise``) of its ``calls`` object: batches of each kind in turn, over
    the page's ``ipc``, its Conduit, a raw HTTP and a raw WebSocket floor (bench/schemes.py
    times its own kinds with it)."""
    return f"{_MEASURE_HEAD}    const calls = {{\n{calls}    }}\n{_MEASURE_TAIL}"


MEASURE: Final = measure_script(
    """        fetch: () => { ipc.setTransport(null); return ipc.request('ping') },
        conduit: () => { ipc.setTransport(conduit); return ipc.request('ping') },
        http: () => fetch(httpUrl).then((response) => response.arrayBuffer()),
        ws: () => new Promise((resolve) => { next = resolve; socket.send('ping') }),
"""
)


@dataclass
class WindowPing:
    """One engine's medians (ms per call) of each kind the page measured."""

    engine: str
    p50_ms: dict[str, float]


def window_times(
    app: Path, engine: str, environ: dict[str, str], script: str, arguments: dict[str, Any]
) -> dict[str, list[float]]:
    """``oro run`` of ``app`` in a real window of ``engine``: what the page function ``script``
    (a :func:`measure_script`) answered for ``arguments``, each kind's batch times in ms."""
    oro, key = spawn(app, engine, environ)
    with oro:
        try:
            window = Window(until_ready(oro), key)
            times: dict[str, list[float]] = window.resolve(
                f"({script})({json.dumps(arguments)})", bench="bench/_window_rows.py"
            )
        finally:
            end_tree(oro.process, [])
    return times


def _measure(engine: str, environ: dict[str, str], arguments: dict[str, Any]) -> WindowPing:
    times = window_times(MINIMAL, engine, environ, MEASURE, arguments)
    return WindowPing(engine, {kind: statistics.median(values) for kind, values in times.items()})


def window_pings(kinds: Sequence[str], batches: int) -> list[WindowPing]:
    """``request('ping')`` per ``kinds`` (``fetch``, ``conduit``; the floors ``http``, ``ws``)
    from the page of a real window, one run per engine of :data:`engines.ENGINES`."""
    results = []
    with (
        start_blocking_portal(backend="trio") as raw_portal,
        tempfile.TemporaryDirectory(prefix="oro-bench-window-ipc-") as home,
        display() as number,
    ):
        _, (ws_port, http_port) = raw_portal.start_task(serve_raw_floors)
        environ = headless_environ(
            {
                "DISPLAY": number,
                "ORO_APPLICATION_SINGLE_INSTANCE": "false",
                "XDG_DATA_HOME": home,
                **desktop_plugin_environ(),
            }
        )
        arguments = {
            "kinds": list(kinds),
            "httpUrl": f"http://127.0.0.1:{http_port}/ping",
            "wsUrl": f"ws://127.0.0.1:{ws_port}/",
            "batch": BATCH,
            "batches": batches,
        }
        for engine in ENGINES:
            results.append(_measure(engine, environ, arguments))
        raw_portal.call(raw_portal.stop, True)
    return results
