"""Descriptors: the per-window cap (EMFILE), and nothing left open when the page goes away, when
the page asks, or when the host stops."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import anyio
import oro_fs.plugin
import pytest
from oro_fs.state import STATE

import oro_framework.core.diagnostics
from conftest import DATA_HOME
from oro_framework import ErrnoError
from oro_framework.testing import MemoryClient, live_server, make_host, raise_for_error

pytestmark = pytest.mark.anyio


async def eventually(condition: Callable[[], object], what: str) -> None:
    """Wait (up to 10 s) for ``condition`` to hold; the host reacts asynchronously."""
    for _ in range(1000):
        if condition():
            return
        await anyio.sleep(0.01)
    raise AssertionError(f"timed out waiting until {what}")


def open_fds() -> set[int]:
    """This process's open file descriptors (Linux), to prove nothing leaked."""
    return {int(name) for name in os.listdir("/proc/self/fd")}


def files_open_below(directory: Path) -> list[str]:
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if target.startswith(str(directory)):
            found.append(target)
    return found


async def fill(client: MemoryClient, count: int, prefix: str = "f") -> None:
    for index in range(count):
        raise_for_error(await client.call("fs.open", id=f"{prefix}{index}", path="file"))


async def test_past_the_cap_open_is_emfile_and_a_close_frees_a_slot() -> None:
    config = {"filesystem.max_open_descriptors": 4}
    async with make_host([oro_fs.plugin], config={**DATA_HOME, **config}) as host:
        (host.paths.data / "file").write_bytes(b"x")
        (host.paths.data / "dir").mkdir()
        client = MemoryClient(host)
        await fill(client, 3)
        raise_for_error(await client.call("fs.watch", id="w", path="dir"))
        for route, params in (
            ("fs.open", {"id": "extra", "path": "file"}),
            ("fs.opendir", {"id": "extra", "path": "dir"}),
            ("fs.watch", {"id": "extra", "path": "dir"}),
        ):
            error = (await client.call(route, **params)).error
            assert isinstance(error, ErrnoError), route
            assert error.code == "EMFILE"
            assert error.status == 429
        # Other windows have caps of their own.
        raise_for_error(await MemoryClient(host, window=1).call("fs.open", id="1", path="file"))
        raise_for_error(await client.call("fs.close", id="f0"))
        raise_for_error(await client.call("fs.open", id="again", path="file"))


async def test_concurrent_opens_never_exceed_the_cap() -> None:
    config = {"filesystem.max_open_descriptors": 5}
    async with make_host([oro_fs.plugin], config={**DATA_HOME, **config}) as host:
        (host.paths.data / "file").write_bytes(b"x")
        client = MemoryClient(host)
        codes: list[str | None] = []

        async def open_one(index: int) -> None:
            reply = await client.call("fs.open", id=str(index), path="file")
            codes.append(None if reply.error is None else reply.error.code)

        async with anyio.create_task_group() as task_group:
            for index in range(20):
                task_group.start_soon(open_one, index)
        assert codes.count(None) == 5
        assert codes.count("EMFILE") == 15
        assert len(host.stash[STATE].descriptors.of(0)) == 5


async def test_descriptors_close_when_the_page_goes_away() -> None:
    async with make_host([oro_fs.plugin], config=DATA_HOME) as host, live_server(host) as server:
        data = host.paths.data
        (data / "file").write_bytes(b"x")
        (data / "dir").mkdir()
        page, other = MemoryClient(host, window=3), MemoryClient(host, window=4)
        async with server.client() as http:
            credential = server.window_credential(3)
            async with http.stream(
                "GET", "/oro/events", params={"oro_window": credential}, timeout=30
            ) as events:
                lines = events.aiter_lines()  # held: a dropped generator closes the stream
                await lines.__anext__()  # ": connected": the page is live
                await fill(page, 3)
                raise_for_error(await page.call("fs.opendir", id="d", path="dir"))
                raise_for_error(await page.call("fs.watch", id="w", path="dir"))
                raise_for_error(await other.call("fs.open", id="kept", path="file"))
                assert len(files_open_below(data)) == 6
            # The event channel closed: the page is gone.
            await eventually(
                lambda: not host.stash[STATE].descriptors.of(3), "window 3 holds nothing"
            )
        assert (await page.call("fs.getOpenDescriptors")).data == []
        await eventually(lambda: not host.stash[STATE].watchers.running(), "the watcher stopped")
        assert [d.id for d in host.stash[STATE].descriptors.of(4)] == ["kept"]
        assert len(files_open_below(data)) == 1


