"""Faulty plugins next to healthy ones: a handler that raises, one that hangs, one that blocks
the event loop, a plain ``def`` one that blocks its thread, a service that crashes. Each fault
gets its typed answer or its log line, and the healthy routes (fs, conduit and ai included) keep
answering while it happens."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Final

import anyio
import anyio.lowlevel
import anyio.to_thread
import oro_ai.plugin
import oro_conduit.plugin
import oro_fs.plugin
import pytest
from _census import Census, settled
from _rawhttp import RawConnection

import oro_framework.core.diagnostics
import oro_framework.core.ping
from oro_framework import Host, LifecycleState, Request, ServiceState, hookimpl
from oro_framework.testing import MemoryClient, RoutePlugin, live_server, make_host
from oro_framework.testing.server import LiveServer

pytestmark = pytest.mark.anyio


async def _raises(request: Request) -> None:
    raise RuntimeError("a bug in a plugin")


async def _hangs(request: Request) -> None:
    await anyio.sleep_forever()


async def _blocks(request: Request) -> str:
    # The fault under test: synchronous sleep inside an async handler holds the whole loop.
    time.sleep(0.4)  # noqa: ASYNC251
    return "done"


FAULTY = RoutePlugin(
    {"faulty.raises": _raises, "faulty.hangs": _hangs, "faulty.blocks": _blocks},
    permission="faulty",
    declare=True,
)
HEALTHY = [oro_framework.core.ping, oro_framework.core.diagnostics]
OTHER_PLUGINS = [oro_fs.plugin, oro_conduit.plugin, oro_ai.plugin]
OTHER_PLUGINS_ROUTES: Final = [
    "/ipc/ping",
    "/ipc/fs.constants",
    "/ipc/internal.conduit.status",
    "/ipc/ai.llm.model.list",
]
"""One cheap route of every other plugin, called over the bridge while a fault happens."""


async def _wait_for_state(host: Host, service: str, state: ServiceState) -> None:
    async with host.events.subscribe() as events:
        with anyio.fail_after(10):
            while host.service_status(service).state is not state:
                await events.receive()


async def _assert_the_others_answer(connection: RawConnection) -> None:
    for target in OTHER_PLUGINS_ROUTES:
        reply = await connection.request("GET", target)
        assert reply.status == 200, (target, reply.body[:300])


async def test_a_raising_handler_answers_internal_error_and_the_rest_keeps_serving(
    figures: Any,
) -> None:
    async with make_host([*HEALTHY, FAULTY]) as host, live_server(host) as server:
        baseline = Census.of()
        async with await RawConnection.open(server) as connection:
            for _ in range(50):
                failed = await connection.request("GET", "/ipc/faulty.raises")
                assert failed.status == 500
                assert b'"type":"InternalError"' in failed.body
                assert b"a bug in a plugin" not in failed.body
                assert (await connection.request("GET", "/ipc/ping")).status == 200
        after = await settled(baseline)
        assert after.descriptors <= baseline.descriptors + 2
        figures(f"50 raising calls: 50 InternalError (500), 50 pings answered; {after.describe()}")


async def test_a_hanging_handler_times_out_while_others_are_answered() -> None:
    async with (
        make_host([*HEALTHY, FAULTY], config={"ipc.timeout_ms": 1500}) as host,
        live_server(host) as server,
        await RawConnection.open(server) as hanging,
        await RawConnection.open(server) as healthy,
    ):
        answers: list[int] = []

        async def ping_while_hanging() -> None:
            for _ in range(20):
                answers.append((await healthy.request("GET", "/ipc/ping")).status)

        async with anyio.create_task_group() as task_group:
            task_group.start_soon(ping_while_hanging)
            timed_out = await hanging.request("GET", "/ipc/faulty.hangs")
        assert timed_out.status == 408
        assert b'"type":"TimeoutError"' in timed_out.body
        assert answers == [200] * 20
        assert host.router.active["faulty.hangs"] == 0


_HARNESS = "task 'anyio._backends._trio.TestRunner."
"""The watchdog's name for this test's own task, which shares an in-process host's loop: under
a loaded parallel run it may hold the loop too (484 ms once in CI), and is named for it."""


def _of_the_host(stalls: dict[str, int]) -> dict[str, int]:
    """The stalls the watchdog counted against the host's routes, plugins and tasks."""
    return {name: count for name, count in stalls.items() if not name.startswith(_HARNESS)}


def _as_window_0(server: LiveServer) -> list[tuple[str, str]]:
    # diagnostics.query answers a page of a window (issue 50): window 0's, here.
    return [("x-oro-window", server.window_credential(0))]


async def test_a_blocking_handler_is_named_by_the_watchdog_and_counted(
    caplog: pytest.LogCaptureFixture, figures: Any
) -> None:
    caplog.set_level(logging.WARNING, logger="oro_framework.watchdog")
    async with (
        make_host([*HEALTHY, *OTHER_PLUGINS, FAULTY]) as host,
        live_server(host) as server,
        await RawConnection.open(server) as connection,
    ):
        assert (await connection.request("GET", "/ipc/faulty.blocks")).status == 200
        # fs, conduit and ai waited while the loop was held; they answer once it is free.
        await _assert_the_others_answer(connection)
        diagnostics = await connection.request(
            "GET", "/ipc/diagnostics.query", headers=_as_window_0(server)
        )
        report = json.loads(diagnostics.body)["data"]["loop"]
    label = "route 'faulty.blocks' of plugin 'test-routes'"
    warnings = [record.getMessage() for record in caplog.records]
    assert any(message.startswith(f"{label} blocked the event loop for") for message in warnings)
    assert _of_the_host(report["stalls"]) == {label: 1}
    assert report["longestMs"][label] >= 400
    assert report["thresholdMs"] == 100
    figures(f"blocking handler: logged as {label}, {report['longestMs'][label]:.0f} ms")


