"""Oro's service-worker protocol handlers in a real headless Chromium, with an app modelled on
Socket's weather example (files of our own): a custom scheme (``weather:``), opaque URLs, a
default-export handler reading the pathname, ``env`` kept across workers, ``ctx.client()``
messages reaching the page, the worker's own ``navigator.serviceWorker`` messages, the
``{ fetch }`` object form at scope ``/``, ``npm:`` packages from ``node_modules`` (scoped names,
``exports`` maps, bare imports inside a package), ``navigator.permissions.request`` and reserved
schemes refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import oro_sw.plugin
import pytest
from _sw_support import RELOADED_INTO_WORKER
from playwright.sync_api import Browser, Page

import oro_framework.core.protocols
from oro_framework.testing import ServedApp, app_page, served_app

CONFIG = """
[webview.protocol-handlers]
weather = "/protocols/weather/handler.js"

[webview.service-workers]
"/" = "/service-worker.js"
"""
INDEX = """<!doctype html><html><head><meta charset="utf-8"><title>weather</title></head>
<body><main></main></body></html>
"""
HANDLER = """
import { route } from 'npm:tiny-router'
import { lastAnswer } from './worker.js'

let client = null

export default async function (request, env, ctx) {
  const path = new URL(request.url).pathname
  if (request.method === 'POST' && path === '/worker/start') {
    client = await ctx.client()
    env.starts = (env.starts ?? 0) + 1
    client.postMessage({ fromWorker: 'started', starts: env.starts })
    return new Response('', { status: 200 })
  }
  if (path === '/current') {
    return Response.json({ path, url: request.url, starts: env.starts ?? 0, routed: route(path) })
  }
  if (path === '/answer') return Response.json({ answer: lastAnswer() })
  return undefined
}
"""
WORKER = """
globalThis.navigator.serviceWorker.startMessages()
let answer = null
globalThis.navigator.serviceWorker.addEventListener('message', (event) => {
  if (event.data?.answer !== undefined) answer = event.data.answer
})
export function lastAnswer () { return answer }
"""
SERVICE_WORKER = """
export default {
  async fetch (request, env, ctx) {
    const url = new URL(request.url)
    if (url.pathname === '/counter') {
      env.count = (env.count ?? 0) + 1
      return Response.json({ count: env.count })
    }
  }
}
"""
PACKAGES = {
    "tiny-router/package.json": {
        "name": "tiny-router",
        "exports": {
            ".": {"require": "./cjs/index.cjs", "import": "./esm/index.js"},
            "./extra": {"node": "./cjs/extra.cjs", "browser": "./esm/extra.js"},
            "./features/*": "./esm/features/*.js",
        },
    },
    "tiny-router/esm/index.js": "import { upper } from 'tiny-dep'\n"
    "export function route (path) { return upper(path) }\n",
    "tiny-router/esm/extra.js": "export const extra = 'extra'\nexport default 'extra default'\n",
    "tiny-router/esm/features/a.js": "export const feature = 'a'\n",
    "tiny-router/cjs/index.cjs": "module.exports = {}\n",
    "tiny-router/README.md": "not served\n",
    "tiny-dep/package.json": {"name": "tiny-dep", "module": "lib/dep.js", "main": "cjs.js"},
    "tiny-dep/lib/dep.js": "export function upper (text) { return text.toUpperCase() }\n",
    "@scope/pkg/package.json": {"name": "@scope/pkg", "main": "main.js"},
    "@scope/pkg/main.js": "export const scoped = true\n",
}


def write_app(directory: Path) -> Path:
    (directory / "oro.toml").write_text(CONFIG)
    (directory / "index.html").write_text(INDEX)
    (directory / "service-worker.js").write_text(SERVICE_WORKER)
    protocols = directory / "protocols" / "weather"
    protocols.mkdir(parents=True)
    (protocols / "handler.js").write_text(HANDLER)
    (protocols / "worker.js").write_text(WORKER)
    for name, content in PACKAGES.items():
        target = directory / "node_modules" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content if isinstance(content, str) else json.dumps(content))
    return directory


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    directory = write_app(tmp_path_factory.mktemp("weather"))
    plugins = [oro_framework.core.protocols, oro_sw.plugin]
    with served_app(plugins, app_dir=directory) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        # The page is of the "/" worker's scope: its first load reloads into that worker.
        page.wait_for_function(RELOADED_INTO_WORKER)
        yield page


START = """async () => {
  const { getServiceWorker } = await import('oro:protocol-handlers')
  const worker = await getServiceWorker({ scheme: 'weather' })
  await navigator.serviceWorker.startMessages()
  globalThis.messages = []
  const keep = (event) => globalThis.messages.push(event.data)
  navigator.serviceWorker.addEventListener('message', keep)
  const started = await fetch('weather:worker/start', { method: 'POST' })
  return { state: worker.state, status: started.status }
}"""


def test_a_default_export_handler_answers_opaque_urls_of_a_custom_scheme(page: Page) -> None:
    assert page.evaluate(START) == {"state": "activated", "status": 200}

    current = page.evaluate("async () => (await fetch('weather:current')).json()")

    # The handler reads the pathname as Oro gives it (hono's getPath), through an npm package
    # whose bare import of another package resolved too.
    assert current["path"] == "/current"
    assert current["url"] == "weather:///current"
    assert current["routed"] == "/CURRENT"
    assert current["starts"] >= 1


def test_ctx_client_messages_reach_the_pages_service_worker_listener(page: Page) -> None:
    page.evaluate(START)

    page.wait_for_function("() => globalThis.messages.length > 0", timeout=15_000)
    message = page.evaluate("() => globalThis.messages[0]")
    assert message["fromWorker"] == "started"


def test_the_worker_receives_what_the_page_posts_on_its_navigator_service_worker(
    page: Page,
) -> None:
    page.evaluate(START)

    answer = page.evaluate(
        """async () => {
          const { getServiceWorker } = await import('oro:protocol-handlers')
          const worker = await getServiceWorker({ scheme: 'weather' })
          worker.postMessage({ answer: 42 })
          for (;;) {
            const { answer } = await (await fetch('weather:answer')).json()
            if (answer !== null) return answer
          }
        }"""
    )

    assert answer == 42


def test_the_hidden_frame_of_a_scheme_is_never_the_handlers_to_answer(page: Page) -> None:
    """oro:protocol-handlers sends a scheme's requests from a frame at the scope's root: the
    app's handler is not asked for it (the weather example's hono failed on its empty path,
    answering the frame with a 500)."""
    page.evaluate(START)
    title = page.evaluate(
        "document.querySelector('iframe[data-oro-protocol-frame=\"weather\"]').contentDocument.title"
    )
    assert title == "oro"


def test_env_outlives_the_worker(chromium_browser: Browser, app: ServedApp) -> None:
    """Each browser context starts a new worker for the same registration scope: what the
    first worker kept in env, the second reads."""
    counts = []
    for _ in range(2):
        with app_page(chromium_browser, app) as page:
            page.wait_for_function(RELOADED_INTO_WORKER)
            page.evaluate(START)
            counts.append(page.evaluate("async () => (await fetch('weather:current')).json()"))
    assert counts[1]["starts"] == counts[0]["starts"] + 1


def test_the_fetch_object_form_answers_what_the_host_does_not_have_at_scope_root(
    page: Page,
) -> None:
    counts = page.evaluate(
        """async () => {
          if (!navigator.serviceWorker.controller) {
            await new Promise((resolve) =>
              navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
          }
          const first = await (await fetch('/counter')).json()
          const second = await (await fetch('/counter')).json()
          const own = await fetch('/index.html')
          return [first.count + 1 === second.count, own.status]
        }"""
    )

    assert counts == [True, 200]


def test_npm_specifiers_resolve_from_node_modules(page: Page) -> None:
    answers = page.evaluate(
        """async () => {
          // A package or an exported subpath answers a module re-exporting the file it
          // resolves to (a Service Worker may not follow a redirect of its imports).
          const answer = async (path) => {
            const response = await fetch(path)
            const text = await response.text()
            return [response.status, text.match(/from "([^"]+)"/)?.[1] ?? null]
          }
          return {
            main: await answer('/oro/npm/tiny-router'),
            extra: await answer('/oro/npm/tiny-router/extra'),
            pattern: await answer('/oro/npm/tiny-router/features/a'),
            scoped: await answer('/oro/npm/@scope/pkg'),
            module: await answer('/oro/npm/tiny-dep'),
            readme: (await fetch('/oro/npm/tiny-router/README.md')).status,
            escape: (await fetch('/oro/npm/tiny-router/..%2Ftiny-dep%2Flib%2Fdep.js')).status,
            missing: (await fetch('/oro/npm/nothing-here')).status,
            scopedModule: (await import('/oro/npm/@scope/pkg')).scoped,
            // Oro's npm loader: a module's default, or its namespace when it has none.
            defaults: [
              (await import('/oro/npm/tiny-router/extra')).default,
              (await import('/oro/npm/@scope/pkg')).default.scoped
            ],
            file: await (await fetch('/oro/npm/tiny-router/esm/index.js')).text()
          }
        }"""
    )

    assert answers == {
        "main": [200, "/oro/npm/tiny-router/esm/index.js"],
        "extra": [200, "/oro/npm/tiny-router/esm/extra.js"],
        "pattern": [200, "/oro/npm/tiny-router/esm/features/a.js"],
        "scoped": [200, "/oro/npm/@scope/pkg/main.js"],
        "module": [200, "/oro/npm/tiny-dep/lib/dep.js"],
        "readme": 404,
        "escape": 404,
        "missing": 404,
        "scopedModule": True,
        "defaults": ["extra default", True],
        # A package's bare import of another package is rewritten to its URL.
        "file": "import { upper } from '/oro/npm/tiny-dep'\n"
        "export function route (path) { return upper(path) }\n",
    }


def test_permissions_request_answers_the_engines_state(page: Page) -> None:
    states = page.evaluate(
        """async () => {
          const asked = await navigator.permissions.request({ name: 'geolocation' })
          const queried = await navigator.permissions.query({ name: 'geolocation' })
          return [asked.state, queried.state, typeof navigator.serviceWorker.startMessages]
        }"""
    )

    assert states[0] == states[1]
    assert states[2] == "function"


@pytest.mark.parametrize("scheme", ["http", "ipc", "socket", "npm", "javascript", "chrome"])
def test_reserved_schemes_are_refused_with_security_error(page: Page, scheme: str) -> None:
    names = page.evaluate(
        """async (scheme) => {
          const protocols = await import('oro:protocol-handlers')
          const names = []
          try { protocols.checkScheme(scheme) } catch (error) { names.push(error.name) }
          const { request } = await import('oro:ipc')
          try {
            const scriptURL = '/protocols/weather/handler.js'
            await request('protocol.register', { scheme, scriptURL })
          } catch (error) { names.push(error.name) }
          return names
        }""",
        scheme,
    )

    assert names == ["SecurityError", "SecurityError"]
