"""Oro/Socket apps as they are, in a real headless Chromium against the real bridge (issue 40):
``socket:`` specifiers in pages, module workers, service workers and dynamic ``import()``;
``oro:index``, ``oro:runtime`` and ``oro:backend``; the app's import map file; a page's own
meta CSP written for Oro's ``ipc:`` scheme; and a CSP that keeps Oro out, which stays as it
is and is named in the host's log. One app and one page serve most tests."""

from __future__ import annotations

import itertools
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import oro_fs.plugin
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

import oro_framework.core.application
import oro_framework.core.os
import oro_framework.core.ping
import oro_framework.core.protocols
from oro_framework import JSModuleTable, hookimpl
from oro_framework.testing import ServedApp, app_page, served_app
from oro_framework.testing.process import ORO, headless_environ
from oro_framework.web.preload import build_import_map
from oro_framework.web.specifiers import resolve_specifier, rewrite_imports

PAGE: Final = "<!doctype html><html><head><title>compat</title></head><body></body></html>"
# create-socket-app's vanilla template's policy, as it ships.
VANILLA_CSP: Final = """<!doctype html>
<html>
  <head>
    <meta
      http-equiv="Content-Security-Policy"
      content="
        connect-src http://localhost:8080 ipc://* file://* socket:*;
        child-src 'none';
        img-src https: data: file:;
      "
    >
    <title>Hello, World</title>
  </head>
  <body><h1>Hello, World</h1></body>
</html>
"""
STRICT_CSP: Final = """<!doctype html><html><head>
<meta http-equiv="Content-Security-Policy" content="connect-src https:">
<title>strict</title></head><body></body></html>
"""
WORKER: Final = """
import { join } from 'socket:path'
import { Buffer } from 'oro:buffer'
import * as fsp from 'socket:fs/promises'
import { format } from "node:util"
const util = await import('socket:util')
const all = await import('socket:index')
postMessage({
  join: join('a', 'b'),
  base64: Buffer.from('hi').toString('base64'),
  readFile: typeof fsp.readFile,
  format: format('%s!', 'x'),
  dynamic: typeof util.inspect,
  index: typeof all.default.path.join,
})
"""
SERVICE_WORKER: Final = """
import { join } from 'socket:path'
import { Buffer } from 'oro:buffer'
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
self.addEventListener('fetch', (event) => {
  if (new URL(event.request.url).pathname !== '/sw-probe') return
  event.respondWith(Response.json({ join: join('x', 'y'), hex: Buffer.from('ok').toString('hex') }))
})
"""
DYNAMIC: Final = """
export async function load () {
  const os = await import('socket:os')
  const { sep } = await import(`oro:path`.replace('oro', 'socket'))
  return { eol: os.EOL, sep }
}
"""
IMPORT_MAP: Final = '{"imports": {"pathy": "socket:path", "own/": "/lib/"}}'


class ProbePlugin:
    """Modules whose evaluation records itself (``globalThis.__probes``): what a module graph
    really loaded, for the differential test of the rewriting."""

    name = "probes"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        for name in PROBES:
            (directory / f"{name}.js").write_text(
                f"(globalThis.__probes ??= []).push('{name}')\nexport const name = '{name}'\n"
            )

    @hookimpl
    def oro_register_js_modules(self, modules: JSModuleTable) -> None:
        for name in PROBES:
            modules.add(f"oro:{name}", self.directory / f"{name}.js")


