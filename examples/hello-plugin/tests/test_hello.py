"""Tests of oro-hello, each on a host built with exactly this plugin, loaded by its entry point
from the installed distribution as ``oro run`` loads it (``installed_plugin``): the kit's
``host`` and ``client`` fixtures, or ``make_host`` for a test that needs its own config, app
directory or extra plugins."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest
from oro_framework import (
    ConfigError,
    Host,
    InvalidArgumentError,
    LifecycleEvent,
    NotAllowedError,
    OutOfRangeError,
)
from oro_framework.testing import (
    HookRecorder,
    MemoryClient,
    installed_plugin,
    make_host,
    raise_for_error,
)

from oro_hello.service import HEARTBEAT_EVENT, NAME
from oro_hello.state import STATE

pytestmark = pytest.mark.anyio

plugin = installed_plugin("hello")


async def test_the_plugin_is_named_after_its_entry_point(host: Host) -> None:
    [info] = [info for info in host.plugins if info.distribution == "oro-hello"]
    assert (info.name, info.entry_point) == ("hello", "hello = oro_hello.plugin")


async def test_greet_uses_the_configured_greeting() -> None:
    async with make_host(plugins=[plugin], config={"hello.greeting": "Ahoy"}) as host:
        reply = await MemoryClient(host).call("hello.greet", name="Ada", excited=True)
        assert raise_for_error(reply) == {"message": "Ahoy, Ada!", "greeted": 1}


async def test_greet_accepts_string_params_as_sent_by_oro_js(client: MemoryClient) -> None:
    reply = await client.call("hello.greet", name="Ada", excited="false")
    assert raise_for_error(reply)["message"] == "Hello, Ada."


async def test_greet_without_name_is_missing_args_error(client: MemoryClient) -> None:
    reply = await client.call("hello.greet")
    assert isinstance(reply.error, InvalidArgumentError)
    assert reply.error.code == "ERR_MISSING_ARGS"
    assert reply.status == 400


async def test_greet_with_blank_name_is_invalid_argument(client: MemoryClient) -> None:
    reply = await client.call("hello.greet", name="  ")
    assert isinstance(reply.error, InvalidArgumentError)
    assert reply.error.code == "ERR_INVALID_ARG_TYPE"


async def test_count_streams_numbers_as_events(client: MemoryClient) -> None:
    events = [event async for event in client.stream("hello.count", to=3)]
    assert [event.data for event in events] == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert {event.event for event in events} == {"count"}


async def test_count_above_max_count_is_range_error() -> None:
    async with make_host(plugins=[plugin], config={"hello.max_count": 5}) as host:
        reply = await MemoryClient(host).call("hello.count", to=6)
        assert isinstance(reply.error, OutOfRangeError)
        assert reply.status == 413


async def test_disabled_permission_is_not_allowed() -> None:
    async with make_host(plugins=[plugin], config={"permissions.allow_hello": False}) as host:
        reply = await MemoryClient(host).call("hello.greet", name="Ada")
        assert isinstance(reply.error, NotAllowedError)
        assert reply.status == 403


async def test_greeting_is_read_from_oro_toml(tmp_path: Path) -> None:
    (tmp_path / "oro.toml").write_text('[hello]\ngreeting = "Hi"\n', encoding="utf-8")
    async with make_host(plugins=[plugin], app_dir=tmp_path) as host:
        assert host.config["hello_greeting"] == "Hi"
        assert host.config.source("hello.greeting") == "oro.toml:2"


async def test_blank_greeting_in_oro_toml_is_config_error_with_line(tmp_path: Path) -> None:
    (tmp_path / "oro.toml").write_text('[hello]\ngreeting = " "\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"oro\.toml:2: key 'hello\.greeting' must not be empty"):
        async with make_host(plugins=[plugin], app_dir=tmp_path):
            pass


async def test_heartbeat_service_emits_events() -> None:
    async with make_host(plugins=[plugin], config={"hello.heartbeat_ms": 1}) as host:
        async with host.events.subscribe() as events:
            with anyio.fail_after(5):
                event = await events.receive()
        assert event.name == HEARTBEAT_EVENT
        assert event.data["beats"] >= 1


async def test_heartbeat_stops_while_paused() -> None:
    recorder = HookRecorder()
    async with make_host(plugins=[plugin, recorder]) as host:
        assert NAME in host.running_services
        await host.pause()
        assert NAME not in host.running_services
        await host.resume()
        assert NAME in host.running_services
    events = [call["event"] for call in recorder.arguments("oro_lifecycle_event")]
    assert events[:3] == [LifecycleEvent.STARTED, LifecycleEvent.PAUSED, LifecycleEvent.RESUMED]


async def test_diagnostics_count_open_streams(host: Host, client: MemoryClient) -> None:
    open_while_streaming = [
        host.hooks.diagnostics(host)["hello"]["handles"]
        async for _ in client.stream("hello.count", to=2)
    ]
    assert open_while_streaming == [{"count": 1, "ids": ["count-1"]}] * 2
    assert host.hooks.diagnostics(host)["hello"]["handles"] == {"count": 0, "ids": []}


async def test_js_module_is_served_with_its_declarations(host: Host) -> None:
    module = host.js_modules.get("oro:hello")
    assert module is not None
    assert module.url_path == "/oro/hello.js"
    assert module.declarations is not None
    assert module.declarations.is_file()


async def test_state_is_released_when_the_host_closes() -> None:
    async with make_host(plugins=[plugin]) as host:
        assert host.stash[STATE].greeted == 0
    assert STATE not in host.stash
