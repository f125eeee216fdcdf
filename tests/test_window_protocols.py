"""Protocol handlers in a real window of each web engine (WebKitGTK and QtWebEngine) under
Xvfb: ``oro run`` of an app with ``[webview.protocol-handlers]``; a plain navigation to
``web+demo://...`` (one the page's preload never sees), or to Oro's ``weather:page`` form of a
custom scheme, reaches the scheme's worker, which serves the page and streams to it.

Needs what ``tests/_window_app.py`` says (Xvfb, both engines).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from _oro_process import until
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    new_key,
    start,
)

WORKER = """
const PREFIX = '/oro/protocol/SCHEME/'
const PAGE = `<!doctype html><html><head><title>demo page</title></head><body><script>
globalThis.arrivals = []
const source = new EventSource('feed')
source.addEventListener('tick', (event) => {
  globalThis.arrivals.push({ at: performance.now(), ...JSON.parse(event.data) })
  if (globalThis.arrivals.length === 4) {
    source.close()
    // Reported through IPC: pywebview may hold evaluations in a page that is still loading.
    // The prefix keeps the IPC layer from decoding the value as JSON. A worker's page has no
    // preload, so no window credential, and a window's title is its own window's to set
    // (issue 50): the app's page, back in the window, sets it.
    const { arrivals } = globalThis
    const report = 'report ' + JSON.stringify({ href: location.href, arrivals })
    location.replace('/index.html#' + encodeURIComponent(report))
  }
})
</script></body></html>`
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (!url.pathname.startsWith(PREFIX)) return
  const rest = url.pathname.slice(PREFIX.length)
  if (rest.endsWith('feed')) {
    event.respondWith(fetch('/ipc/diagnostics.stream.sse?count=4&interval=300&name=tick'))
  } else {
    event.respondWith(new Response(PAGE, { headers: { 'content-type': 'text/html' } }))
  }
})
"""
INDEX = """<!doctype html><html><head><meta charset="utf-8"><title>protocols</title></head>
<body><script type="module">
import { ready } from 'oro:protocol-handlers'
import { request } from 'oro:ipc'
if (location.hash.length > 1) {
  await request('window.setTitle', { value: decodeURIComponent(location.hash.slice(1)) })
} else {
  await ready('SCHEME')
  await request('window.ready')
}
</script></body></html>
"""
CONFIG = """[meta]
name = "Protocol Window"
bundle_identifier = "com.example.protocol-window"

[webview.protocol-handlers]
"SCHEME" = "/workers/demo-sw.js"
"""


def _evaluate(bridge: httpx.Client, script: str) -> Any:
    reply = bridge.get("/ipc/window.eval", params={"value": script}).json()
    assert "err" not in reply, reply
    return reply["data"]


def _report(bridge: httpx.Client, timeout: float = 30) -> Any:
    """What the page reported in the window title, once it did."""

    def reported() -> str:
        title = bridge.get("/ipc/window.getTitle").json().get("data")
        return title if isinstance(title, str) and title.startswith("report ") else ""

    return json.loads(
        until(reported, "the page reports in the window title", timeout).removeprefix("report ")
    )


@pytest.mark.parametrize(
    ("scheme", "url", "served_at"),
    [
        ("web+demo", "web+demo://page/hello?x=1", "/oro/protocol/web+demo/page/hello?x=1"),
        # Oro's custom schemes and their opaque URLs (the weather example's weather:current).
        ("weather", "weather:page/hello?x=1", "/oro/protocol/weather//page/hello?x=1"),
    ],
)
def test_a_plain_navigation_to_a_protocol_url_is_served_and_streamed_by_its_worker(
    display: str,
    engine: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    scheme: str,
    url: str,
    served_at: str,
) -> None:
    app = tmp_path / "app"
    (app / "workers").mkdir(parents=True)
    (app / "oro.toml").write_text(CONFIG.replace("SCHEME", scheme))
    (app / "index.html").write_text(INDEX.replace("SCHEME", scheme))
    (app / "workers" / "demo-sw.js").write_text(WORKER.replace("SCHEME", scheme))
    # A profile of its own: no worker of an earlier run is installed.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    key = new_key()
    with (
        start(display, engine, key, app) as oro,
        bridge_of(oro, key, "Protocol Window") as bridge,
    ):
        _evaluate(bridge, f"setTimeout(() => {{ location.href = {json.dumps(url)} }}); 1")

        report = _report(bridge)

    origin = str(bridge.base_url).rstrip("/")
    assert report["href"] == f"{origin}{served_at}"
    arrivals = report["arrivals"]
    assert [item["index"] for item in arrivals] == [0, 1, 2, 3]
    # The host sends them 300 ms apart: arriving spread out means nothing held them back.
    assert arrivals[-1]["at"] - arrivals[0]["at"] > 600, arrivals
