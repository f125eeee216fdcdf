"""Issue 39's regressions for oro-zlib: what zlib holds for pages (inputs, outputs, streams'
state) comes from the host's one memory budget, so many concurrent writes end in typed
``ERR_OUT_OF_MEMORY`` errors instead of gigabytes; and streams belong to a proven window.

The host runs in this process: ``/proc/self/clear_refs`` resets the peak (``VmHWM``) before the
writes, and the peak after them is what they took."""

from __future__ import annotations

import os
import zlib
from collections import Counter
from typing import Any

import anyio
import pytest
from oro_zlib.state import STATE

from oro_framework import Host, OutOfMemoryError, SecurityError
from oro_framework.testing import MemoryClient, peak_rss, raise_for_error

pytestmark = pytest.mark.anyio

MIB = 1 << 20
GIB = 1 << 30
BUDGET = 128 * MIB
HOST_MEMORY = (
    "it measures the host process's memory budget and peak: an isolated plugin's writes are "
    "held in its own process"
)


async def concurrent_writes(client: MemoryClient, mode: str, data: bytes) -> Counter[str]:
    """64 streams of ``mode``, one write of ``data`` each, all at once: what each answered
    (``ok`` or the error's code)."""
    ids = [
        raise_for_error(await client.call("zlib.stream.open", mode=mode))["id"] for _ in range(64)
    ]
    answers: Counter[str] = Counter()

    async def write(stream_id: str) -> None:
        reply = await client.call("zlib.stream.write", data, id=stream_id, finish=True)
        if reply.error is None:
            answers["ok"] += 1
        else:
            assert isinstance(reply.error, OutOfMemoryError), reply.error
            assert reply.error.status == 507
            answers[reply.error.code] += 1

    async with anyio.create_task_group() as group:
        for stream_id in ids:
            group.start_soon(write, stream_id)
    return answers


async def still_serving(client: MemoryClient) -> None:
    reply = await client.call("zlib.deflate", b"still serving")
    assert reply.body is not None
    assert zlib.decompress(reply.body) == b"still serving"


@pytest.mark.in_process(reason=HOST_MEMORY)
@pytest.mark.parametrize("oro_config", [{"ipc.memory_budget_bytes": BUDGET}])
async def test_64_concurrent_inflating_writes_stay_within_the_budget(
    host: Host, client: MemoryClient
) -> None:
    """Issue 39, Medium (memory): 64 concurrent zlib stream writes took the host to 5.3 GB.
    Each write here inflates to 32 MiB (2 GiB together); the budget (128 MiB) lets a few
    through and refuses the rest with ERR_OUT_OF_MEMORY, and the host serves on."""
    bomb = zlib.compress(bytes(32 * MIB), 9)
    with peak_rss() as peak:
        answers = await concurrent_writes(client, "inflate", bomb)
    assert answers["ERR_OUT_OF_MEMORY"] > 0, answers
    assert set(answers) <= {"ok", "ERR_OUT_OF_MEMORY"}
    assert host.memory.snapshot()["peak"] <= BUDGET
    assert peak[0] < GIB, f"the host peaked at {peak[0] / MIB:.0f} MiB"
    open_streams = host.stash[STATE].streams.values()
    assert host.memory.used == sum(stream.state.size for stream in open_streams)
    await still_serving(client)


@pytest.mark.in_process(reason=HOST_MEMORY)
@pytest.mark.parametrize("oro_config", [{"ipc.memory_budget_bytes": 32 * MIB}])
async def test_64_concurrent_deflating_writes_hold_their_input_and_output_in_the_budget(
    host: Host, client: MemoryClient
) -> None:
    """Issue 39, Medium (memory): a deflating write holds its input and the most its output
    can be, also while it waits behind others; past the budget it is refused before zlib runs
    and its stream goes on."""
    data = os.urandom(MIB)
    answers = await concurrent_writes(client, "deflate", data)
    assert answers["ERR_OUT_OF_MEMORY"] > 0, answers
    assert set(answers) <= {"ok", "ERR_OUT_OF_MEMORY"}
    assert host.memory.snapshot()["peak"] <= 32 * MIB
    await still_serving(client)


@pytest.mark.parametrize("oro_config", [{"ipc.memory_budget_bytes": MIB}])
async def test_a_streams_zlib_state_is_held_in_the_budget_until_it_closes(
    host: Host, client: MemoryClient
) -> None:
    """A deflate stream's window and hash tables (256 KiB at the defaults) are counted while it
    is open: a page cannot take the host's memory by opening streams, each under its cap."""
    opened: list[str] = []
    while (reply := await client.call("zlib.stream.open", mode="deflate")).error is None:
        opened.append(reply.data["id"])
    assert isinstance(reply.error, OutOfMemoryError)
    assert 0 < len(opened) < 4
    raise_for_error(await client.call("zlib.stream.close", id=opened.pop()))
    opened.append(raise_for_error(await client.call("zlib.stream.open", mode="deflate"))["id"])
    for stream_id in opened:
        raise_for_error(await client.call("zlib.stream.close", id=stream_id))
    assert host.memory.used == 0


async def test_a_request_without_a_window_gets_no_streams(host: Host) -> None:
    """Issue 39, Medium (window identity): streams are per window, and a request without a
    proven window is refused (ERR_NO_WINDOW) rather than sharing a "no window" bucket."""
    page, windowless = MemoryClient(host, window=0), MemoryClient(host, window=None)
    stream_id = raise_for_error(await page.call("zlib.stream.open", mode="deflate"))["id"]
    calls: list[tuple[str, dict[str, Any]]] = [
        ("zlib.stream.open", {"mode": "deflate"}),
        ("zlib.stream.write", {"id": stream_id}),
        ("zlib.stream.close", {"id": stream_id}),
    ]
    for route, params in calls:
        reply = await windowless.call(route, b"data", **params)
        assert isinstance(reply.error, SecurityError), route
        assert reply.error.code == "ERR_NO_WINDOW", route
    # One-shot calls hold nothing per window: they stay open to every caller.
    assert (await windowless.call("zlib.deflate", b"x")).body is not None
    assert (await page.call("zlib.stream.write", b"kept", id=stream_id, finish=True)).body
