"""fs.watch on real files: Node event names delivered as host events to the asking window,
fs.stopWatch, and watchers stopped while the app is paused and restored on resume."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import oro_fs.plugin
import pytest
from anyio.streams.memory import MemoryObjectReceiveStream
from oro_fs.state import STATE

from conftest import DATA_HOME
from oro_framework import Event
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio

CONFIG = {"filesystem.watch_debounce_ms": 30}


async def next_watch_event(
    events: MemoryObjectReceiveStream[Event], seconds: float = 10
) -> dict[str, Any]:
    with anyio.fail_after(seconds):
        async for event in events:
            if event.name == "fs.watch":
                data: dict[str, Any] = event.data
                return data
    raise AssertionError("event channel ended")


async def events_until(
    events: MemoryObjectReceiveStream[Event], done: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """Every fs.watch event up to and including the first one ``done`` accepts."""
    seen = []
    while True:
        event = await next_watch_event(events)
        seen.append(event)
        if done(event):
            return seen


async def arm(events: MemoryObjectReceiveStream[Event], directory: Path, watch_id: str) -> None:
    """The native watcher arms in its thread a moment after fs.watch answers: touch a probe file
    until the watcher reports it, then drain what is left of that."""
    probe = directory / f".probe-{watch_id}"
    for attempt in range(50):
        probe.write_bytes(str(attempt).encode())
        try:
            event = await next_watch_event(events, seconds=0.2)
        except TimeoutError:
            continue
        if event["id"] == watch_id:
            break
    else:
        raise AssertionError("the watcher never armed")
    probe.unlink()
    await events_until(events, lambda e: e["filename"].endswith(probe.name) and not probe.exists())


async def test_changes_arrive_as_node_events_on_the_window() -> None:
    async with make_host([oro_fs.plugin], config={**DATA_HOME, **CONFIG}) as host:
        watched = host.paths.data / "watched"
        (watched / "nested").mkdir(parents=True)
        client = MemoryClient(host, window=2)
        async with host.events.subscribe(window=2) as events:
            reply = await client.call("fs.watch", id="w1", path="watched", recursive=True)
            assert raise_for_error(reply) == {"id": "w1"}
            await arm(events, watched, "w1")

            (watched / "new.txt").write_bytes(b"1")
            created = await events_until(events, lambda e: e["filename"] == "new.txt")
            assert created[-1] == {"id": "w1", "eventType": "rename", "filename": "new.txt"}

            await anyio.sleep(0.1)  # past the debounce: the write is a batch of its own
            with (watched / "new.txt").open("ab") as file:
                file.write(b"more")
            changed = await events_until(events, lambda e: e["eventType"] == "change")
            assert changed[-1] == {"id": "w1", "eventType": "change", "filename": "new.txt"}

            (watched / "nested" / "deep.txt").write_bytes(b"d")
            deep = await events_until(events, lambda e: e["filename"] == "nested/deep.txt")
            assert deep[-1]["eventType"] == "rename"

            (watched / "new.txt").unlink()
            removed = await events_until(
                events, lambda e: e["filename"] == "new.txt" and e["eventType"] == "rename"
            )
            assert removed[-1]["id"] == "w1"


async def test_events_go_to_the_window_that_watches(tmp_path: Path) -> None:
    async with make_host([oro_fs.plugin], config={**DATA_HOME, **CONFIG}) as host:
        (host.paths.data / "d").mkdir()
        async with (
            host.events.subscribe(window=1) as first,
            host.events.subscribe(window=2) as second,
        ):
            raise_for_error(await MemoryClient(host, window=1).call("fs.watch", id="a", path="d"))
            raise_for_error(await MemoryClient(host, window=2).call("fs.watch", id="b", path="d"))
            await arm(first, host.paths.data / "d", "a")
            await arm(second, host.paths.data / "d", "b")
            (host.paths.data / "d" / "x").write_bytes(b"")
            for stream, watch_id in ((first, "a"), (second, "b")):
                seen = await events_until(stream, lambda e: e["filename"] == "x")
                assert {event["id"] for event in seen} == {watch_id}


async def test_stop_watch_really_stops() -> None:
    async with make_host([oro_fs.plugin], config={**DATA_HOME, **CONFIG}) as host:
        watched = host.paths.data / "d"
        watched.mkdir()
        client = MemoryClient(host)
        async with host.events.subscribe(window=0) as events:
            raise_for_error(await client.call("fs.watch", id="stopped", path="d"))
            raise_for_error(await client.call("fs.watch", id="control", path="d"))
            await arm(events, watched, "stopped")
            await arm(events, watched, "control")
            assert len(host.stash[STATE].watchers.running()) == 2

            assert raise_for_error(await client.call("fs.stopWatch", id="stopped")) == {
                "id": "stopped"
            }
            # fs.stopWatch answers once the watcher is told to stop; its thread ends within a step.
            for _ in range(1000):
                if len(host.stash[STATE].watchers.running()) == 1:
                    break
                await anyio.sleep(0.01)
            assert len(host.stash[STATE].watchers.running()) == 1
            # Events emitted before the stop may still sit in this subscriber's buffer.
            while True:
                try:
                    events.receive_nowait()
                except anyio.WouldBlock:
                    break
            (watched / "after-stop.txt").write_bytes(b"")
            # The control watcher sees the file; the stopped one reported nothing before it.
            seen = await events_until(
                events, lambda e: e["id"] == "control" and e["filename"] == "after-stop.txt"
            )
            assert [event for event in seen if event["id"] == "stopped"] == []
            assert raise_for_error(await client.call("fs.getOpenDescriptors")) == [
                {"id": "control", "type": "watcher", "path": "d", "fd": 4}
            ]


async def test_watchers_stop_on_pause_and_come_back_on_resume() -> None:
    async with make_host([oro_fs.plugin], config={**DATA_HOME, **CONFIG}) as host:
        watched = host.paths.data / "d"
        watched.mkdir()
        client = MemoryClient(host)
        async with host.events.subscribe(window=0) as events:
            raise_for_error(await client.call("fs.watch", id="w", path="d"))
            await arm(events, watched, "w")

            await host.pause()
            assert host.stash[STATE].watchers.running() == []
            assert "fs.watchers" not in host.running_services
            (watched / "during-pause.txt").write_bytes(b"")
            # A watcher registered while paused waits for the resume too.
            raise_for_error(await client.call("fs.watch", id="late", path="d"))
            assert host.stash[STATE].watchers.running() == []

            await host.resume()
            assert {w.id for w in host.stash[STATE].watchers.running()} == {"w", "late"}
            await arm(events, watched, "w")
            (watched / "after-resume.txt").write_bytes(b"")
            seen = await events_until(
                events, lambda e: e["id"] == "w" and e["filename"] == "after-resume.txt"
            )
            assert "during-pause.txt" not in {event["filename"] for event in seen}


async def test_watch_of_a_single_file_reports_its_name() -> None:
    async with make_host([oro_fs.plugin], config={**DATA_HOME, **CONFIG}) as host:
        target = host.paths.data / "single.txt"
        target.write_bytes(b"a")
        async with host.events.subscribe(window=0) as events:
            raise_for_error(await MemoryClient(host).call("fs.watch", id="f", path="single.txt"))
            for attempt in range(50):
                target.write_bytes(str(attempt).encode())
                try:
                    event = await next_watch_event(events, seconds=0.2)
                except TimeoutError:
                    continue
                assert event == {"id": "f", "eventType": "change", "filename": "single.txt"}
                break
            else:
                raise AssertionError("no event for the watched file")


async def test_zero_debounce_still_delivers() -> None:
    async with make_host(
        [oro_fs.plugin], config={**DATA_HOME, "filesystem.watch_debounce_ms": 0}
    ) as host:
        assert host.config["filesystem.watch_debounce_ms"] == 0
        (host.paths.data / "d").mkdir()
        async with host.events.subscribe(window=0) as events:
            raise_for_error(await MemoryClient(host).call("fs.watch", id="w", path="d"))
            await arm(events, host.paths.data / "d", "w")