async def test_close_open_descriptors_closes_everything_of_the_window() -> None:
    async with make_host([oro_fs.plugin], config=DATA_HOME) as host:
        (host.paths.data / "file").write_bytes(b"x")
        (host.paths.data / "dir").mkdir()
        client = MemoryClient(host)
        await fill(client, 2)
        raise_for_error(await client.call("fs.opendir", id="d", path="dir"))
        listed = raise_for_error(await client.call("fs.getOpenDescriptors"))
        assert sorted((d["id"], d["type"]) for d in listed) == [
            ("d", "directory"),
            ("f0", "file"),
            ("f1", "file"),
        ]
        assert raise_for_error(await client.call("fs.closeOpenDescriptors")) == {"closed": 3}
        assert files_open_below(host.paths.data) == []


async def test_nothing_stays_open_after_the_host_stops(tmp_path: Path) -> None:
    before = open_fds()
    async with make_host([oro_fs.plugin], config=DATA_HOME) as host:
        data = host.paths.data
        (data / "file").write_bytes(b"x")
        (data / "dir").mkdir()
        (data / "big").write_bytes(b"b" * (3 << 20))
        for window in (0, 1):
            client = MemoryClient(host, window=window)
            await fill(client, 3)
            raise_for_error(await client.call("fs.opendir", id="d", path="dir"))
            raise_for_error(await client.call("fs.watch", id="w", path="dir", recursive=True))
        # A stream the page started reading and then abandoned.
        reply = await MemoryClient(host).call("fs.readFile", path="big")
        assert reply.kind == "chunks"
        assert len(files_open_below(data)) == 11  # opendir holds its fd and the listing's dup
        held = host.stash[STATE]
    assert held.descriptors.all() == []
    assert len(held.streams) == 0
    assert held.watchers.running() == []
    await eventually(lambda: not open_fds() - before, "every descriptor is closed")


async def test_a_descriptor_closed_during_a_read_is_released_after_it(tmp_path: Path) -> None:
    async with make_host([oro_fs.plugin], config=DATA_HOME) as host:
        fifo = host.paths.data / "pipe"
        os.mkfifo(fifo)
        client = MemoryClient(host)
        writer = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # keeps the FIFO open for the reader
        try:
            raise_for_error(await client.call("fs.open", id="p", path="pipe"))
            descriptor = host.stash[STATE].descriptors.get(0, "p")
            async with anyio.create_task_group() as task_group:
                results: list[bytes | None] = []

                async def read() -> None:
                    reply = await client.call("fs.read", id="p", size=5)
                    results.append(reply.body)

                task_group.start_soon(read)
                await eventually(lambda: descriptor.busy, "the read is under way")
                raise_for_error(await client.call("fs.closeOpenDescriptors"))
                assert descriptor.fd is not None  # still in use by the worker thread
                os.write(writer, b"hello")
            assert results == [b"hello"]
            assert descriptor.fd is None
        finally:
            os.close(writer)


async def test_diagnostics_report_what_the_plugin_holds() -> None:
    async with make_host([oro_fs.plugin, oro_framework.core.diagnostics], config=DATA_HOME) as host:
        (host.paths.data / "file").write_bytes(b"x")
        client = MemoryClient(host)
        await fill(client, 2)
        # The host's own report (a page sees only what its window holds, issue 50).
        report = raise_for_error(await host.call("diagnostics.query"))
        assert report["plugins"]["fs"]["handles"] == {"count": 2, "ids": ["f0", "f1"]}
        assert "fs.watchers" in report["services"]["running"]
