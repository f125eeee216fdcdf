"""A configured service worker (``[webview] service-workers``) has the app's first page, in a
real window of each web engine (WebKitGTK and QtWebEngine), as under Socket, whose runtime
starts it before the window navigates: the very first request of the page (the document) is
answered by the worker, and so is the first thing the page fetches, with no 404 and no reload.
A worker that fails to install is one warning naming it, and the page loads without it. An
app with no worker opens its page at once, as before.

Needs what ``tests/_window_app.py`` says (Xvfb, both engines).
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from _oro_process import until
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    evaluate,
    new_key,
    start,
)

CONFIG = """[meta]
name = "first-page"
bundle_identifier = "dev.oro.test.sw-first-page.{name}"

[window]
width = 480
height = 360
remember_state = false
"""

INDEX = """<!doctype html>
<html><head><title>first page</title></head><body>
<script type="module">
import { getCurrentWindow } from 'oro:window'
// Counted across loads of this tab: a reload into the worker would make it 2.
const loads = Number(sessionStorage.getItem('loads') ?? 0) + 1
sessionStorage.setItem('loads', String(loads))
const answeredBy = document.querySelector('meta[name="answered-by"]')?.content ?? 'the server'
const first = await fetch('/api/first')
globalThis.firstPage = {
  loads,
  answeredBy,
  controlled: navigator.serviceWorker.controller !== null,
  navigation: performance.getEntriesByType('navigation')[0]?.type,
  first: { status: first.status, text: await first.text() },
}
getCurrentWindow().ready()
</script>
</body></html>
"""

WORKER = """// Oro's shape of a worker: a module whose default export answers what the app's files
// do not have. The app has no index.html: its first page is the worker's, made of page.html.
export default async function (request) {
  const url = new URL(request.url)
  if (url.pathname === '/api/first') return new Response('from the worker')
  if (url.pathname === '/') {
    const answer = await fetch('/page.html')
    const mark = '<meta name="answered-by" content="the worker">'
    const page = (await answer.text()).replace('<head>', `<head>${mark}`)
    return new Response(page, { headers: answer.headers })
  }
}
"""

BROKEN_WORKER = "export default function ( {\n"


def _app(folder: Path, worker: str | None, page: str = "index.html") -> Path:
    # An app of its own each time: the engine keeps a worker in the app's profile across runs.
    config = CONFIG.format(name=secrets.token_hex(6))
    if worker is not None:
        config += '\n[webview]\nservice-workers = "/sw.js"\n'
        (folder / "sw.js").write_text(worker)
    (folder / "oro.toml").write_text(config)
    (folder / page).write_text(INDEX)
    return folder


def _first_page(display: str, engine: str, app: Path) -> tuple[dict[str, Any], str]:
    key = new_key()
    with start(display, engine, key, app) as oro:
        with bridge_of(oro, key, "first-page") as bridge:
            found = until(
                lambda: evaluate(bridge, "JSON.stringify(globalThis.firstPage ?? null)") != "null",
                "the page reports its first load",
                60,
            )
            assert found
            page: dict[str, Any] = json.loads(evaluate(bridge, "JSON.stringify(firstPage)"))
            bridge.get("/ipc/application.exit")
        oro.wait()
    return page, oro.stderr()


def test_the_worker_answers_the_first_page_and_its_first_fetch_without_a_reload(
    display: str, engine: str, tmp_path: Path
) -> None:
    page, stderr = _first_page(display, engine, _app(tmp_path, WORKER, "page.html"))
    assert page == {
        "loads": 1,
        "answeredBy": "the worker",
        "controlled": True,
        "navigation": "navigate",
        "first": {"status": 200, "text": "from the worker"},
    }, stderr
    assert "Traceback" not in stderr


def test_a_worker_that_fails_is_one_warning_and_the_page_loads_without_it(
    display: str, engine: str, tmp_path: Path
) -> None:
    page, stderr = _first_page(display, engine, _app(tmp_path, BROKEN_WORKER))
    assert (page["loads"], page["answeredBy"], page["first"]["status"]) == (1, "the server", 404)
    warnings = [line for line in stderr.splitlines() if "/sw.js did not activate" in line]
    assert len(warnings) == 1, stderr


def test_an_app_without_workers_opens_its_page_directly(
    display: str, engine: str, tmp_path: Path
) -> None:
    page, _ = _first_page(display, engine, _app(tmp_path, None))
    assert (page["loads"], page["controlled"], page["first"]["status"]) == (1, False, 404)
