"""Oro's page globals and the modules behind them, in real headless Chromium pages against the
real bridge: ``oro:fetch`` (the page's ``fetch`` with ``ipc://`` mapping, the same function as
``globalThis.fetch``; a worker's own mapping), ``oro:internal/events`` (an ``applicationurl`` of
the app's own scheme, Oro's ``[meta] application_protocol``, as an ``ApplicationURLEvent``),
``oro:internal/pickers`` (the page's pickers, refused without a user gesture) and the globals
Oro's pages have (``isSocketRuntime``, ``Buffer``, the event classes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_desktop.plugin
import oro_fs.plugin
import pytest
from playwright.sync_api import Browser, Page

import oro_framework.core.application
import oro_framework.core.ping
import oro_framework.core.platform
import oro_framework.core.protocols
from oro_framework.testing import ServedApp, app_page, served_app

PLUGINS = [
    oro_framework.core.application,
    oro_framework.core.ping,
    oro_framework.core.platform,
    oro_framework.core.protocols,
    oro_fs.plugin,
    oro_desktop.plugin,
]

WORKER = """import fetch, { Headers } from 'oro:fetch'
const reply = await (await fetch('ipc://ping')).json()
postMessage({ installed: fetch === globalThis.fetch, headers: Headers === globalThis.Headers,
              data: reply.data })
"""


# Runs as the page loads, before anything could give it a user gesture (Playwright's own
# evaluate() calls count as one).
EARLY = """<!doctype html><title>early</title>
<script type="module">
globalThis.early = await showDirectoryPicker().then(() => null, (error) => [error.name, error.code])
</script>
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    app_dir: Path = tmp_path_factory.mktemp("app")
    (app_dir / "oro.toml").write_text(
        '[meta]\nname = "globals"\nbundle_identifier = "dev.oro.test.globals"\n'
        'application_protocol = "notes-test"\n'
        # Oro's page globals, as an app configured by socket.ini has them.
        "[webview]\noro_globals = true\n"
    )
    (app_dir / "index.html").write_text("<!doctype html><title>globals</title><p>globals</p>")
    (app_dir / "worker.js").write_text(WORKER)
    (app_dir / "early.html").write_text(EARLY)
    with served_app(PLUGINS, app_dir=app_dir) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as opened:
        yield opened


def run(page: Page, script: str) -> Any:
    return page.evaluate(f"async () => {{ {script} }}")


def test_oro_fetch_is_the_pages_fetch_with_ipc_urls_mapped(page: Page) -> None:
    result = run(
        page,
        """
        const module = await import('oro:fetch')
        const socket = await import('socket:fetch')
        const pong = await (await module.fetch('ipc://ping')).json()
        const viaRequest = await (await module.fetch(new module.Request('ipc://ping'))).json()
        const plain = await module.fetch('/')
        return {
          same: module.fetch === globalThis.fetch && module.default === module.fetch,
          aliased: socket.fetch === module.fetch,
          classes: module.Headers === globalThis.Headers && module.Request === globalThis.Request
            && module.Response === globalThis.Response,
          pong: pong.data, viaRequest: viaRequest.data,
          plain: [plain.status, (await plain.text()).includes('<p>globals</p>')],
          json: await module.Response.json({ ok: true }).json()
        }
        """,
    )
    assert result == {
        "same": True,
        "aliased": True,
        "classes": True,
        "pong": "pong",
        "viaRequest": "pong",
        "plain": [200, True],
        "json": {"ok": True},
    }


def test_in_a_worker_oro_fetch_maps_ipc_urls_without_installing_itself(page: Page) -> None:
    result = run(
        page,
        """
        const worker = new Worker('/worker.js', { type: 'module' })
        return await new Promise((resolve, reject) => {
          worker.onmessage = (event) => resolve(event.data)
          worker.onerror = (event) => reject(new Error(event.message))
        })
        """,
    )
    assert result == {"installed": False, "headers": True, "data": "pong"}


def test_the_page_has_oros_globals(page: Page) -> None:
    result = run(
        page,
        """
        const { Buffer } = await import('oro:buffer')
        const events = await import('socket:internal/events')
        const pickers = await import('socket:internal/pickers')
        const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'isSocketRuntime')
        return {
          isSocketRuntime: globalThis.isSocketRuntime, readOnly: descriptor.writable,
          isOroRuntime: globalThis.isOroRuntime,
          buffer: globalThis.Buffer === Buffer,
          events: ['ApplicationURLEvent', 'HotKeyEvent', 'MenuItemEvent', 'SignalEvent']
            .filter((name) => globalThis[name] === events[name]),
          pickers: ['showOpenFilePicker', 'showSaveFilePicker', 'showDirectoryPicker']
            .filter((name) => globalThis[name] === pickers[name]),
          notification: globalThis.Notification === (await import('oro:notification')).default,
          hidden: Object.keys(globalThis).filter((name) => ['Buffer', 'HotKeyEvent'].includes(name))
        }
        """,
    )
    assert result == {
        "isSocketRuntime": True,
        "readOnly": False,
        "isOroRuntime": True,
        "buffer": True,
        "events": ["ApplicationURLEvent", "HotKeyEvent", "MenuItemEvent", "SignalEvent"],
        "pickers": ["showOpenFilePicker", "showSaveFilePicker", "showDirectoryPicker"],
        "notification": True,
        "hidden": [],
    }


