"""Services: started with ``TaskGroup.start``, supervised (restarted with backoff, given up on
after a limit), stopped (and paused) by the host; a required one stops the host."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from anyio.abc import TaskStatus

import oro_framework.core.diagnostics
import oro_framework.core.ping
from oro_framework import (
    ConfigError,
    Host,
    LifecycleEvent,
    LifecycleState,
    PluginLoadError,
    RegistrationConflict,
    RegistrationError,
    Request,
    RouteTable,
    ServiceError,
    ServiceRegistry,
    ServiceState,
    ServiceStatus,
    ServiceUnavailableError,
    hookimpl,
)
from oro_framework.host.builtin_settings import RestartPolicy
from oro_framework.host.services import SERVICE_STATE_EVENT
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio

NO_BACKOFF = {"services.restart_backoff_ms": 0}
"""Restarts at once: tests wait for states, never for time to pass."""
LONG_BACKOFF = {"services.restart_backoff_ms": 600_000, "services.restart_backoff_max_ms": 600_000}
"""The restart never comes during the test: the service stays down while the test looks."""


class ServicePlugin:
    """Registers one service, ``run``, with the given options, and a route ``<name>.echo`` that
    belongs to the same plugin."""

    def __init__(
        self,
        run: Any,
        *,
        name: str = "svc",
        plugin: str = "svc-plugin",
        with_route: bool = True,
        **options: Any,
    ):
        self.name = plugin
        self.service_name = name
        self.run = run
        self.with_route = with_route
        self.options = options

    @hookimpl
    def oro_register_services(self, services: ServiceRegistry) -> None:
        services.add(self.service_name, self.run, doc="A test service.", **self.options)

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        async def echo(request: Request) -> str:
            return "echo"

        if self.with_route:
            routes.add(f"{self.service_name}.echo", echo, permission="runtime")


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


class Crasher:
    """A service that starts, then raises once ``crash`` is set (at once on later attempts while
    it stays set), and holds its later attempts before ``started()`` until ``gate`` is set."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error or RuntimeError("lost the socket")
        self.attempts = 0
        self.crash = anyio.Event()
        self.gate = anyio.Event()
        self.gate.set()

    async def run(self, *, task_status: TaskStatus[None]) -> None:
        self.attempts += 1
        if self.attempts > 1:
            await self.gate.wait()
        task_status.started()
        await self.crash.wait()
        raise self.error

    def crash_once(self) -> None:
        """Crash the running attempt; the next one runs until told again."""
        crash, self.crash = self.crash, anyio.Event()
        crash.set()


def bare_host(tmp_path: Path, *plugins: object, config: dict[str, Any] | None = None) -> Host:
    """A host built without make_host, for tests that watch Host.run fail."""
    return Host(
        tmp_path / "app",
        autoload=False,
        plugins=plugins,
        environ={},
        config=config,
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        temp_dir=tmp_path / "temp",
    )


async def wait_for(host: Host, service: str, condition: Callable[[ServiceStatus], bool]) -> None:
    """Return once ``condition`` holds for ``service``; woken by its ``servicestatechange``
    events, so nothing is polled and no time is guessed."""
    async with host.events.subscribe() as events:
        with anyio.fail_after(10):
            while not condition(host.service_status(service)):
                await events.receive()


def in_state(state: ServiceState) -> Callable[[ServiceStatus], bool]:
    return lambda status: status.state is state


def crash_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "oro_framework.services" and record.levelno >= logging.ERROR
    ]


# -------------------------------------------------------------------------------------------------
# Starting and stopping
# -------------------------------------------------------------------------------------------------


async def test_service_is_running_when_the_host_has_started() -> None:
    probe = Probe()
    async with make_host([ServicePlugin(probe.run)]) as host:
        assert probe.started.is_set()
        assert host.running_services == ["svc"]
        assert host.service_status("svc").state is ServiceState.RUNNING
        assert probe.stops == 0

    assert probe.stops == 1
    assert host.running_services == []
    assert host.service_status("svc").state is ServiceState.STOPPED


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