async def test_handlers_that_yield_often_are_never_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="oro_framework.watchdog")
    async with make_host(HEALTHY) as host:
        client = MemoryClient(host)
        for _ in range(200):
            await client.call("ping")
        assert _of_the_host(host.watchdog.stalls) == {}
    assert not [
        r
        for r in caplog.records
        if r.name == "oro_framework.watchdog" and not r.getMessage().startswith(_HARNESS)
    ]


class _CrashingService:
    """A plugin with a service that crashes when told, and a route of its own. Its restart is
    held before ``started()`` until ``recover`` is set, so the test sees it down."""

    name = "crasher"

    def __init__(self) -> None:
        self.attempts = 0
        self.crash = anyio.Event()
        self.recover = anyio.Event()

    @hookimpl
    def oro_register_permissions(self, permissions: Any) -> None:
        permissions.add("crasher", "The crashing plugin's route.")

    @hookimpl
    def oro_register_routes(self, routes: Any) -> None:
        async def status(request: Request) -> str:
            return "up"

        routes.add("crasher.status", status, permission="crasher")

    @hookimpl
    def oro_register_services(self, services: Any) -> None:
        async def run(*, task_status: Any) -> None:
            self.attempts += 1
            if self.attempts > 1:
                await self.recover.wait()
            task_status.started()
            if self.attempts == 1:
                await self.crash.wait()
                raise RuntimeError("service fell over")
            await anyio.sleep_forever()

        services.add("crasher", run, doc="crashes when told to")


async def test_a_crashing_service_is_restarted_and_fs_conduit_and_ai_keep_answering(
    caplog: pytest.LogCaptureFixture, figures: Any
) -> None:
    caplog.set_level(logging.ERROR, logger="oro_framework.services")
    crasher = _CrashingService()
    config = {"services.restart_backoff_ms": 0}
    async with (
        make_host([*HEALTHY, *OTHER_PLUGINS, crasher], config=config) as host,
        live_server(host) as server,
        await RawConnection.open(server) as connection,
    ):
        assert (await connection.request("GET", "/ipc/crasher.status")).status == 200

        crasher.crash.set()
        await _wait_for_state(host, "crasher", ServiceState.STARTING)

        down = await connection.request("GET", "/ipc/crasher.status")
        assert down.status == 503
        error = json.loads(down.body)["err"]
        assert error["type"] == "ServiceUnavailableError"
        assert error["code"] == "SERVICE_UNAVAILABLE_ERR"
        assert (error["service"], error["state"]) == ("crasher", "starting")
        await _assert_the_others_answer(connection)
        diagnostics = json.loads(
            (
                await connection.request(
                    "GET", "/ipc/diagnostics.query", headers=_as_window_0(server)
                )
            ).body
        )
        assert diagnostics["data"]["services"]["states"]["crasher"]["error"] == {
            "type": "RuntimeError",
            "message": "service fell over",
        }

        crasher.recover.set()
        await _wait_for_state(host, "crasher", ServiceState.RUNNING)

        assert (await connection.request("GET", "/ipc/crasher.status")).status == 200
        await _assert_the_others_answer(connection)
        assert host.service_status("crasher").restarts == 1
    assert host.lifecycle is LifecycleState.STOPPED
    [record] = [r for r in caplog.records if r.name == "oro_framework.services"]
    assert record.levelno == logging.ERROR
    assert record.getMessage().startswith(
        "service 'crasher' of plugin 'crasher' crashed: RuntimeError('service fell over')"
    )
    assert record.exc_info is not None
    figures(f"crashing service: 1 crash logged, restarted; {record.getMessage()}")


async def test_a_plain_def_handler_that_blocks_leaves_fs_conduit_and_ai_answering(
    caplog: pytest.LogCaptureFixture, figures: Any
) -> None:
    caplog.set_level(logging.WARNING, logger="oro_framework.watchdog")
    entered, release = threading.Event(), threading.Event()

    def blocks_its_thread(request: Request) -> str:
        entered.set()
        release.wait(10)  # bounded: a failing test must not leave the thread behind
        return "done"

    plugin = RoutePlugin({"threaded.blocks": blocks_its_thread}, permission="faulty", declare=True)
    async with (
        make_host([*HEALTHY, *OTHER_PLUGINS, plugin]) as host,
        live_server(host) as server,
        await RawConnection.open(server) as blocked,
        await RawConnection.open(server) as other,
    ):
        answers: list[int] = []

        async def call_the_blocking_route() -> None:
            answers.append((await blocked.request("GET", "/ipc/threaded.blocks")).status)

        async with anyio.create_task_group() as task_group:
            task_group.start_soon(call_the_blocking_route)
            await anyio.to_thread.run_sync(entered.wait)
            await _assert_the_others_answer(other)
            assert answers == []
            release.set()
        assert answers == [200]
        assert host.watchdog.stalls == {}
    assert not [record for record in caplog.records if record.name == "oro_framework.watchdog"]
    figures("plain def handler blocking its thread: ping, fs, conduit and ai answered meanwhile")