def test_a_url_of_the_apps_own_scheme_is_an_application_url_event(page: Page) -> None:
    result = run(
        page,
        """
        const { ApplicationURLEvent } = await import('oro:internal/events')
        const window = (await import('oro:window')).getCurrentWindow()
        const heard = []
        const done = new Promise((resolve) => {
          globalThis.addEventListener('applicationurl', (event) => {
            heard.push({
              isOro: event instanceof ApplicationURLEvent, source: event.source,
              valid: event.isValid, protocol: event.url?.protocol, host: event.url?.hostname,
              id: event.url?.searchParams.get('id'), path: event.path, appURL: event.appURL
            })
            if (heard.length === 2) resolve()
          })
        })
        const answer = await window.openExternal({ value: 'notes-test://inbox?id=7' })
        await window.openExternal('notes-test:archive')
        await done
        let other = null
        try { await window.openExternal('elsewhere-test://x') } catch (error) { other = error.name }
        return { url: answer.url, heard, other }
        """,
    )
    assert result["url"] == "notes-test://inbox?id=7"
    assert result["heard"] == [
        {
            "isOro": True,
            "source": "notes-test://inbox?id=7",
            "valid": True,
            "protocol": "notes-test:",
            "host": "inbox",
            "id": "7",
            "path": None,
            "appURL": None,
        },
        {
            # Oro reads its own scheme without '//' as with it.
            "isOro": True,
            "source": "notes-test:archive",
            "valid": True,
            "protocol": "notes-test:",
            "host": "archive",
            "id": None,
            "path": None,
            "appURL": None,
        },
    ]
    assert result["other"] == "SecurityError"


def test_the_pickers_need_a_user_gesture_and_headless_have_no_dialog(
    page: Page, app: ServedApp
) -> None:
    page.evaluate(
        """() => {
          globalThis.outcomes = []
          const button = document.createElement('button')
          button.textContent = 'open'
          button.onclick = () => showOpenFilePicker().then(
            () => outcomes.push(null), (error) => outcomes.push([error.name, error.code]))
          document.body.append(button)
        }"""
    )
    page.click("button")
    page.wait_for_function("outcomes.length === 1")
    # With the gesture, Oro's dialog is asked for: a headless app has none.
    assert page.evaluate("outcomes") == [["NotSupportedError", "ERR_HEADLESS"]]

    page.goto(app.server.origin + "/early.html")
    page.wait_for_function("globalThis.early !== undefined")
    assert page.evaluate("early") == ["SecurityError", "SECURITY_ERR"]


def test_the_pickers_ask_oros_dialog_with_the_webs_options_mapped(page: Page) -> None:
    """What reaches the dialog route (answered here in the browser, as a dialog that picked
    nothing): the web's `types`, `multiple`, a `startIn` path, and, for an `id` seen before, the
    directory that dialog was left in."""
    asked: list[dict[str, str]] = []

    def answer(route: Any) -> None:
        query = route.request.url.split("?", 1)[1]
        asked.append(dict(part.split("=", 1) for part in query.split("&")))
        route.fulfill(
            status=200,
            content_type="application/json",
            body='{"source": "window.showFileSystemPicker", "data": {"paths": []}}',
        )

    page.route("**/ipc/window.showFileSystemPicker?*", answer)
    result = run(
        page,
        """
        localStorage.setItem('oro:pickers:notes', '/home/someone/notes')
        return [
          await showOpenFilePicker({ multiple: true, startIn: '/srv/data', title: 'Pick',
            types: [{ description: 'Text', accept: { 'text/plain': ['.txt', '.md'] } }] }),
          await showOpenFilePicker({ id: 'notes' })
        ]
        """,
    )
    assert result == [[], []]
    fields = ("type", "allowMultiple", "defaultPath", "title", "contentTypeSpecs")
    assert [{name: ask.get(name) for name in fields} for ask in asked] == [
        {
            "type": "open",
            "allowMultiple": "true",
            "defaultPath": "%2Fsrv%2Fdata",
            "title": "Pick",
            "contentTypeSpecs": "Text%3Atext%2Fplain%20.txt%20.md",
        },
        {
            "type": "open",
            "allowMultiple": "false",
            "defaultPath": "%2Fhome%2Fsomeone%2Fnotes",
            "title": None,
            "contentTypeSpecs": None,
        },
    ]