async def test_cancellation_at_stop_is_not_a_crash(caplog: pytest.LogCaptureFixture) -> None:
    probe = Probe()
    async with make_host([ServicePlugin(probe.run)]) as host:
        pass

    status = host.service_status("svc")
    assert status.state is ServiceState.STOPPED
    assert (status.restarts, status.last_error, status.is_down) == (0, None, False)
    assert probe.starts == 1
    assert crash_records(caplog) == []


async def test_a_service_raising_while_it_is_stopped_is_logged_not_restarted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def sloppy(*, task_status: TaskStatus[None]) -> None:
        task_status.started()
        try:
            await anyio.sleep_forever()
        finally:
            raise RuntimeError("cleanup bug")

    async with make_host([ServicePlugin(sloppy)]) as host:
        pass

    assert host.lifecycle is LifecycleState.STOPPED
    assert host.service_status("svc").state is ServiceState.STOPPED
    [record] = crash_records(caplog)
    assert record.getMessage() == "service 'svc' of plugin 'svc-plugin' raised while it was stopped"


# -------------------------------------------------------------------------------------------------
# Crashes after start: restarted, routes unavailable meanwhile
# -------------------------------------------------------------------------------------------------


async def test_a_crashed_service_is_restarted_and_its_plugin_serves_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    crasher = Crasher()
    async with make_host([ServicePlugin(crasher.run, name="crasher")], config=NO_BACKOFF) as host:
        client = MemoryClient(host)
        crasher.gate = anyio.Event()  # the restart waits before started() until the test looks
        crasher.crash_once()
        await wait_for(host, "crasher", in_state(ServiceState.STARTING))

        down = await client.call("crasher.echo")
        assert isinstance(down.error, ServiceUnavailableError)
        assert down.error.extra == {"service": "crasher", "state": "starting"}

        crasher.gate.set()
        await wait_for(host, "crasher", in_state(ServiceState.RUNNING))

        assert (await client.call("crasher.echo")).data == "echo"
        status = host.service_status("crasher")
        assert crasher.attempts == 2
        assert status.restarts == 1
        assert status.is_down is False
        assert isinstance(status.last_error, RuntimeError)

    [record] = crash_records(caplog)
    assert record.getMessage() == (
        "service 'crasher' of plugin 'svc-plugin' crashed: RuntimeError('lost the socket'); "
        "restart 1 of 5 in 0 ms"
    )
    assert record.exc_info is not None
    assert record.exc_info[1] is crasher.error


async def test_routes_of_a_plugin_whose_service_is_restarting_answer_service_unavailable() -> None:
    crasher = Crasher()
    plugins = [oro_framework.core.ping, ServicePlugin(crasher.run, name="crasher")]
    async with make_host(plugins, config=LONG_BACKOFF) as host:
        client = MemoryClient(host)
        crasher.crash.set()
        await wait_for(host, "crasher", in_state(ServiceState.RESTARTING))

        down = await client.call("crasher.echo")
        assert isinstance(down.error, ServiceUnavailableError)
        assert down.error.status == 503
        assert down.error.code == "SERVICE_UNAVAILABLE_ERR"
        assert down.error.extra["service"] == "crasher"
        assert down.error.extra["state"] == "restarting"
        assert 0 < down.error.extra["retryAfter"] <= 600_000
        assert down.error.message.startswith(
            "Service 'crasher' of plugin 'svc-plugin' is restarting; retry in "
        )
        assert (await client.call("ping")).data == "pong"


async def test_a_service_that_returns_after_start_is_restarted() -> None:
    done = anyio.Event()

    async def quitter(*, task_status: TaskStatus[None]) -> None:
        task_status.started()
        await done.wait()

    async with make_host([ServicePlugin(quitter, name="quitter")], config=LONG_BACKOFF) as host:
        done.set()
        await wait_for(host, "quitter", in_state(ServiceState.RESTARTING))

        error = host.service_status("quitter").last_error
        assert isinstance(error, ServiceError)
        assert str(error) == "service 'quitter' returned; services run until cancelled"


