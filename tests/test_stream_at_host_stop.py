"""A stream open when the host stops: the page's ``for await`` throws one catchable error, the
same over fetch and over the Conduit, and nothing is left uncaught; a real host, its bridge and
Conduit, and a headless Chromium and WebKit page over each transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import pytest
from playwright.sync_api import Browser

from oro_framework import ByteStream, EventStream, Request
from oro_framework.testing import RoutePlugin, ServedApp, WebKitBrowser, app_page, served_app


async def _watch(request: Request) -> EventStream:
    """What a watch route does: an event, then nothing until something changes."""

    async def produce() -> AsyncIterator[Any]:
        yield {"n": 1}
        await anyio.sleep_forever()

    return EventStream(produce())


async def _tail(request: Request) -> ByteStream:
    """What a log tail does: a line now and then. (A byte stream waits for its next chunk
    uninterrupted: it ends at that chunk once the host stops, or with its connection.)"""

    async def produce() -> AsyncIterator[bytes]:
        yield b"first"
        while True:
            await anyio.sleep(0.05)
            yield b"more"

    return ByteStream(produce())


ROUTES = RoutePlugin({"watch.events": _watch, "watch.bytes": _tail})


@pytest.fixture
def app(oro_transport: str) -> Iterator[ServedApp]:
    """An app of its own per test: the test stops its host."""
    with served_app([ROUTES], transport=oro_transport) as served:
        yield served


READ_UNTIL_IT_ENDS = """async (route) => {
    const { stream } = await import('oro:ipc')
    globalThis.__uncaught = []
    globalThis.addEventListener('unhandledrejection', (event) => {
        globalThis.__uncaught.push(String(event.reason))
    })
    globalThis.__ended = (async () => {
        let items = 0
        try {
            for await (const item of stream(route)) {
                items += 1
                globalThis.__started = true
            }
            return { items, ended: 'without an error' }
        } catch (error) {
            return { items, name: error.name, code: error.code ?? null, message: error.message }
        }
    })()
}"""


def _read_across_stop(
    browser: Browser | WebKitBrowser, app: ServedApp, route: str
) -> tuple[Any, Any]:
    with app_page(browser, app) as page:
        page.evaluate(READ_UNTIL_IT_ENDS, route)
        page.wait_for_function("() => globalThis.__started === true")
        app.host.stop()
        ended = page.evaluate("() => globalThis.__ended")
        return ended, page.evaluate("() => globalThis.__uncaught")


def test_an_event_stream_open_at_host_stop_ends_with_shutting_down_error(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> None:
    ended, uncaught = _read_across_stop(browser, app, "watch.events")
    assert ended == {
        "items": 1,
        "name": "ServiceUnavailableError",
        "code": "ERR_SHUTTING_DOWN",
        "message": "The app is shutting down: the stream of 'watch.events' was ended",
    }
    assert uncaught == []


def test_a_byte_stream_open_at_host_stop_ends_with_a_network_error(
    chromium_browser: Browser, app: ServedApp
) -> None:
    ended, uncaught = _read_across_stop(chromium_browser, app, "watch.bytes")
    # A byte stream has no room for an error after its status: its reader fails. (Chromium
    # only: WebKit reads a chunked body cut short over fetch as one that ended.)
    assert ended["name"] == "NetworkError"
    assert ended["items"] >= 1
    assert uncaught == []
