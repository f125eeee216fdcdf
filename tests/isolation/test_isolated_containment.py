"""What an isolated plugin's crash, exit, leak, hang, flood or hostile act does: each stays in
its process, its call (and only its calls) gets a typed error naming the plugin, and the host
and its other plugins keep serving."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anyio
import pytest

from oro_framework import Host, InternalError, PluginCrashedError, PluginLoadError
from oro_framework.testing import MemoryClient, make_host
from tests.isolation.conftest import HOSTILE, supervisor_of

pytestmark = pytest.mark.anyio


async def crash_of(client: MemoryClient, route: str, **params: Any) -> PluginCrashedError:
    reply = await client.call(route, **params)
    assert isinstance(reply.error, PluginCrashedError), reply
    assert reply.error.code == "ERR_PLUGIN_CRASHED"
    assert reply.error.extra["plugin"] == HOSTILE
    assert (await client.call("local.ping")).data == "pong"
    return reply.error


async def back_again(client: MemoryClient) -> int:
    """The pid of the plugin's process once it answers again."""
    with anyio.fail_after(30):
        await supervisor_of(client.host).running()
    reply = await client.call("hostile.whoami")
    assert reply.error is None, reply.error
    return int(reply.data["pid"])


async def test_an_exit_is_named_with_its_status(client: MemoryClient) -> None:
    error = await crash_of(client, "hostile.exit")
    assert error.extra["cause"] == "exited with status 3"
    await back_again(client)


@pytest.fixture
def isolation_config() -> Mapping[str, Any]:
    return {
        "plugins.isolate": [HOSTILE],
        "plugins.isolated_unresponsive_ms": 1000,
        "plugins.isolated_memory_mb": 256,
    }


async def test_memory_past_the_limit_fails_there_and_the_process_goes_on(
    client: MemoryClient,
) -> None:
    pid = (await client.call("hostile.whoami")).data["pid"]
    at_once = await client.call("hostile.allocate", mib=1024)
    assert isinstance(at_once.error, InternalError), at_once
    little_by_little = await client.call("hostile.grow", mib=1024)
    assert little_by_little.error is not None
    assert (await client.call("hostile.whoami")).data["pid"] == pid
    assert (await client.call("hostile.allocate", mib=16)).data == 16 << 20


async def test_a_loop_that_never_yields_is_killed_and_named(client: MemoryClient) -> None:
    error = await crash_of(client, "hostile.spin")
    assert "did not answer for 1 s" in error.extra["cause"]
    await back_again(client)


async def test_the_hosts_memory_environment_and_ptrace_are_refused(client: MemoryClient) -> None:
    reply = await client.call("hostile.readHost")
    assert reply.error is None, reply.error
    assert reply.data["mem"] == "PermissionError"
    assert reply.data["environ"] == "PermissionError"
    assert reply.data["ptrace"] == "refused"


async def test_credentials_never_reach_the_plugin(host: Host) -> None:
    request_headers = {"cookie": "oro_session=secret", "x-oro-window": "credential"}
    from oro_framework.host.request import Request

    request = Request(
        "hostile.whoami", host=host, headers={**request_headers, "accept": "x/y"}, window=0
    )
    reply = await host.router.dispatch(request)
    assert reply.error is None, reply.error
    assert reply.data["headers"] == {"accept": "x/y"}


async def test_a_flood_of_events_kills_the_process(client: MemoryClient) -> None:
    error = await crash_of(client, "hostile.floodRaw", count=30_000)
    assert "emitted more than 10000 events in a second" in error.extra["cause"]
    await back_again(client)


async def test_a_plugin_emitting_faster_than_the_channel_loses_events_not_the_host(
    client: MemoryClient,
) -> None:
    pid = (await client.call("hostile.whoami")).data["pid"]
    assert (await client.call("hostile.flood", count=50_000)).data == 50_000
    assert (await client.call("hostile.whoami")).data["pid"] == pid


async def test_only_the_page_events_it_declared_reach_pages(
    host: Host, client: MemoryClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "oro.plugins")
    async with host.events.subscribe(0) as events:
        assert (await client.call("hostile.pretend")).data == "sent"
        with anyio.fail_after(10):
            event = await events.receive()
    assert (event.name, event.data) == ("hostile.tick", "declared")
    assert "emitted 'applicationurl', a page event it did not declare" in caplog.text


@pytest.mark.parametrize(
    ("route", "cause"),
    [
        ("hostile.garble", "broke the channel"),
        ("hostile.forge", "sent 'reply' for a call it was never given"),
    ],
)
async def test_garbage_or_a_forged_reply_drops_the_process(
    client: MemoryClient, route: str, cause: str
) -> None:
    error = await crash_of(client, route)
    assert cause in error.extra["cause"]
    await back_again(client)


async def test_a_cancelled_call_is_cancelled_in_the_process(
    host: Host, client: MemoryClient
) -> None:
    with anyio.move_on_after(0.5):
        await client.call("hostile.wait")
    (proxy,) = [p for name, p in host.hooks._manager.list_name_plugin() if name == HOSTILE]
    assert proxy.supervisor.calls == {}
    assert (await client.call("hostile.whoami")).error is None


async def test_a_process_that_never_declares_is_a_broken_plugin(
    hostile_module: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    spec = importlib.util.find_spec("oro_hostile_slow")
    assert spec is not None
    slow = type(hostile_module)("oro_hostile_slow.plugin")
    with pytest.raises(PluginLoadError, match=r"no answer within 2 s \(it was killed\)"):
        async with make_host(
            [slow],
            config={"plugins.isolate": ["oro_hostile_slow.plugin"]},
            environ={"ORO_PLUGIN_IMPORT_TIMEOUT": "2"},
        ):
            pass


async def test_the_process_stops_its_plugin_when_the_app_stops(
    hostile_module: object, tmp_path: Path
) -> None:
    # oro-hostile's state writes a file when its host unconfigures it: the process ran it.
    marker = tmp_path / "unconfigured"
    async with make_host(
        [hostile_module],
        config={"plugins.isolate": [HOSTILE], "hostile.marker": str(marker)},
    ) as host:
        pid = (await MemoryClient(host).call("hostile.whoami")).data["pid"]
    assert marker.read_text() == str(pid)
