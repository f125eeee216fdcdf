"""The JS API in real browsers (headless Chromium, and WebKitGTK through WebKitWebDriver) against
the real bridge: what page code relies on, the same on both engines."""

from __future__ import annotations

import os
import platform
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

import oro_framework.core.application
import oro_framework.core.diagnostics
import oro_framework.core.os
import oro_framework.core.ping
import oro_framework.core.platform
from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app

SHOWCASE = Path(__file__).resolve().parents[2] / "examples" / "showcase"
CORE_PLUGINS = [
    oro_framework.core.ping,
    oro_framework.core.platform,
    oro_framework.core.os,
    oro_framework.core.diagnostics,
    oro_framework.core.application,
]


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app(CORE_PLUGINS, app_dir=SHOWCASE) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    with app_page(browser, app) as page:
        yield page


def test_page_is_marked_as_oro_runtime_with_args(page: Page) -> None:
    assert page.evaluate("() => globalThis.isOroRuntime") is True
    assert page.evaluate("() => globalThis.__args.index") == 0
    assert page.evaluate("() => globalThis.__args.config.meta_name") == "Oro Showcase"


def test_ipc_request_answers_data(page: Page) -> None:
    answer = page.evaluate("async () => (await import('oro:ipc')).request('ping')")
    assert answer == "pong"


def test_unknown_route_rejects_with_a_typed_error(page: Page) -> None:
    error = page.evaluate(
        """async () => {
            const { request } = await import('oro:ipc')
            try { await request('no.such.route') } catch (e) {
                return { name: e.name, code: e.code, isError: e instanceof Error }
            }
        }"""
    )
    assert error == {"name": "NotFoundError", "code": "NOT_FOUND_ERR", "isError": True}


def test_missing_parameter_rejects_with_type_error(page: Page) -> None:
    error = page.evaluate(
        """async () => {
            const { request } = await import('oro:ipc')
            try { await request('mime.lookup') } catch (e) { return [e.name, e.code] }
        }"""
    )
    assert error == ["TypeError", "ERR_MISSING_ARGS"]


def test_stream_is_an_async_iterator(page: Page) -> None:
    items = page.evaluate(
        """async () => {
            const { stream } = await import('oro:ipc')
            const seen = []
            for await (const item of stream('diagnostics.stream.sse', { count: 3, interval: 1 })) {
                seen.push(item.index)
            }
            return seen
        }"""
    )
    assert items == [0, 1, 2]


def test_os_module_reports_this_machine(page: Page, app: ServedApp) -> None:
    facts = page.evaluate(
        """async () => {
            const os = (await import('node:os')).default
            const path = (await import('node:path')).default
            // Node code builds paths from os values at once, without awaiting anything.
            return { scratch: path.join(os.tmpdir(), 'scratch'), platform: os.platform(),
                     hostname: os.hostname(), cpus: os.cpus().length, home: os.homedir(),
                     release: os.release(), type: os.type(), sigint: os.constants.signals.SIGINT }
        }"""
    )
    temp = str(app.host.paths.temp)
    assert facts == {
        "scratch": f"{temp}/scratch",
        "platform": sys.platform,
        "hostname": platform.node(),
        "cpus": os.cpu_count(),
        "home": str(Path.home()),
        "release": platform.release(),
        "type": platform.system(),
        "sigint": signal.SIGINT.value,
    }


def test_os_facts_need_device_info_but_platform_does_not(browser: Browser | WebKitBrowser) -> None:
    config = {"permissions.allow_device_info": False}
    with (
        served_app(CORE_PLUGINS, app_dir=SHOWCASE, config=config) as served,
        app_page(browser, served) as page,
    ):
        seen = page.evaluate(
            """async () => {
                const os = await import('oro:os')
                let error = null
                try { os.tmpdir() } catch (e) { error = { name: e.name, code: e.code } }
                return { platform: os.platform(), error }
            }"""
        )
    assert seen == {
        "platform": sys.platform,
        "error": {"name": "NotAllowedError", "code": "ERR_ORO_OS_FACT_UNAVAILABLE"},
    }


def test_node_events_shim_is_importable(page: Page) -> None:
    fired = page.evaluate(
        """async () => {
            const { EventEmitter } = await import('node:events')
            const emitter = new EventEmitter()
            let got = null
            emitter.on('x', value => { got = value })
            emitter.emit('x', 42)
            return got
        }"""
    )
    assert fired == 42


def test_fetch_of_an_ipc_url_keeps_working(page: Page) -> None:
    envelope = page.evaluate("async () => (await fetch('ipc://ping')).json()")
    assert envelope["data"] == "pong"
    assert envelope["source"] == "ping"


def test_event_source_on_an_ipc_url_receives_the_stream(page: Page) -> None:
    count = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const source = new EventSource('ipc://diagnostics.stream.sse?count=3&interval=1')
            let received = 0
            source.addEventListener('diagnostics', () => {
                received += 1
                if (received === 3) { source.close(); resolve(received) }
            })
            source.onerror = () => {
                source.close()
                if (received !== 3) reject(new Error('stream failed'))
            }
        })"""
    )
    assert count == 3


def test_lifecycle_pause_reaches_the_page_hooks(page: Page, app: ServedApp) -> None:
    page.evaluate(
        """async () => {
            const { onApplicationPause } = await import('oro:hooks')
            globalThis.__paused = new Promise(resolve => onApplicationPause(resolve))
        }"""
    )
    app.emit("applicationpause", {"state": "paused"}, window=0)
    detail = page.evaluate(
        "async () => { const e = await globalThis.__paused; return e.detail ?? e }"
    )
    assert detail == {"state": "paused"}


def test_application_lists_the_window(page: Page) -> None:
    windows = page.evaluate(
        "async () => (await (await import('oro:application')).getWindows()).map((w) => w.toJSON())"
    )
    assert [window["index"] for window in windows] == [0]


def test_launch_url_opens_a_session_in_the_browser(browser: Browser | WebKitBrowser) -> None:
    with served_app(CORE_PLUGINS, app_dir=SHOWCASE) as fresh:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(fresh.server.launch_url)
            assert page.url == fresh.server.origin + "/"
            assert page.evaluate("async () => (await import('oro:ipc')).request('ping')") == "pong"
            # HttpOnly: the session the launch opened is sent, never readable by the page.
            assert fresh.server.cookie_name not in page.evaluate("document.cookie")
        finally:
            context.close()


def test_the_test_kits_page_holds_the_session_as_the_host_sets_it(
    page: Page, app: ServedApp
) -> None:
    # open_app_page gives its pages the session cookie directly: as HttpOnly as a launch's, so
    # that what a page test shows a page can do, a page in a window can do too.
    assert app.server.cookie_name not in page.evaluate("document.cookie")
    assert page.evaluate("async () => (await import('oro:ipc')).request('ping')") == "pong"


def test_send_answers_oros_result_in_a_page(page: Page) -> None:
    answers = page.evaluate(
        """async () => {
            const { send, Result } = await import('oro:ipc')
            const ok = await send('ping')
            const [err, data] = await send('no.such.route')
            return [ok instanceof Result, ok.err, ok.data, err.name, err.code, data]
        }"""
    )
    assert answers == [True, None, "pong", "NotFoundError", "NOT_FOUND_ERR", None]
