"""Host calls from threads: a plain ``def`` handler (run in anyio's worker threads) and a thread
the plugin started itself call ``host.emit`` (and ``host.stop``) as they would on the loop,
whether a page listens or not; a real host, its real bridge and Conduit, a headless Chromium
page over each transport."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from playwright.sync_api import Browser, Page

from oro_framework import Host, LifecycleEvent, Request, hookimpl
from oro_framework.host.events import EventBus
from oro_framework.testing import (
    MemoryClient,
    RoutePlugin,
    ServedApp,
    app_page,
    make_host,
    raise_for_error,
    served_app,
)

EVENT = "threadevent"


class OwnThreads:
    """What a plugin that starts threads of its own records: what its threads raised."""

    def __init__(self) -> None:
        self.errors: list[BaseException] = []
        self.done = threading.Event()

    def run(self, host: Host, window: int | None) -> None:
        try:
            host.emit(EVENT, {"via": "own thread"}, window=window)
        except BaseException as error:  # recorded for the test, which fails on it
            self.errors.append(error)
        finally:
            self.done.set()


OWN = OwnThreads()


def _emit_from_worker(request: Request) -> str:
    """A plain ``def`` handler: the host runs it in a worker thread."""
    request.host.emit(EVENT, {"via": "worker"}, window=request.window)
    return "emitted"


async def _start_own_thread(request: Request) -> str:
    OWN.done.clear()
    threading.Thread(target=OWN.run, args=(request.host, request.window), daemon=True).start()
    return "started"


ROUTES = RoutePlugin({"threads.emit": _emit_from_worker, "threads.start": _start_own_thread})


@pytest.fixture(scope="module")
def app(oro_transport: str) -> Iterator[ServedApp]:
    with served_app([ROUTES], transport=oro_transport) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


LISTEN_AND_CALL = """async (route) => {
    const { request } = await import('oro:ipc')
    const received = new Promise((resolve) => {
        globalThis.addEventListener('threadevent', (event) => resolve(event.detail), { once: true })
    })
    const answer = await request(route)
    return [answer, await received]
}"""


def test_a_plain_def_handler_emits_to_a_listening_page(page: Page) -> None:
    assert page.evaluate(LISTEN_AND_CALL, "threads.emit") == ["emitted", {"via": "worker"}]


def test_a_thread_the_plugin_started_emits_to_a_listening_page(page: Page) -> None:
    assert page.evaluate(LISTEN_AND_CALL, "threads.start") == ["started", {"via": "own thread"}]
    assert OWN.done.wait(10)
    assert OWN.errors == []


@pytest.fixture(scope="module")
def quiet_app() -> Iterator[ServedApp]:
    """An app no page ever opens: no one listens to its events."""
    with served_app([ROUTES]) as served:
        yield served


def _call(app: ServedApp, route: str) -> Any:
    return raise_for_error(app.call(MemoryClient(app.host).call, route))


def test_a_plain_def_handler_emits_with_no_page_listening(quiet_app: ServedApp) -> None:
    assert quiet_app.host.events.subscriber_count == 0
    assert _call(quiet_app, "threads.emit") == "emitted"


def test_a_thread_the_plugin_started_emits_with_no_page_listening(quiet_app: ServedApp) -> None:
    assert quiet_app.host.events.subscriber_count == 0
    assert _call(quiet_app, "threads.start") == "started"
    assert OWN.done.wait(10)
    assert OWN.errors == []


class StopWatch:
    """Sets :attr:`stopped` when the host reports it stopped."""

    def __init__(self) -> None:
        self.stopped = anyio.Event()

    @hookimpl
    def oro_lifecycle_event(self, host: Host, event: LifecycleEvent) -> None:
        if event is LifecycleEvent.STOPPED:
            self.stopped.set()


def _stop_from_worker(request: Request) -> str:
    request.host.stop()
    return "stopping"


@pytest.mark.anyio
async def test_a_plain_def_handler_stops_the_host() -> None:
    watch = StopWatch()
    routes = RoutePlugin({"threads.stop": _stop_from_worker})
    async with make_host([routes, watch]) as host:
        assert raise_for_error(await MemoryClient(host).call("threads.stop")) == "stopping"
        with anyio.fail_after(10):  # a guard against a hang, not a measurement
            await watch.stopped.wait()


def test_a_thread_emits_after_the_loop_ended_without_an_error() -> None:
    bus = EventBus()

    async def serve_one_event() -> Any:
        bus.loop.bind()
        async with bus.subscribe() as events:
            await anyio.to_thread.run_sync(bus.emit, "during", 1)
            return (await events.receive()).name

    assert anyio.run(serve_one_event, backend="trio") == "during"
    errors: list[BaseException] = []

    def emit_late() -> None:
        try:
            bus.emit("after", 2)
        except BaseException as error:  # recorded for the test, which fails on it
            errors.append(error)

    late = threading.Thread(target=emit_late)
    late.start()
    late.join(10)
    assert errors == []