async def test_a_service_crashing_past_the_restart_limit_is_failed_for_good(
    caplog: pytest.LogCaptureFixture,
) -> None:
    crasher = Crasher()
    config = {**NO_BACKOFF, "services.restart_limit": 2}
    async with make_host([ServicePlugin(crasher.run, name="crasher")], config=config) as host:
        crasher.crash.set()
        await wait_for(host, "crasher", in_state(ServiceState.FAILED))

        status = host.service_status("crasher")
        assert crasher.attempts == 3
        assert status.restarts == 2
        assert status.describe_error() == {"type": "RuntimeError", "message": "lost the socket"}
        down = await MemoryClient(host).call("crasher.echo")
        assert isinstance(down.error, ServiceUnavailableError)
        assert down.error.extra == {"service": "crasher", "state": "failed"}
        assert down.error.message == (
            "Service 'crasher' of plugin 'svc-plugin' has failed; "
            "it is not restarted until the app restarts"
        )

    messages = [record.getMessage() for record in crash_records(caplog)]
    assert messages == [
        "service 'crasher' of plugin 'svc-plugin' crashed: RuntimeError('lost the socket'); "
        "restart 1 of 2 in 0 ms",
        "service 'crasher' of plugin 'svc-plugin' crashed: RuntimeError('lost the socket'); "
        "restart 2 of 2 in 0 ms",
        "service 'crasher' of plugin 'svc-plugin' crashed: RuntimeError('lost the socket'); "
        "given up after 2 restart(s): the routes of its plugin answer ServiceUnavailableError "
        "until the app restarts",
    ]
    assert host.service_status("crasher").state is ServiceState.FAILED


async def test_restart_limit_zero_fails_on_the_first_crash() -> None:
    crasher = Crasher()
    config = {"services.restart_limit": 0}
    async with make_host([ServicePlugin(crasher.run, name="crasher")], config=config) as host:
        crasher.crash.set()
        await wait_for(host, "crasher", in_state(ServiceState.FAILED))

        assert crasher.attempts == 1
        assert host.service_status("crasher").restarts == 0


async def test_the_restart_count_goes_back_to_zero_once_the_service_stayed_up() -> None:
    crasher = Crasher()
    config = {**NO_BACKOFF, "services.restart_limit": 1, "services.stable_after_ms": 1}
    async with make_host([ServicePlugin(crasher.run, name="crasher")], config=config) as host:
        for crash in range(1, 4):
            crasher.crash_once()
            restarted = crash + 1

            def is_restarted(status: ServiceStatus, attempts: int = restarted) -> bool:
                return crasher.attempts == attempts and status.state is ServiceState.RUNNING

            await wait_for(host, "crasher", is_restarted)
            # Up longer than services.stable_after_ms: the next crash starts a new count instead
            # of reaching the limit of 1.
            await anyio.sleep(0.002)
            assert host.service_status("crasher").restarts == 0

        assert crasher.attempts == 4
        assert host.service_status("crasher").state is ServiceState.RUNNING


def test_restart_delays_double_up_to_the_maximum() -> None:
    policy = RestartPolicy(restart_backoff_ms=500, restart_backoff_max_ms=3000)

    assert [policy.delay(restarts) for restarts in range(6)] == [0.5, 1, 2, 3, 3, 3]
    assert policy.delay(10_000) == 3


