"""A plugin's URL scheme (``oro_register_schemes``) in a real window, both engines: the engine's
own scheme handler against the same handler over the preload's ``fetch`` mapping (HTTP) and as
an IPC route over the Conduit, each against a floor measured in the same page in the same run.

Each engine runs the real ``oro run`` of a small app under Xvfb (a fresh one when no display
answers) whose ``backend.py`` serves ``clip:`` with one handler and exposes the same handler
as the route ``backend.clip_route``, with the HTTP IPC bridge on (a random key) so the bench
reaches the page through ``window.eval``. The kinds, one call after another, in batches of
:data:`BATCH` (WebKit's page clock steps by 1 ms), taking turns batch by batch:

* ``native`` — ``fetch('clip:ping')`` through the engine's own ``fetch``, kept by the page before
  the preload maps it: WebKitGTK's URI scheme handler, QtWebEngine's
  ``QWebEngineUrlSchemeHandler``, each handing the request to the host's loop;
* ``mapped`` — ``fetch('clip:ping')`` as a page makes it: the preload maps it to
  ``/oro/scheme/clip//ping`` on the bridge;
* ``conduit`` — ``request('backend.clip_route')`` over the Conduit (when oro-conduit is installed):
  the same handler as a route;
* ``http`` — the floor of a fetch: the page ``fetch``-ing a bare h11 keep-alive echo in this
  process;
* ``ws`` — the Conduit's floor: a bare WebSocket echo in this process.

Rows: p50 per call (µs) of each kind against its floor (native and mapped ÷ the raw HTTP echo,
conduit ÷ the raw WebSocket echo), and native ÷ mapped, which says whether the engine's
scheme beats HTTP in a window (below 1 it does).

Run: ``.venv/bin/python bench/schemes.py [--quick]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path
from typing import Any, Final

from _shared import parse_arguments, print_ratio_header, print_ratio_row, serve_raw_floors
from _window_rows import measure_script, window_times
from anyio.from_thread import start_blocking_portal
from engines import ENGINES, desktop_plugin_environ, display

from oro_framework.testing import headless_environ

BATCH: Final = 20

CONFIG = """[meta]
name = "Scheme bench"
bundle_identifier = "dev.oro.bench.schemes"

[application]
single_instance = false
"""

BACKEND = '''
from oro_framework import SchemeRequest, SchemeResponse, hookimpl
from oro_framework.backend import command


async def clip(request: SchemeRequest) -> SchemeResponse:
    """The scheme's handler: a few bytes, as a ping."""
    return SchemeResponse(b"pong", content_type="text/plain")


@hookimpl
def oro_register_schemes(schemes):
    schemes.add("clip", clip, doc="The bench's scheme.")


@command
async def clip_route() -> bytes:
    """The same handler as a route."""
    response = await clip(SchemeRequest("clip:ping"))
    return bytes(response.body)
'''

PAGE = """<!doctype html><html><head><title>scheme bench</title>
<script>
// A classic script runs before the preload's module maps fetch: this is the engine's own.
globalThis.engineFetch = fetch.bind(globalThis)
</script></head><body>
<script type="module">
import { getCurrentWindow } from 'oro:window'
getCurrentWindow().ready()
</script></body></html>
"""

MEASURE: Final = measure_script(
    """        native: () => engineFetch('clip:ping').then((response) => response.arrayBuffer()),
        mapped: () => fetch('clip:ping').then((response) => response.arrayBuffer()),
        conduit: () => { ipc.setTransport(conduit); return ipc.request('backend.clip_route') },
        http: () => fetch(httpUrl).then((response) => response.arrayBuffer()),
        ws: () => new Promise((resolve) => { next = resolve; socket.send('ping') }),
"""
)

KINDS: Final = ("native", "mapped", "conduit", "http", "ws")


def _app(folder: Path) -> Path:
    folder.mkdir()
    (folder / "oro.toml").write_text(CONFIG)
    (folder / "index.html").write_text(PAGE)
    (folder / "backend.py").write_text(BACKEND)
    return folder


def _measure(app: Path, engine: str, environ: dict[str, str], arguments: dict[str, Any]) -> Any:
    times = window_times(app, engine, environ, MEASURE, arguments)
    return {kind: statistics.median(values) / 1000 for kind, values in times.items()}


def run(batches: int) -> dict[str, dict[str, float]]:
    """Per engine, the p50 seconds per call of every kind."""
    results = {}
    with (
        start_blocking_portal(backend="trio") as raw_portal,
        tempfile.TemporaryDirectory(prefix="oro-bench-schemes-") as home,
        display() as number,
    ):
        _, (ws_port, http_port) = raw_portal.start_task(serve_raw_floors)
        app = _app(Path(home) / "app")
        environ = headless_environ(
            {"DISPLAY": number, "XDG_DATA_HOME": home, **desktop_plugin_environ()}
        )
        arguments = {
            "kinds": list(KINDS),
            "httpUrl": f"http://127.0.0.1:{http_port}/ping",
            "wsUrl": f"ws://127.0.0.1:{ws_port}/",
            "batch": BATCH,
            "batches": batches,
        }
        for engine in ENGINES:
            results[engine] = _measure(app, engine, environ, arguments)
        raw_portal.call(raw_portal.stop, True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer batches")
    options = parse_arguments(parser)
    results = run(batches=5 if options.quick else 25)
    print_ratio_header()
    for engine, p50 in results.items():
        print_ratio_row(f"{engine} native", p50["native"], "raw HTTP echo", p50["http"])
        print_ratio_row(f"{engine} mapped (HTTP)", p50["mapped"], "raw HTTP echo", p50["http"])
        print_ratio_row(f"{engine} conduit route", p50["conduit"], "raw WebSocket", p50["ws"])
        print_ratio_row(f"{engine} native", p50["native"], "mapped (HTTP)", p50["mapped"])
        print_ratio_row(f"{engine} native", p50["native"], "conduit route", p50["conduit"])


if __name__ == "__main__":
    main()
