"""Issue 50 in a real Chromium: a Worker of window 0's page carries no window credential, so it
controls no window, not even the page's own. Before, its `window.navigate` and `window.close`
went to window 0 (the default for a request proving no window)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

import oro_framework.core.application
from oro_framework.testing import ServedApp, served_app

PAGE = "<!doctype html><html><head><title>control</title></head><body>page</body></html>"

# The worker asks for what issue 50 did, with the page's session (a same-origin fetch sends the
# cookie) and nothing else: a worker has no window credential.
IN_A_WORKER = """async () => {
  const source = `
    const origin = ${JSON.stringify(location.origin)}
    const ask = async (path) => (await (await fetch(origin + path)).json()).err?.code ?? 'done'
    postMessage({
      navigate: await ask('/ipc/window.navigate?url=/other.html&targetWindowIndex=0'),
      eval: await ask('/ipc/window.eval?value=1&targetWindowIndex=0'),
      close: await ask('/ipc/window.close'),
      send: await ask('/ipc/window.send?event=hello&targetWindowIndex=0'),
      create: await ask('/ipc/window.create'),
    })`
  const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })),
    { type: 'module' })
  return await new Promise((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data)
    worker.onerror = (event) => reject(new Error(event.message))
  })
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    app_dir: Path = tmp_path_factory.mktemp("app")
    (app_dir / "index.html").write_text(PAGE)
    with served_app([oro_framework.core.application], app_dir=app_dir) as served:
        yield served


def test_a_worker_controls_no_window(chromium_browser: Browser, app: ServedApp) -> None:
    context = chromium_browser.new_context()
    try:
        page = context.new_page()
        page.goto(app.server.window_launch_url("/", window=0))
        page.wait_for_function("() => globalThis.__args?.index === 0", timeout=15_000)

        answers = page.evaluate(IN_A_WORKER)
        window = app.server.host.windows.get(0)
    finally:
        context.close()

    assert answers == {
        "navigate": "ERR_NO_WINDOW",
        "eval": "ERR_NO_WINDOW",
        "close": "ERR_NO_WINDOW",
        "send": "ERR_NO_WINDOW",
        "create": "ERR_NO_WINDOW",
    }
    assert window.is_open
    assert window.url is None or "other.html" not in window.url
