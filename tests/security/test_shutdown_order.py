"""Issue 39, shutdown in order: pages and routes stop before plugins are unconfigured. Before,
on SIGTERM `oro_page_closed` reached 7 plugins after they were unconfigured (`LookupError:
nothing stored under StashKey('fs')` logged), and a page's request during shutdown raised that
`LookupError` as an unexpected exception."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx
import pytest

from oro_framework import (
    Host,
    LifecycleEvent,
    Request,
    ShuttingDownError,
    StashKey,
    hookimpl,
)
from oro_framework.testing import MemoryClient, RoutePlugin, live_server, make_host
from oro_framework.testing.process import OroProcess, headless_environ

pytestmark = pytest.mark.anyio

SHOWCASE = Path(__file__).resolve().parents[2] / "examples" / "showcase"
STATE: StashKey[dict[str, Any]] = StashKey("shutdown-probe")


class StatefulPlugin:
    """A plugin whose routes need what oro_configure stored, like every real plugin."""

    name = "stateful"

    def __init__(self) -> None:
        self.order: list[str] = []
        self.started = anyio.Event()
        self.stopping = anyio.Event()
        self.stopped = anyio.Event()

    @hookimpl
    def oro_lifecycle_event(self, host: Host, event: LifecycleEvent) -> None:
        if event is LifecycleEvent.STOPPING:
            self.stopping.set()
        elif event is LifecycleEvent.STOPPED:
            self.stopped.set()

    @hookimpl
    def oro_configure(self, host: Host) -> None:
        host.stash[STATE] = {"greeting": "hello"}

    @hookimpl
    def oro_unconfigure(self, host: Host) -> None:
        self.order.append("unconfigure")
        host.stash.pop(STATE)

    @hookimpl
    def oro_page_closed(self, host: Host, window: int) -> None:
        self.order.append(f"page_closed {window}")
        # Raises LookupError once unconfigured, as the probe saw in the log.
        assert host.stash[STATE]

    def routes(self) -> RoutePlugin:
        async def greet(request: Request) -> str:
            return str(request.host.stash[STATE]["greeting"])

        async def slow(request: Request) -> str:
            self.started.set()
            try:
                await anyio.sleep_forever()
            finally:
                self.order.append("slow handler left")
            raise AssertionError("unreachable")

        return RoutePlugin({"probe.greet": greet, "probe.slow": slow}, name="probe-routes")


async def test_a_request_while_the_host_stops_gets_a_typed_error_and_handlers_leave_first() -> None:
    plugin = StatefulPlugin()
    async with make_host([plugin, plugin.routes()]) as host:
        client = MemoryClient(host)
        assert (await client.call("probe.greet")).data == "hello"
        async with anyio.create_task_group() as tasks:
            replies: list[Any] = []

            async def call_slow() -> None:
                replies.append(await client.call("probe.slow"))

            tasks.start_soon(call_slow)
            await plugin.started.wait()
            host.stop()
            with anyio.fail_after(10):
                await plugin.stopping.wait()
            during = await client.call("probe.greet")
    assert isinstance(during.error, ShuttingDownError)
    assert (during.error.error_type, during.error.code, during.error.status) == (
        "ServiceUnavailableError",
        "ERR_SHUTTING_DOWN",
        503,
    )
    [slow] = replies
    assert isinstance(slow.error, ShuttingDownError)
    # The handler was gone before the plugin let go of its state.
    assert plugin.order.index("slow handler left") < plugin.order.index("unconfigure")


async def test_pages_closing_as_the_host_stops_do_not_reach_unconfigured_plugins(
    caplog: pytest.LogCaptureFixture,
) -> None:
    plugin = StatefulPlugin()
    async with (
        make_host([plugin]) as host,
        live_server(host) as server,
        server.client(timeout=10) as client,
    ):
        opened = anyio.Event()

        async def page_channel() -> None:
            params = {"oro_window": server.window_credential(0)}
            async with client.stream("GET", "/oro/events", params=params) as events:
                opened.set()
                async for _ in events.aiter_lines():
                    pass

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(page_channel)
            await opened.wait()
            host.stop()
            with anyio.fail_after(10):
                await plugin.stopped.wait()
            tasks.cancel_scope.cancel()
    assert "page_closed 0" not in plugin.order
    assert not [record for record in caplog.records if "LookupError" in record.getMessage()]


def test_sigterm_with_open_pages_logs_no_error_from_unconfigured_plugins() -> None:
    """The probe's case, in the real `oro run`: the showcase (every plugin) with a page's event
    channel open, then SIGTERM."""
    with OroProcess("run", str(SHOWCASE), "--headless", environ=headless_environ()) as oro:
        url = oro.launch_url()
        with httpx.Client() as client:
            launched = client.get(url)
            assert launched.status_code == 303
            fragment = urlsplit(launched.headers["location"]).fragment
            credential = parse_qs(fragment)["oro_window"][0]
            origin = url.split("/?", 1)[0]
            with client.stream(
                "GET", f"{origin}/oro/events", params={"oro_window": credential}, timeout=30
            ) as stream:
                lines = stream.iter_lines()
                assert next(lines) == ": connected"
                oro.send_signal(signal.SIGTERM)
                try:
                    for _ in lines:
                        pass
                except httpx.HTTPError:
                    pass
        assert oro.wait() == 0
        errors = oro.stderr()
    assert "LookupError" not in errors
    assert "Traceback" not in errors
