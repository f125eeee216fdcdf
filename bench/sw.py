"""Fetches through an oro-sw Service Worker against the same fetches without one, from the same
page in the same run (real headless Chromium).

Rows (each a p50 over fetches made one after another, times from ``performance.now()``):

* ``worker: host file`` — a fetch the worker passes to the host (fetch-first: the host has the
  file), made by a frame the worker controls; baseline: the same fetch from the page itself,
  which no worker controls.
* ``worker: 404 → handler`` — a fetch the host answers 404 and the worker's handler answers
  (fetch-first fallback); baseline: the same host-file fetch without a worker.
* ``web+bench:// → host file`` — the page's ``fetch('web+bench://x/')``: the preload maps it to
  ``/oro/protocol/web+bench/x/`` and sends it through the scheme's worker (via the hidden frame
  in the worker's scope), which fetches the same file from the host; baseline: that file fetched
  directly.

Columns: µs per fetch (p50) for ours and the baseline, ratio = ours ÷ baseline, and the goal:
at most 2x for every row, since a fetch through a worker is two fetches (the page's, intercepted,
and the worker's own to the host); no document states another (docs/service-workers.md measured
1.5 and 1.7, issue 14's closing note 1.2 for the protocol row).

Run: ``.venv/bin/python bench/sw.py [--quick]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path
from typing import Any

import oro_sw.plugin
from _shared import parse_arguments, print_ratio_header, print_ratio_row

import oro_framework.core.protocols
from oro_framework.testing import launch_chromium, open_app_page, served_app

WORKER = """import { serve } from '/oro/service-worker/worker.js'
serve((request) => {
  if (new URL(request.url).pathname === '/sw/generated') return new Response('generated')
})
"""
PAGE = "<!doctype html><html><head><meta charset=utf-8><title>bench</title></head></html>\n"

SETUP = """async () => {
  const { serviceWorker } = await import('oro:service-worker')
  const registration = await serviceWorker.register('/sw/sw.js')
  const worker = registration.installing ?? registration.waiting ?? registration.active
  if (worker.state !== 'activated') {
    await new Promise((resolve) => worker.addEventListener('statechange',
      () => { if (worker.state === 'activated') resolve() }))
  }
  const frame = document.createElement('iframe')
  frame.src = '/sw/frame.html'
  await new Promise((resolve) => { frame.onload = resolve; document.body.append(frame) })
  const controlled = frame.contentWindow.navigator.serviceWorker.controller
  if (!controlled) throw new Error('frame not controlled')
  globalThis.__frame = frame
}"""

MEASURE = """async ([where, url, calls]) => {
  const target = where === 'frame' ? globalThis.__frame.contentWindow : globalThis
  const call = () => target.fetch(url, { cache: 'no-store' }).then((r) => r.arrayBuffer())
  for (let i = 0; i < 20; i++) await call()           // warm the connection, worker and JIT
  const times = []
  for (let i = 0; i < calls; i++) {
    const t = performance.now()
    await call()
    times.push(performance.now() - t)
  }
  return times
}"""

PROTOCOL_WORKER = """self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (!url.pathname.startsWith('/oro/protocol/web+bench/')) return
  event.respondWith(fetch('/data.txt', { cache: 'no-store' }))
})
"""
CONFIG = """[webview.protocol-handlers]
"web+bench" = "/sw/protocol.js"
"""


def p50(page: Any, where: str, url: str, calls: int) -> float:
    times: list[float] = page.evaluate(MEASURE, [where, url, calls])
    return statistics.median(times) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few fetches (smoke run)")
    calls = 100 if parse_arguments(parser).quick else 1000
    with tempfile.TemporaryDirectory(prefix="oro-bench-sw-") as directory:
        app_dir = Path(directory)
        (app_dir / "index.html").write_text(PAGE)
        (app_dir / "data.txt").write_text("x" * 1024)
        (app_dir / "sw").mkdir()
        (app_dir / "sw" / "sw.js").write_text(WORKER)
        (app_dir / "sw" / "frame.html").write_text(PAGE)
        (app_dir / "sw" / "protocol.js").write_text(PROTOCOL_WORKER)
        (app_dir / "oro.toml").write_text(CONFIG)
        plugins = [oro_sw.plugin, oro_framework.core.protocols]
        with launch_chromium() as browser, served_app(plugins, app_dir=app_dir) as app:
            page = open_app_page(browser, app)
            page.evaluate(SETUP)
            baseline = p50(page, "page", "/data.txt", calls)
            rows = [
                ("worker: host file", p50(page, "frame", "/data.txt", calls)),
                ("worker: 404 → handler", p50(page, "frame", "/sw/generated", calls)),
            ]
            # The page's own fetch: the preload maps the URL and sends it through the scheme's
            # worker, which fetches the same file from the host.
            rows.append(("web+bench:// → host file", p50(page, "page", "web+bench://x/", calls)))
            page.context.close()
    print_ratio_header()
    for name, ours in rows:
        print_ratio_row(name, ours, "fetch, no worker", baseline, "<=2")


if __name__ == "__main__":
    main()