PROBES: Final = ("probe-a", "probe-b", "probe-c")


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("compat")
    files = {
        "oro.toml": '[meta]\nname = "compat"\n[webview]\nimportmap = "importmap.json"\n',
        "importmap.json": IMPORT_MAP,
        "index.html": PAGE,
        "vanilla.html": VANILLA_CSP,
        "strict.html": STRICT_CSP,
        "worker.js": WORKER,
        "sw.js": SERVICE_WORKER,
        "dynamic.js": DYNAMIC,
        "lib/helper.js": "export const helper = 'from the app import map'\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def app(app_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    plugins = [
        oro_framework.core.application,
        oro_framework.core.os,
        oro_framework.core.ping,
        oro_framework.core.protocols,
        oro_fs.plugin,
        ProbePlugin(tmp_path_factory.mktemp("probes")),
    ]
    with served_app(plugins, app_dir=app_dir) as served:
        yield served


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def test_a_page_imports_socket_modules_and_uses_them(page: Page) -> None:
    answer = page.evaluate(
        """async () => {
          const fsp = await import('socket:fs/promises')
          const { default: os } = await import('socket:os')
          const { Buffer } = await import('socket:buffer')
          // data: names the app data directory (a relative path is the app's own files, read-only).
          await fsp.writeFile('data:socket.txt', Buffer.from('from socket:fs'))
          return { text: await fsp.readFile('data:socket.txt', 'utf8'), platform: os.platform() }
        }"""
    )
    assert answer == {"text": "from socket:fs", "platform": "linux"}


def test_dynamic_import_in_a_served_module_resolves_without_the_import_map(page: Page) -> None:
    answer = page.evaluate("async () => (await import('/dynamic.js')).load()")
    assert answer == {"eol": "\n", "sep": "/"}


def test_a_module_worker_imports_socket_and_oro_modules(page: Page) -> None:
    answer = page.evaluate(
        """() => new Promise((resolve, reject) => {
          const worker = new Worker('/worker.js', { type: 'module' })
          worker.onmessage = (event) => resolve(event.data)
          worker.onerror = (event) => reject(new Error(event.message || 'worker failed'))
        })"""
    )
    assert answer == {
        "join": "a/b",
        "base64": "aGk=",
        "readFile": "function",
        "format": "x!",
        "dynamic": "function",
        "index": "function",
    }


def test_a_service_worker_imports_socket_and_oro_modules(
    chromium_browser: Browser, app: ServedApp
) -> None:
    with app_page(chromium_browser, app) as page:
        answer = page.evaluate(
            """async () => {
              await navigator.serviceWorker.register('/sw.js', { type: 'module', scope: '/' })
              await navigator.serviceWorker.ready
              if (!navigator.serviceWorker.controller) {
                await new Promise((resolve) => navigator.serviceWorker
                  .addEventListener('controllerchange', resolve, { once: true }))
              }
              return (await fetch('/sw-probe')).json()
            }"""
        )
    assert answer == {"join": "x/y", "hex": "6f6b"}


def test_index_holds_every_served_module_and_runtime_and_backend_answer(page: Page) -> None:
    answer = page.evaluate(
        """async () => {
          const all = await import('socket:index')
          const runtime = await import('socket:runtime')
          const backend = (await import('socket:backend')).default
          let refusal = null
          try { await backend.open({ force: true }) } catch (error) {
            refusal = { name: error.name, code: error.code, message: error.message, url: error.url }
          }
          return {
            same: all.fs === undefined ? 'missing' : all.default.fs === all.fs,
            path: typeof all.path.join,
            protocolHandlers: typeof all.protocolHandlers,
            probes: 'probeA' in all,
            index: 'index' in all,
            window: runtime.currentWindow,
            send: typeof runtime.send,
            refusal,
          }
        }"""
    )
    assert answer["same"] is True
    assert answer["path"] == "function"
    assert answer["protocolHandlers"] == "object"
    assert answer["probes"] is True
    assert answer["index"] is False
    assert answer["window"] == 0
    assert answer["send"] == "function"
    # Oro's backend process is oro-process's, which this host does not load: Oro's typed
    # refusal, its URL naming the route (with oro-process and no [linux] cmd it names the key).
    assert answer["refusal"]["name"] == "NotFoundError"
    assert answer["refusal"]["message"] == "Not found"
    assert answer["refusal"]["url"].startswith("ipc://application.backend.open/?")


def test_the_app_import_map_file_is_merged_with_its_values_resolved(page: Page) -> None:
    answer = page.evaluate(
        """async () => ({
          join: (await import('pathy')).join('p', 'q'),
          helper: (await import('own/helper.js')).helper,
        })"""
    )
    assert answer == {"join": "p/q", "helper": "from the app import map"}