async def test_routes_of_other_plugins_keep_answering_while_a_service_is_down() -> None:
    crasher, probe = Crasher(), Probe()
    plugins = [
        ServicePlugin(crasher.run, name="crasher", plugin="crashing-plugin"),
        ServicePlugin(probe.run, name="steady", plugin="steady-plugin"),
    ]
    async with make_host(plugins, config=LONG_BACKOFF) as host:
        crasher.crash.set()
        await wait_for(host, "crasher", in_state(ServiceState.RESTARTING))

        assert (await MemoryClient(host).call("steady.echo")).data == "echo"
        assert host.running_services == ["steady"]
        assert probe.stops == 0


async def test_stopping_the_host_while_a_restart_is_scheduled_is_not_a_crash(
    caplog: pytest.LogCaptureFixture,
) -> None:
    crasher = Crasher()
    async with make_host([ServicePlugin(crasher.run, name="crasher")], config=LONG_BACKOFF) as host:
        crasher.crash.set()
        await wait_for(host, "crasher", in_state(ServiceState.RESTARTING))

    assert host.lifecycle is LifecycleState.STOPPED
    assert host.service_status("crasher").state is ServiceState.STOPPED
    assert len(crash_records(caplog)) == 1


# -------------------------------------------------------------------------------------------------
# Startup failures: the host starts anyway
# -------------------------------------------------------------------------------------------------


async def _raises_before_started(*, task_status: TaskStatus[None]) -> None:
    raise OSError("address already in use")


async def _silent(*, task_status: TaskStatus[None]) -> None:
    await anyio.sleep_forever()


async def _returns_before_started(*, task_status: TaskStatus[None]) -> None:
    return None


@pytest.mark.parametrize(
    ("run", "options", "error"),
    [
        (_raises_before_started, {}, "address already in use"),
        (_silent, {"startup_timeout": 0.05}, "service 'svc' did not start within 0.05 s"),
        (_returns_before_started, {}, "service 'svc' returned before it reported started"),
    ],
    ids=["raises", "misses-startup-timeout", "returns"],
)
async def test_a_service_failing_to_start_leaves_the_host_running_and_is_retried(
    run: Any, options: dict[str, Any], error: str, caplog: pytest.LogCaptureFixture
) -> None:
    plugins = [oro_framework.core.ping, ServicePlugin(run, **options)]
    async with make_host(plugins, config=LONG_BACKOFF) as host:
        assert host.lifecycle is LifecycleState.RUNNING
        status = host.service_status("svc")
        assert status.state is ServiceState.RESTARTING
        assert str(status.last_error) == error
        assert (await MemoryClient(host).call("ping")).data == "pong"
        down = await MemoryClient(host).call("svc.echo")
        assert isinstance(down.error, ServiceUnavailableError)
        assert down.error.extra["state"] == "restarting"

    [record] = crash_records(caplog)
    assert record.getMessage().startswith("service 'svc' of plugin 'svc-plugin' ")
    assert "restart 1 of 5 in 600000 ms" in record.getMessage()


async def test_a_service_that_failed_to_start_comes_up_on_a_retry() -> None:
    attempts = 0
    second_attempt = anyio.Event()

    async def flaky(*, task_status: TaskStatus[None]) -> None:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise OSError("address already in use")
        await second_attempt.wait()
        task_status.started()
        await anyio.sleep_forever()

    async with make_host([ServicePlugin(flaky)], config=NO_BACKOFF) as host:
        second_attempt.set()
        await wait_for(host, "svc", in_state(ServiceState.RUNNING))

        assert (await MemoryClient(host).call("svc.echo")).data == "echo"
        assert host.service_status("svc").restarts == 1
        assert host.running_services == ["svc"]


# -------------------------------------------------------------------------------------------------
# required=True: today's stop-the-host behaviour
# -------------------------------------------------------------------------------------------------


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


async def test_a_required_service_exceeding_its_startup_timeout_stops_the_host(
    tmp_path: Path,
) -> None:
    plugin = ServicePlugin(_silent, name="silent", startup_timeout=0.05, required=True)
    host = bare_host(tmp_path, plugin)

    with pytest.raises(
        ServiceError, match=r"service 'silent' did not start within 0\.05 s"
    ) as raised:
        await host.run()

    assert raised.value.service == "silent"
    assert host.lifecycle is LifecycleState.STOPPED


