"""Faulty plugins next to healthy ones: a handler that raises, one that hangs, one that blocks
the event loop, a service that crashes. Each fault gets its typed answer or
its log line, and the healthy routes keep answering while it happens."""

from __future__ import annotations

import logging
import time
from typing import Any

import anyio
import anyio.lowlevel
import pytest
from _census import Census, settled
from _rawhttp import RawConnection

import oro_framework.core.diagnostics
import oro_framework.core.ping
from oro_framework import Host, Request, ServiceError, hookimpl
from oro_framework.testing import MemoryClient, RoutePlugin, live_server, make_host

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


async def test_a_blocking_handler_is_named_by_the_watchdog_and_counted(
    caplog: pytest.LogCaptureFixture, figures: Any
) -> None:
    caplog.set_level(logging.WARNING, logger="oro_framework.watchdog")
    async with make_host([*HEALTHY, FAULTY]) as host:
        client = MemoryClient(host)
        assert (await client.call("faulty.blocks")).data == "done"
        assert (await client.call("ping")).data == "pong"
        # The report is made when the blocking step ends, at this task's next checkpoint.
        await anyio.lowlevel.checkpoint()
        report = (await client.call("diagnostics.query")).data["loop"]
    label = "route 'faulty.blocks' of plugin 'test-routes'"
    warnings = [record.getMessage() for record in caplog.records]
    assert any(message.startswith(f"{label} blocked the event loop for") for message in warnings)
    assert report["stalls"] == {label: 1}
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
        assert host.watchdog.stalls == {}
    assert not [r for r in caplog.records if r.name == "oro_framework.watchdog"]


class _CrashingService:
    name = "crasher"

    def __init__(self) -> None:
        self.started = anyio.Event()
        self.crash = anyio.Event()

    @hookimpl
    def oro_register_services(self, services: Any) -> None:
        async def run(*, task_status: Any) -> None:
            task_status.started()
            self.started.set()
            await self.crash.wait()
            raise RuntimeError("service fell over")

        services.add("crasher", run, doc="crashes when told to")


async def test_a_crashing_service_is_reported_by_name_and_the_host_stops_cleanly() -> None:
    crasher = _CrashingService()
    baseline = Census.of()
    hosts: list[Host] = []

    async def run_until_the_crash() -> None:
        async with make_host([*HEALTHY, crasher]) as host:
            hosts.append(host)
            await crasher.started.wait()
            assert (await MemoryClient(host).call("ping")).data == "pong"
            crasher.crash.set()
            await anyio.sleep_forever()

    crashes: list[BaseException] = []
    try:
        await run_until_the_crash()
    except* ServiceError as group:
        crashes.extend(group.exceptions)
    assert [str(error) for error in crashes] == [
        "service 'crasher' crashed: RuntimeError('service fell over')"
    ]
    assert hosts[0].running_services == []
    after = await settled(baseline)
    assert after.descriptors <= baseline.descriptors