def test_a_page_with_the_vanilla_template_csp_calls_ipc_and_gets_events(
    chromium_browser: Browser, app: ServedApp
) -> None:
    """The template's ``connect-src ... ipc://* socket:*`` keeps working: oro's IPC over HTTP
    and its event channel are let through, its ``child-src 'none'`` stays."""
    with app_page(chromium_browser, app, "/vanilla.html") as page:
        violations: list[str] = []
        page.on("console", lambda message: violations.append(message.text))
        answer = page.evaluate(
            """async () => {
              const { request } = await import('socket:ipc')
              const { getCurrentWindow } = await import('socket:window')
              const policy = document.querySelector('meta[http-equiv]').content
              const event = new Promise((resolve) => globalThis
                .addEventListener('compat-ping', (e) => resolve(e.detail), { once: true }))
              await getCurrentWindow().send('compat-ping', { hello: 'events' })
              return { ping: await request('ping'), event: await event, policy }
            }"""
        )
    assert answer["event"] == {"hello": "events"}
    assert answer["ping"] is not None
    assert "child-src 'none'" in answer["policy"]
    assert not [text for text in violations if "Content Security Policy" in text]


def test_a_csp_that_keeps_oro_out_is_not_weakened_and_is_logged(
    chromium_browser: Browser, app: ServedApp, caplog: pytest.LogCaptureFixture
) -> None:
    session = app.call(app.server.session_cookie)
    context = chromium_browser.new_context()
    context.add_cookies(
        [{"name": app.server.cookie_name, "value": session, "url": app.server.origin}]
    )
    try:
        page = context.new_page()
        violations: list[dict[str, Any]] = []
        page.expose_function("reportViolation", lambda found: violations.append(found))
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', (e) =>"
            " reportViolation({ directive: e.effectiveDirective, blocked: e.blockedURI }))"
        )
        with caplog.at_level(logging.WARNING, logger="oro_framework.bridge"):
            page.goto(app.server.window_launch_url("/strict.html"))
            policy = page.evaluate("document.querySelector('meta[http-equiv]').content")
            refused = page.evaluate(
                """async () => {
                  try { await fetch('/ipc/ping'); return null } catch (error) { return error.name }
                }"""
            )
            page.reload()
    finally:
        context.close()
    assert policy == "connect-src https:"
    assert refused == "TypeError"
    assert any(found["directive"] == "connect-src" for found in violations)
    lines = [record.getMessage() for record in caplog.records]
    lines = [line for line in lines if "strict.html" in line]
    assert len(lines) == 1, lines
    assert "'connect-src'" in lines[0]


# The differential test of the rewriting: a module of import statements and decoys (the same
# text in strings, template literals, comments and regular expressions) imports, rewritten and
# in a worker without any import map, exactly the probes it imports as written in a page.
IMPORTS: Final = st.sampled_from(
    [
        "import 'oro:probe-a'\n",
        'import { name as b@ } from "socket:probe-b"\n',
        "export * from 'oro:probe-c'\n",
        "await import('socket:probe-a')\n",
        "import * as c@ from 'socket:probe-c'\n",
        "export { name as b@ } from 'oro:probe-b'\n",
    ]
)
DECOYS: Final = st.sampled_from(
    [
        "const s@ = \"import 'oro:probe-a'\"\n",
        "// import 'socket:probe-b'\n",
        "/* export * from 'oro:probe-c' */\n",
        "const t@ = `import 'oro:probe-a' ${'x'} import('socket:probe-b')`\n",
        "const r@ = /import 'oro:probe-c'/g\n",
        "const q@ = 4 / 2 / 1, w@ = { import: 'oro:probe-a' }\n",
        "const z@ = ['import', \"'socket:probe-b'\"].join(' ')\n",
    ]
)
MODULES: Final = st.lists(st.one_of(IMPORTS, DECOYS), min_size=1, max_size=8)


