"""Plugins extending every Service Worker of the app (``oro_service_worker_modules``), as a
third party ships it: distributions built into wheels outside the repository and installed
into a folder of their own, loaded by their entry points, in real pages on both engines.

oro-swext answers ``/swext/...`` before the app's handler; oro-swbroken's extension throws on
every request and oro-swodd's exports no handler. Each fault stays in its plugin, named, and
the workers keep serving the app: an Oro-module worker and a ``serve()`` one."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import oro_sw.plugin
import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing import (
    ServedApp,
    WebKitBrowser,
    WebKitPage,
    app_page,
    installed_plugin,
    served_app,
)

sys.path.insert(0, str(Path(__file__).parent.parent))
from _clipnotes import install_distributions, write_distribution

HEADER = "// @module {specifier}\n/** A worker extension of {plugin}. */\nexport {{}}\n"

SWEXT = {
    "src/oro_swext/__init__.py": "",
    "src/oro_swext/plugin.py": """
        from oro_framework import Plugin

        plugin = Plugin(api=1, js_modules="js", service_worker="oro:swext/worker")
    """,
    "src/oro_swext/js/worker.js": """
        // Answers its own paths first in every worker; the rest goes on to the app.
        export default {
          async fetch (request, env) {
            const url = new URL(request.url)
            if (url.pathname === '/swext/ping') return new Response('pong from swext')
            if (url.pathname === '/swext/failures') {
              return Response.json(globalThis.__oroWorkerExtensions.failures.map((f) => f.message))
            }
            if (url.pathname === '/swext/env') return Response.json({ kept: env !== null })
          }
        }
    """,
    "src/oro_swext/js/worker.d.ts": HEADER.format(specifier="oro:swext/worker", plugin="swext"),
}

SWBROKEN = {
    "src/oro_swbroken/__init__.py": "",
    "src/oro_swbroken/plugin.py": """
        from oro_framework import Plugin

        plugin = Plugin(api=1, js_modules="js", service_worker="oro:swbroken/worker")
    """,
    "src/oro_swbroken/js/worker.js": """
        export default function () { throw new TypeError('swbroken exploded') }
    """,
    "src/oro_swbroken/js/worker.d.ts": HEADER.format(
        specifier="oro:swbroken/worker", plugin="swbroken"
    ),
}

SWODD = {
    "src/oro_swodd/__init__.py": "",
    "src/oro_swodd/plugin.py": """
        from oro_framework import Plugin

        plugin = Plugin(api=1, js_modules="js", service_worker="oro:swodd/worker")
    """,
    "src/oro_swodd/js/worker.js": "export default 42\n",
    "src/oro_swodd/js/worker.d.ts": HEADER.format(specifier="oro:swodd/worker", plugin="swodd"),
}

APP = {
    "index.html": "<!doctype html><html><head><title>app</title></head><body></body></html>\n",
    "sw.js": """
        // The app's own worker, an Oro module: it answers what the host does not have.
        export default {
          async fetch (request) {
            const url = new URL(request.url)
            if (url.pathname === '/app/answer') return new Response('app answered')
            if (url.pathname === '/swext/ping') return new Response('app (never: swext first)')
          }
        }
    """,
    "served/index.html": "<!doctype html><html><head><title>served</title></head></html>\n",
    "served/sw.js": """
        import { serve } from '/oro/service-worker/worker.js'
        serve(async (request) => {
          if (new URL(request.url).pathname === '/served/app') return new Response('serve() app')
        })
    """,
}

# The page's own registration, which oro-sw's preload sends through the shell (as every
# configured worker and protocol handler goes).
REGISTER = """async ([script, scope]) => {
  const registration = await navigator.serviceWorker.register(script, { scope, type: 'module' })
  const worker = registration.installing ?? registration.waiting ?? registration.active
  if (worker.state !== 'activated') {
    await new Promise((resolve) => worker.addEventListener('statechange',
      () => { if (worker.state === 'activated') resolve() }))
  }
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
  }
  return navigator.serviceWorker.controller.scriptURL
}"""

TEXT = "async (url) => { const r = await fetch(url); return [r.status, await r.text()] }"
JSON = "async (url) => (await fetch(url)).json()"


def _write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def plugins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[object]]:
    root = tmp_path_factory.mktemp("sw-extension-plugins")
    projects = [
        write_distribution(root / name, f"oro-{name}", f'{name} = "oro_{name}.plugin"', files)
        for name, files in (("swbroken", SWBROKEN), ("swext", SWEXT), ("swodd", SWODD))
    ]
    site = install_distributions(root / "site", *projects)
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(site))
        yield [installed_plugin(name) for name in ("swbroken", "swext", "swodd")]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, plugins: list[object]) -> Iterator[ServedApp]:
    app_dir = _write(tmp_path_factory.mktemp("sw-extension-app"), APP)
    with served_app([oro_sw.plugin, *plugins], app_dir=app_dir) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page | WebKitPage]:
    with app_page(browser, app) as page:
        yield page


def test_an_installed_plugin_answers_in_the_apps_worker_before_the_apps_handler(
    page: Page | WebKitPage, app: ServedApp
) -> None:
    assert page.evaluate(REGISTER, ["/sw.js", "/"]).endswith("/shell.js?script=%2Fsw.js")

    assert page.evaluate(TEXT, "/swext/ping") == [200, "pong from swext"]
    assert page.evaluate(JSON, "/swext/env") == {"kept": True}
    # What no extension answers reaches the app's handler and the host as without them.
    assert page.evaluate(TEXT, "/app/answer") == [200, "app answered"]
    assert page.evaluate(TEXT, "/index.html")[1].startswith("<!doctype html>")


def test_a_faulty_extension_stays_in_its_plugin_named_and_the_worker_serves_the_app(
    page: Page | WebKitPage, app: ServedApp
) -> None:
    page.evaluate(REGISTER, ["/sw.js", "/"])
    assert page.evaluate(TEXT, "/app/answer") == [200, "app answered"]

    failures = page.evaluate(JSON, "/swext/failures")

    origin = app.server.origin
    assert failures[0] == (
        'oro-sw: the service worker extension oro:swodd/worker of plugin "swodd" exports no '
        "fetch handler (export default { fetch (request, env, ctx) { ... } }): left out"
    )
    assert (
        'oro-sw: the service worker extension oro:swbroken/worker of plugin "swbroken" failed '
        f"on GET {origin}/app/answer: TypeError: swbroken exploded: passed on"
    ) in failures
    assert not any('of plugin "swext"' in failure for failure in failures)


def test_a_worker_using_serve_asks_the_extensions_first(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> None:
    with app_page(browser, app, "/served/index.html") as page:
        shell = page.evaluate(REGISTER, ["/served/sw.js", "/served/"])
        assert shell.endswith("/shell.js?script=%2Fserved%2Fsw.js")

        # /swext/ is outside the worker's scope: the page's fetch of it is still the worker's.
        assert page.evaluate(TEXT, "/swext/ping") == [200, "pong from swext"]
        assert page.evaluate(TEXT, "/served/app") == [200, "serve() app"]