async def test_a_required_service_raising_before_started_stops_the_host(tmp_path: Path) -> None:
    plugin = ServicePlugin(_raises_before_started, name="broken", required=True)
    host = bare_host(tmp_path, plugin)

    with pytest.raises(ServiceError, match="service 'broken' failed to start: OSError") as raised:
        await host.run()

    assert isinstance(raised.value.__cause__, OSError)


async def test_a_required_service_crashing_after_start_stops_the_host(tmp_path: Path) -> None:
    notifier = StartedNotifier()
    probe = Probe()

    async def crashing(*, task_status: TaskStatus[None]) -> None:
        task_status.started()
        await notifier.event.wait()
        raise RuntimeError("lost the socket")

    host = bare_host(
        tmp_path,
        notifier,
        ServicePlugin(probe.run, name="steady", plugin="steady-plugin"),
        ServicePlugin(crashing, name="crashing", plugin="crashing-plugin", required=True),
    )

    with pytest.raises(ServiceError, match="service 'crashing' crashed: RuntimeError"):
        await host.run()

    assert host.lifecycle is LifecycleState.STOPPED
    assert probe.stops == 1
    assert notifier.events == [
        LifecycleEvent.STARTED,
        LifecycleEvent.STOPPING,
        LifecycleEvent.STOPPED,
    ]


async def test_a_required_service_returning_stops_the_host(tmp_path: Path) -> None:
    notifier = StartedNotifier()

    async def quitter(*, task_status: TaskStatus[None]) -> None:
        task_status.started()
        await notifier.event.wait()

    host = bare_host(tmp_path, notifier, ServicePlugin(quitter, name="quitter", required=True))

    with pytest.raises(ServiceError, match="service 'quitter' returned; services run until"):
        await host.run()


# -------------------------------------------------------------------------------------------------
# Pause and resume
# -------------------------------------------------------------------------------------------------


async def test_stop_on_pause_service_is_cancelled_on_pause_and_restarted_on_resume() -> None:
    probe = Probe()
    async with make_host([ServicePlugin(probe.run, stop_on_pause=True)]) as host:
        await host.pause()

        assert probe.stopped.is_set()
        assert host.running_services == []
        status = host.service_status("svc")
        assert (status.state, status.restarts, status.is_down) == (ServiceState.STOPPED, 0, False)
        assert (await MemoryClient(host).call("svc.echo")).data == "echo"

        await host.resume()

        assert probe.started.is_set()
        assert probe.starts == 2
        assert host.running_services == ["svc"]
        assert host.service_status("svc").restarts == 0


async def test_service_without_stop_on_pause_keeps_running_while_paused() -> None:
    probe = Probe()
    async with make_host([ServicePlugin(probe.run)]) as host:
        await host.pause()

        assert host.running_services == ["svc"]
        assert probe.stops == 0


async def test_a_failed_service_is_not_started_again_on_resume() -> None:
    crasher = Crasher()
    config = {"services.restart_limit": 0}
    plugin = ServicePlugin(crasher.run, name="crasher", stop_on_pause=True)
    async with make_host([plugin], config=config) as host:
        crasher.crash.set()
        await wait_for(host, "crasher", in_state(ServiceState.FAILED))

        await host.pause()
        await host.resume()

        assert crasher.attempts == 1
        assert host.service_status("crasher").state is ServiceState.FAILED


# -------------------------------------------------------------------------------------------------
# What pages and diagnostics see
# -------------------------------------------------------------------------------------------------


