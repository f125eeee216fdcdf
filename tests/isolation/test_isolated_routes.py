"""An isolated plugin's routes, streams and events, through the host's real router."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import anyio
import pytest

from oro_framework import Host, PluginCrashedError
from oro_framework.testing import MemoryClient, make_host
from tests.isolation.conftest import HOSTILE, supervisor_of

pytestmark = pytest.mark.anyio


async def test_an_isolated_plugin_answers_from_a_process_of_its_own(
    host: Host, client: MemoryClient
) -> None:
    reply = await client.call("hostile.whoami", answer=42)
    assert reply.error is None, reply.error
    assert reply.data["pid"] != os.getpid()
    assert reply.data["window"] == 0
    assert reply.data["params"] == {"answer": 42}
    assert not [name for name in reply.data["environ"] if name.startswith("ORO_")]
    info = host.plugin_info("oro_hostile.plugin")
    assert info.isolated
    assert (await client.call("local.ping")).data == "pong"


async def test_bytes_events_and_chunks_cross_whole(client: MemoryClient) -> None:
    body = os.urandom(200_000)
    assert (await client.call("hostile.echo", body=body)).body == body
    events = [item async for item in client.stream("hostile.count", to=100)]
    assert events == [{"n": number} for number in range(1, 101)]
    chunks = [chunk async for chunk in client.stream("hostile.chunks", count=50, size=70_000)]
    assert b"".join(chunks) == b"z" * 3_500_000


async def test_a_segfault_answers_its_call_and_the_plugin_comes_back(
    client: MemoryClient,
) -> None:
    first = (await client.call("hostile.whoami")).data["pid"]
    reply = await client.call("hostile.segfault")
    assert isinstance(reply.error, PluginCrashedError)
    assert reply.error.code == "ERR_PLUGIN_CRASHED"
    assert reply.error.extra["plugin"] == "oro_hostile.plugin"
    assert "SIGSEGV" in reply.error.extra["cause"]
    assert (await client.call("local.ping")).data == "pong"
    with anyio.fail_after(30):
        await supervisor_of(client.host).running()
    again = await client.call("hostile.whoami")
    assert again.error is None, again.error
    assert again.data["pid"] != first


async def test_a_plugin_that_asks_for_a_process_of_its_own_gets_one(
    hostile_module: object,
) -> None:
    import oro_hostile.asks

    async with make_host([oro_hostile.asks]) as host:
        assert host.plugin_info("oro_hostile.asks").isolated
        reply = await MemoryClient(host).call("hostile.whoami")
        assert reply.error is None, reply.error
        assert reply.data["pid"] != os.getpid()


async def test_its_temporary_files_go_to_a_folder_of_its_own(
    host: Host, client: MemoryClient
) -> None:
    reply = await client.call("hostile.whoami")
    assert "TMPDIR" in reply.data["environ"]
    assert not [name for name in reply.data["environ"] if "KEY" in name or "SECRET" in name]


async def test_a_frozen_apps_launcher_starts_the_plugins_process(
    hostile_module: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A built app's executable is its launcher (build/launcher.py), which has no -m: the host
    # starts it again with the flag, and the launcher runs the plugin's process.
    launcher = tmp_path / "app-launcher"
    launcher.write_text(
        f"#!/bin/sh\nexec {sys.executable} -c "
        "'from oro_framework.build.launcher import main; main()' \"$@\"\n"
    )
    launcher.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(launcher))
    async with make_host([hostile_module], config={"plugins.isolate": [HOSTILE]}) as host:
        reply = await MemoryClient(host).call("hostile.whoami")
        assert reply.error is None, reply.error
        assert reply.data["pid"] != os.getpid()
