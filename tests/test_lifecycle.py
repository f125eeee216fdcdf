"""The host's lifecycle: init → running ⇄ paused → stopping → stopped, and its notifications."""

from __future__ import annotations

import logging
from pathlib import Path

import anyio
import pytest
from anyio.abc import TaskStatus

from oro_framework import (
    ConfigRegistry,
    Host,
    LifecycleError,
    LifecycleEvent,
    LifecycleState,
    ServiceRegistry,
    hookimpl,
)
from oro_framework.host.lifecycle import transition
from oro_framework.testing import HookRecorder, make_host

pytestmark = pytest.mark.anyio

INIT, RUNNING, PAUSED = LifecycleState.INIT, LifecycleState.RUNNING, LifecycleState.PAUSED
STOPPING, STOPPED = LifecycleState.STOPPING, LifecycleState.STOPPED


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (INIT, RUNNING),
        (INIT, STOPPING),
        (RUNNING, PAUSED),
        (RUNNING, STOPPING),
        (PAUSED, RUNNING),
        (PAUSED, STOPPING),
        (STOPPING, STOPPED),
    ],
)
def test_transition_allows_the_lifecycle_edges(
    current: LifecycleState, target: LifecycleState
) -> None:
    assert transition(current, target) is target


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (INIT, PAUSED),
        (RUNNING, RUNNING),
        (PAUSED, PAUSED),
        (STOPPING, RUNNING),
        (STOPPED, RUNNING),
        (STOPPED, PAUSED),
        (RUNNING, STOPPED),
    ],
)
def test_transition_refuses_impossible_edges(
    current: LifecycleState, target: LifecycleState
) -> None:
    with pytest.raises(LifecycleError, match=f"cannot go from {current.value} to {target.value}"):
        transition(current, target)


async def test_host_is_running_inside_make_host_and_stopped_after() -> None:
    async with make_host() as host:
        assert host.lifecycle is RUNNING

    assert host.lifecycle is STOPPED


async def test_pause_and_resume_move_between_paused_and_running() -> None:
    async with make_host() as host:
        await host.pause()
        assert host.lifecycle is PAUSED

        await host.resume()
        assert host.lifecycle is RUNNING


async def test_pausing_a_stopped_host_is_lifecycle_error() -> None:
    async with make_host() as host:
        pass

    with pytest.raises(LifecycleError, match="cannot go from stopped to paused"):
        await host.pause()


async def test_pausing_a_paused_host_is_lifecycle_error() -> None:
    async with make_host() as host:
        await host.pause()

        with pytest.raises(LifecycleError, match="cannot go from paused to paused"):
            await host.pause()


async def test_resuming_a_running_host_is_lifecycle_error() -> None:
    async with make_host() as host:
        with pytest.raises(LifecycleError, match="cannot go from running to running"):
            await host.resume()


async def test_resuming_a_stopped_host_is_lifecycle_error() -> None:
    async with make_host() as host:
        pass

    with pytest.raises(LifecycleError, match="cannot go from stopped to running"):
        await host.resume()


async def test_lifecycle_events_are_notified_in_order() -> None:
    recorder = HookRecorder()
    async with make_host([recorder]) as host:
        await host.pause()
        await host.resume()

    events = [call["event"] for call in recorder.arguments("oro_lifecycle_event")]
    assert events == [
        LifecycleEvent.STARTED,
        LifecycleEvent.PAUSED,
        LifecycleEvent.RESUMED,
        LifecycleEvent.STOPPING,
        LifecycleEvent.STOPPED,
    ]
    assert {call["host"] for call in recorder.arguments("oro_lifecycle_event")} == {host}


