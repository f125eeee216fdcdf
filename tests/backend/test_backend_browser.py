"""oro:backend in a real headless Chromium page over the real bridge and the Conduit: commands
called as methods, bytes both ways without base64, a streaming command iterated, events
listened to, and failures thrown as typed errors the page can catch."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_conduit.plugin
import pytest
from _apps import write_app
from playwright.sync_api import Browser, Page

from oro_framework.core import backend as core_backend
from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    app_dir = write_app(tmp_path_factory.mktemp("notes"))
    with served_app([core_backend, oro_conduit.plugin], app_dir=app_dir) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    with app_page(browser, app) as page:
        yield page


def run(page: Page, body: str, arg: Any = None) -> Any:
    """Run ``body`` with ``backend`` (oro:backend), ``ipc`` (oro:ipc) and ``arg`` in scope."""
    return page.evaluate(
        "async (arg) => { const backend = (await import('oro:backend')).default;"
        " const ipc = await import('oro:ipc');"
        f"\n{body}\n}}",
        arg,
    )


def test_commands_are_methods_and_ipc_routes(page: Page) -> None:
    result = run(
        page,
        "const saved = await backend.save({ note: { title: 'todo', size: { width: 2 } },"
        "   colour: 'blue' });"
        " const resized = await ipc.request('backend.resize', { path: 'a.png', width: 5 });"
        " const text = await backend.resize({ path: 'true' });"
        " return { saved, resized, text }",
    )
    assert result == {
        "saved": {"title": "todo (blue, draft)", "tags": [], "size": {"width": 2, "height": 0}},
        "resized": {"path": "a.png", "width": 5},
        # A JSON body: the string "true" arrives as written.
        "text": {"path": "true", "width": 800},
    }


def test_bytes_go_both_ways_raw_over_the_conduit(page: Page) -> None:
    result = run(
        page,
        "const transport = ipc.getTransport().name;"
        " const data = new Uint8Array(70000).map((_, i) => i % 251);"
        " const back = await backend.reverse({ data, label: 'L' });"
        " const expected = [...'L'].map((c) => c.charCodeAt(0)).concat([...data].reverse());"
        " return { transport, isBytes: back instanceof Uint8Array, length: back.length,"
        "   same: back.every((byte, i) => byte === expected[i]) }",
    )
    assert result["isBytes"] is True
    assert result["length"] == 70001
    assert result["same"] is True
    assert result["transport"] == "conduit"


def test_a_streaming_command_is_iterated_and_its_events_heard(page: Page) -> None:
    result = run(
        page,
        "const heard = [];"
        " const stop = backend.on('counted', (number) => heard.push(number));"
        " const items = [];"
        " for await (const number of backend.count({ to: 3 })) items.push(number);"
        " while (heard.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));"
        " stop();"
        " return { items, heard }",
    )
    assert result == {"items": [0, 1, 2], "heard": [0, 1, 2]}


def test_failures_are_typed_errors_the_page_catches(page: Page) -> None:
    result = run(
        page,
        "const caught = async (call) => { try { await call(); return null }"
        "   catch (error) { return { name: error.name, code: error.code, message: error.message,"
        "     exception: error.exception, parameter: error.parameter } } };"
        " return { raised: await caught(() => backend.fails()),"
        "   wrong: await caught(() => backend.resize({ path: 'a', width: 'wide' })),"
        "   unknown: await caught(() => backend.nothing()),"
        "   ok: await backend.resize({ path: 'still serving' }) }",
    )
    assert result["raised"] == {
        "name": "BackendError",
        "code": "ERR_BACKEND_EXCEPTION",
        "message": "backend.fails raised ValueError (details in the host's log)",
        "exception": "ValueError",
        "parameter": None,
    }
    assert result["wrong"]["name"] == "TypeError"
    assert result["wrong"]["parameter"] == "width"
    assert result["unknown"]["name"] == "NotFoundError"
    assert result["ok"] == {"path": "still serving", "width": 800}


SHOWCASE = Path(__file__).parents[2] / "examples" / "showcase"


@pytest.fixture(scope="module")
def showcase() -> Iterator[ServedApp]:
    with served_app([core_backend, oro_conduit.plugin], app_dir=SHOWCASE) as served:
        yield served


def test_the_showcase_backend_panel_calls_its_python(
    browser: Browser | WebKitBrowser, showcase: ServedApp
) -> None:
    with app_page(browser, showcase) as page:

        def result() -> str:
            return str(page.evaluate("() => document.getElementById('backend-result').textContent"))

        # The panel enables its buttons once oro:backend has loaded (a dynamic import the
        # page starts after runtimeinit): a click before that would do nothing.
        page.click("#backend-stats:enabled")
        page.wait_for_function(
            "(text) => document.getElementById('backend-result').textContent.includes(text)",
            arg='"words": 9',
        )
        page.click("#backend-hash")
        page.wait_for_function(
            "() => document.getElementById('backend-result').textContent.includes('sha256')"
        )
        text = "The quick brown fox\njumps over the lazy dog"
        assert hashlib.sha256(text.encode()).hexdigest() in result()
        page.click("#backend-countdown")
        page.wait_for_function(
            "() => document.getElementById('backend-result').textContent.includes('3/3')"
        )
        shown = json.loads(result())
        assert shown == {"numbers": [3, 2, 1, 0], "progress": ["0/3", "1/3", "2/3", "3/3"]}