def _probes_in_a_frame(page: Page, source: str) -> list[str]:
    """The probes ``source`` loads as written, in a fresh frame's realm with the page's
    import map (the preload gives every app page one)."""
    loaded: list[str] = page.evaluate(
        """async (source) => {
          const frame = document.createElement('iframe')
          frame.src = '/index.html'
          await new Promise((resolve) => { frame.onload = resolve; document.body.append(frame) })
          const url = 'data:text/javascript,' + encodeURIComponent(source)
          try {
            await frame.contentWindow.eval(`import(${JSON.stringify(url)})`)
            return [...(frame.contentWindow.__probes ?? [])].sort()
          } finally { frame.remove() }
        }""",
        source,
    )
    return loaded


def _probes_in_a_worker(
    page: Page, app: ServedApp, app_dir: Path, source: str, n: int
) -> list[str]:
    """The probes ``source`` loads once rewritten, in a module worker (no import map)."""
    imports = build_import_map(app.host.js_modules)
    rewritten = rewrite_imports(source, lambda specifier: resolve_specifier(specifier, imports))
    (app_dir / f"gen-{n}.js").write_text(
        rewritten + "\npostMessage([...(globalThis.__probes ?? [])].sort())\n", encoding="utf-8"
    )
    loaded: list[str] = page.evaluate(
        """(url) => new Promise((resolve, reject) => {
          const worker = new Worker(url, { type: 'module' })
          worker.onmessage = (event) => { resolve(event.data); worker.terminate() }
          worker.onerror = (event) => reject(new Error(event.message || 'worker failed'))
        })""",
        f"/gen-{n}.js",
    )
    return loaded


_GENERATED = itertools.count()


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=MODULES)
def test_rewritten_modules_import_the_same_modules_without_an_import_map(
    page: Page, app: ServedApp, app_dir: Path, parts: list[str]
) -> None:
    # Each binding's name made unique ("b@" → "b3"), so parts can repeat.
    source = "".join(part.replace("@", str(index)) for index, part in enumerate(parts))
    as_written = _probes_in_a_frame(page, source)
    rewritten = _probes_in_a_worker(page, app, app_dir, source, next(_GENERATED))
    assert rewritten == as_written


def _oro_test(app: Path, files: dict[str, str], timeout: int) -> subprocess.CompletedProcess[str]:
    for name, text in {"oro.toml": '[meta]\nname = "failing"\n', **files}.items():
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        (app / name).write_text(text, encoding="utf-8")
    return subprocess.run(
        [str(ORO), "test", "--timeout", str(timeout)],
        capture_output=True,
        text=True,
        cwd=app,
        env=headless_environ(),
        timeout=180,
        check=False,
    )


def test_oro_test_names_the_module_that_did_not_load(tmp_path: Path) -> None:
    """A test file whose import 404s: the run fails, and both the run's report and the host's
    log name the missing module instead of only saying that the file did not load."""
    completed = _oro_test(
        tmp_path,
        {
            "index.html": PAGE,
            "test/index.js": (
                "import test from 'socket:test'\n"
                "import { helper } from './helpers/missing-helper.js'\n"
                "test('never runs', (t) => t.ok(helper))\n"
            ),
        },
        timeout=60,
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "the page reported:" in completed.stderr
    assert "/test/helpers/missing-helper.js answered 404" in completed.stderr
    assert "asked for the module /test/helpers/missing-helper.js" in completed.stderr


def test_oro_test_names_the_csp_that_kept_the_page_from_starting(tmp_path: Path) -> None:
    """A page whose CSP keeps oro's IPC out can never start the run: it fails as soon as the
    page is refused the host (long before its timeout), saying so, with the refused
    connections first among what the page reported and the host's line naming the page and
    the directive."""
    completed = _oro_test(
        tmp_path,
        {"index.html": STRICT_CSP, "test/index.js": "import test from 'oro:test'\n"},
        timeout=600,
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "the page's Content-Security-Policy refused it a connection to the host" in (
        completed.stderr
    )
    report = completed.stderr.split("the page reported:", 1)[1]
    first = report.strip().splitlines()[0]
    assert "connect-src" in first, report
    assert "its meta CSP directive 'connect-src' does not allow Oro's schemes" in completed.stderr