class ServiceWatcher:
    """A plugin with a stop_on_pause service that notes which services run at each event."""

    name = "service-watcher"

    def __init__(self) -> None:
        self.seen: dict[LifecycleEvent, list[str]] = {}

    @hookimpl
    def oro_register_services(self, services: ServiceRegistry) -> None:
        services.add("pausable", self.run, doc="Stops while paused.", stop_on_pause=True)

    async def run(self, *, task_status: TaskStatus[None]) -> None:
        task_status.started()
        await anyio.sleep_forever()

    @hookimpl
    def oro_lifecycle_event(self, host: Host, event: LifecycleEvent) -> None:
        self.seen[event] = host.running_services


async def test_services_are_in_their_announced_state_when_events_are_notified() -> None:
    watcher = ServiceWatcher()
    async with make_host([watcher]) as host:
        await host.pause()
        await host.resume()

    assert watcher.seen == {
        LifecycleEvent.STARTED: ["pausable"],
        LifecycleEvent.PAUSED: [],
        LifecycleEvent.RESUMED: ["pausable"],
        LifecycleEvent.STOPPING: ["pausable"],
        LifecycleEvent.STOPPED: [],
    }


class FailingListener:
    name = "failing-listener"

    @hookimpl
    def oro_lifecycle_event(self, event: LifecycleEvent) -> None:
        raise RuntimeError(f"listener broke on {event.value}")


async def test_exception_in_a_lifecycle_hook_is_logged_and_the_transition_happens(
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder = HookRecorder()
    async with make_host([FailingListener(), recorder]) as host:
        with caplog.at_level(logging.ERROR, logger="oro_framework.hooks"):
            await host.pause()

        assert host.lifecycle is PAUSED

    assert "listener broke on paused" in caplog.text
    assert "failing-listener" in caplog.text
    assert LifecycleEvent.PAUSED in [
        call["event"] for call in recorder.arguments("oro_lifecycle_event")
    ]


async def test_stop_is_safe_to_call_twice() -> None:
    recorder = HookRecorder()
    async with make_host([recorder]) as host:
        host.stop()
        host.stop()

    assert recorder.names().count("oro_unconfigure") == 1


def test_closing_a_host_that_never_ran_unconfigures_it_once(tmp_path: Path) -> None:
    recorder = HookRecorder()
    host = Host(tmp_path, autoload=False, plugins=[recorder], environ={})

    host.close()
    host.close()

    assert host.lifecycle is STOPPED
    assert recorder.names().count("oro_unconfigure") == 1


async def test_stopping_the_host_from_another_task_ends_run(tmp_path: Path) -> None:
    host = Host(
        tmp_path / "app",
        autoload=False,
        environ={},
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        temp_dir=tmp_path / "temp",
    )
    async with anyio.create_task_group() as task_group:
        await task_group.start(host.run)
        assert host.lifecycle is RUNNING
        assert (tmp_path / "data").is_dir()
        host.stop()

    assert host.lifecycle is STOPPED


async def test_a_declare_only_host_reads_its_config_but_configures_and_registers_nothing(
    tmp_path: Path,
) -> None:
    """``oro config`` builds such a host: the declared permissions and keys and the config are
    there, but no plugin was configured (so none has anything to release) and it cannot run."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text('[meta]\nname = "Declared"\n[hooked]\nlevel = 3\n')
    recorder = HookRecorder()

    class Hooked:
        @hookimpl
        def oro_register_config(self, config: ConfigRegistry) -> None:
            config.add("hooked.level", int, 1, "A level.")

    host = Host(
        app,
        plugins=[Hooked(), recorder],
        autoload=False,
        environ={},
        paths_root=tmp_path / "paths",
        declare_only=True,
    )
    assert host.config["hooked.level"] == 3
    assert "hooked.level" in host.config_keys
    assert host.paths.data.is_relative_to(tmp_path / "paths")
    assert recorder.names() == ["oro_register_permissions", "oro_register_config"]
    # Nothing a running host needs was made: no route table, no windows, no services.
    assert not {"routes", "windows", "services", "router"} & set(vars(host))

    host.close()
    assert recorder.names() == ["oro_register_permissions", "oro_register_config"]
    with pytest.raises(LifecycleError, match="declare_only"):
        await host.run()
