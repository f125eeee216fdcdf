"""Services: started with ``TaskGroup.start``, supervised, stopped (and paused) by the host."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from anyio.abc import TaskStatus

from oro_framework import (
    Host,
    LifecycleEvent,
    LifecycleState,
    PluginLoadError,
    RegistrationConflict,
    ServiceError,
    ServiceRegistry,
    hookimpl,
)
from oro_framework.testing import make_host

pytestmark = pytest.mark.anyio


class ServicePlugin:
    """Registers one service, ``run``, with the given options."""

    def __init__(self, run: Any, *, name: str = "svc", plugin: str = "svc-plugin", **options: Any):
        self.name = plugin
        self.service_name = name
        self.run = run
        self.options = options

    @hookimpl
    def oro_register_services(self, services: ServiceRegistry) -> None:
        services.add(self.service_name, self.run, doc="A test service.", **self.options)


class Probe:
    """A service that records its starts and stops."""

    def __init__(self) -> None:
        self.starts = 0
        self.stops = 0
        self.started = anyio.Event()
        self.stopped = anyio.Event()

    async def run(self, *, task_status: TaskStatus[None]) -> None:
        self.starts += 1
        self.started = anyio.Event()
        try:
            task_status.started()
            self.started.set()
            await anyio.sleep_forever()
        finally:
            self.stops += 1
            self.stopped.set()


def bare_host(tmp_path: Path, *plugins: object) -> Host:
    """A host built without make_host, for tests that watch Host.run fail."""
    return Host(
        tmp_path / "app",
        autoload=False,
        plugins=plugins,
        environ={},
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        temp_dir=tmp_path / "temp",
    )


class StartedNotifier:
    """Sets ``event`` once the host reports it started."""

    name = "started-notifier"

    def __init__(self) -> None:
        self.event = anyio.Event()
        self.events: list[LifecycleEvent] = []

    @hookimpl
    def oro_lifecycle_event(self, event: LifecycleEvent) -> None:
        self.events.append(event)
        if event is LifecycleEvent.STARTED:
            self.event.set()


async def test_service_is_running_when_the_host_has_started() -> None:
    probe = Probe()
    async with make_host([ServicePlugin(probe.run)]) as host:
        assert probe.started.is_set()
        assert host.running_services == ["svc"]
        assert probe.stops == 0

    assert probe.stops == 1
    assert host.running_services == []


async def test_services_start_in_registration_order_and_stop_in_reverse() -> None:
    log: list[str] = []

    def service(name: str) -> Any:
        async def run(*, task_status: TaskStatus[None]) -> None:
            log.append(f"start {name}")
            try:
                task_status.started()
                await anyio.sleep_forever()
            finally:
                log.append(f"stop {name}")

        return run

    class TwoServices:
        name = "two-services"

        @hookimpl
        def oro_register_services(self, services: ServiceRegistry) -> None:
            services.add("first", service("first"), doc="First.")
            services.add("second", service("second"), doc="Second.")

    async with make_host([TwoServices()]):
        pass

    assert log == ["start first", "start second", "stop second", "stop first"]


async def test_service_exceeding_its_startup_timeout_stops_the_host_naming_it(
    tmp_path: Path,
) -> None:
    async def silent(*, task_status: TaskStatus[None]) -> None:
        await anyio.Event().wait()

    host = bare_host(tmp_path, ServicePlugin(silent, name="silent", startup_timeout=0.05))

    with pytest.raises(
        ServiceError, match=r"service 'silent' did not start within 0\.05 s"
    ) as raised:
        await host.run()

    assert raised.value.service == "silent"
    assert host.lifecycle is LifecycleState.STOPPED


async def test_service_raising_before_started_failed_to_start(tmp_path: Path) -> None:
    async def broken(*, task_status: TaskStatus[None]) -> None:
        raise OSError("address already in use")

    host = bare_host(tmp_path, ServicePlugin(broken, name="broken"))

    with pytest.raises(ServiceError, match="service 'broken' failed to start: OSError"):
        await host.run()


async def test_service_crashing_after_started_stops_the_host(tmp_path: Path) -> None:
    notifier = StartedNotifier()

    async def crashing(*, task_status: TaskStatus[None]) -> None:
        task_status.started()
        await notifier.event.wait()
        raise RuntimeError("lost the socket")

    host = bare_host(tmp_path, notifier, ServicePlugin(crashing, name="crashing"))

    with pytest.raises(ServiceError, match="service 'crashing' crashed: RuntimeError"):
        await host.run()

    assert host.lifecycle is LifecycleState.STOPPED
    assert notifier.events == [
        LifecycleEvent.STARTED,
        LifecycleEvent.STOPPING,
        LifecycleEvent.STOPPED,
    ]


async def test_crashing_service_cancels_the_other_services(tmp_path: Path) -> None:
    notifier = StartedNotifier()
    probe = Probe()

    async def crashing(*, task_status: TaskStatus[None]) -> None:
        task_status.started()
        await notifier.event.wait()
        raise RuntimeError("boom")

    host = bare_host(
        tmp_path,
        notifier,
        ServicePlugin(probe.run, name="steady", plugin="steady-plugin"),
        ServicePlugin(crashing, name="crashing", plugin="crashing-plugin"),
    )

    with pytest.raises(ServiceError):
        await host.run()

    assert probe.stops == 1


async def test_service_returning_is_an_error(tmp_path: Path) -> None:
    notifier = StartedNotifier()

    async def quitter(*, task_status: TaskStatus[None]) -> None:
        task_status.started()
        await notifier.event.wait()

    host = bare_host(tmp_path, notifier, ServicePlugin(quitter, name="quitter"))

    with pytest.raises(ServiceError, match="service 'quitter' returned; services run until"):
        await host.run()


async def test_stop_on_pause_service_is_cancelled_on_pause_and_restarted_on_resume() -> None:
    probe = Probe()
    async with make_host([ServicePlugin(probe.run, stop_on_pause=True)]) as host:
        await host.pause()

        assert probe.stopped.is_set()
        assert host.running_services == []

        await host.resume()

        assert probe.started.is_set()
        assert probe.starts == 2
        assert host.running_services == ["svc"]


async def test_service_without_stop_on_pause_keeps_running_while_paused() -> None:
    probe = Probe()
    async with make_host([ServicePlugin(probe.run)]) as host:
        await host.pause()

        assert host.running_services == ["svc"]
        assert probe.stops == 0


def test_service_registry_refuses_a_startup_timeout_that_is_not_positive() -> None:
    async def run(*, task_status: TaskStatus[None]) -> None:
        task_status.started()

    with pytest.raises(ValueError, match="startup_timeout of service 'x' must be a positive"):
        ServiceRegistry().add("x", run, doc="X.", startup_timeout=0)


def test_two_plugins_registering_one_service_name_conflict(tmp_path: Path) -> None:
    probe = Probe()

    with pytest.raises(
        PluginLoadError, match="service 'svc' from 'b' is already registered by 'a'"
    ) as raised:
        bare_host(
            tmp_path,
            ServicePlugin(probe.run, plugin="a"),
            ServicePlugin(probe.run, plugin="b"),
        )

    assert isinstance(raised.value.__cause__, RegistrationConflict)


async def test_services_of_earlier_registered_plugins_start_first() -> None:
    first, second = Probe(), Probe()
    order: list[str] = []

    def recording(name: str, probe: Probe) -> Any:
        async def run(*, task_status: TaskStatus[None]) -> None:
            order.append(name)
            await probe.run(task_status=task_status)

        return run

    plugins = [
        ServicePlugin(recording("early", first), name="early", plugin="early-plugin"),
        ServicePlugin(recording("late", second), name="late", plugin="late-plugin"),
    ]
    async with make_host(plugins) as host:
        assert host.running_services == ["early", "late"]

    assert order == ["early", "late"]