async def test_pages_get_a_servicestatechange_event_for_each_state() -> None:
    crasher = Crasher()
    plugin = ServicePlugin(crasher.run, name="crasher")
    async with make_host([plugin], config=LONG_BACKOFF) as host, host.events.subscribe(0) as page:
        crasher.crash.set()
        event = await page.receive()

    assert event.name == SERVICE_STATE_EVENT == "servicestatechange"
    assert event.window is None
    retry_after = event.data.pop("retryAfter")
    assert 0 < retry_after <= 600_000
    assert event.data == {
        "service": "crasher",
        "plugin": "svc-plugin",
        "state": "restarting",
        "restarts": 1,
        "error": {"type": "RuntimeError", "message": "lost the socket"},
    }


async def test_diagnostics_show_each_services_state_restarts_and_last_error() -> None:
    crasher, probe = Crasher(), Probe()
    plugins = [
        oro_framework.core.diagnostics,
        ServicePlugin(crasher.run, name="crasher", plugin="crashing-plugin"),
        ServicePlugin(probe.run, name="steady", plugin="steady-plugin"),
    ]
    config = {"services.restart_limit": 0}
    async with make_host(plugins, config=config) as host:
        crasher.crash.set()
        await wait_for(host, "crasher", in_state(ServiceState.FAILED))
        answer = raise_for_error(await MemoryClient(host).call("diagnostics.query"))

    assert answer["services"] == {
        "running": ["steady"],
        "states": {
            "crasher": {
                "service": "crasher",
                "plugin": "crashing-plugin",
                "state": "failed",
                "restarts": 0,
                "error": {"type": "RuntimeError", "message": "lost the socket"},
            },
            "steady": {
                "service": "steady",
                "plugin": "steady-plugin",
                "state": "running",
                "restarts": 0,
                "error": None,
            },
        },
    }


# -------------------------------------------------------------------------------------------------
# Registration
# -------------------------------------------------------------------------------------------------


async def _idle(*, task_status: TaskStatus[None]) -> None:
    task_status.started()


@pytest.mark.parametrize("timeout", [0, -1.0, float("nan"), float("inf"), True, "5"])
def test_service_registry_refuses_a_startup_timeout_that_is_not_a_positive_number(
    timeout: Any,
) -> None:
    services = ServiceRegistry()

    with services.registering("p"), pytest.raises(RegistrationError) as raised:
        services.add("x", _idle, doc="X.", startup_timeout=timeout)

    assert raised.value.plugin == "p"
    assert raised.value.reason.startswith(
        "startup_timeout of service 'x' must be a positive number of seconds"
    )


def test_service_registry_refuses_a_run_that_is_not_async() -> None:
    def run(*, task_status: TaskStatus[None]) -> None:
        task_status.started()

    services = ServiceRegistry()
    with services.registering("p"), pytest.raises(RegistrationError, match="must be an 'async def"):
        services.add("x", run, doc="X.")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["", "a b", ".x", "x.", 7])
def test_service_registry_refuses_bad_names(name: Any) -> None:
    services = ServiceRegistry()
    with services.registering("p"), pytest.raises(RegistrationError) as raised:
        services.add(name, _idle, doc="X.")

    assert str(raised.value) == (
        f"plugin 'p': service name {name!r} must look like 'name' or 'namespace.name'"
    )


def test_two_plugins_registering_one_service_name_conflict(tmp_path: Path) -> None:
    probe = Probe()

    with pytest.raises(
        PluginLoadError, match="service 'svc' from 'b' is already registered by 'a'"
    ) as raised:
        bare_host(
            tmp_path,
            ServicePlugin(probe.run, plugin="a"),
            ServicePlugin(probe.run, plugin="b", with_route=False),
        )

    assert isinstance(raised.value.__cause__, RegistrationConflict)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("services.restart_limit", -1),
        ("services.restart_backoff_ms", -1),
        ("services.restart_backoff_max_ms", -5),
        ("services.stable_after_ms", 0),
    ],
)
def test_restart_settings_are_validated(tmp_path: Path, key: str, value: int) -> None:
    with pytest.raises(ConfigError, match=key):
        bare_host(tmp_path, config={key: value})
