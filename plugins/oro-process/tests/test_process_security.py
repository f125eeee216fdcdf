"""Issue 39's regressions for oro-process: a page cannot take the host's memory through a
child's output (``exec`` with ``maxBuffer: Infinity``, output streams), and children belong to
a proven window (a request without one gets none).

The host runs in this process, so its peak memory is this process's: ``/proc/self/clear_refs``
resets the peak (``VmHWM``) before the call, and the peak after it is what the call took."""

from __future__ import annotations

import base64
import contextlib
from pathlib import Path

import pytest
from oro_process.state import STATE

from conftest import exited, pidfds, read_all, run, spawn
from oro_framework import (
    Host,
    IPCError,
    OutOfMemoryError,
    OutOfRangeError,
    SecurityError,
)
from oro_framework.testing import MemoryClient, peak_rss, raise_for_error

pytestmark = pytest.mark.anyio

MIB = 1 << 20
GIB = 1 << 30


def gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


# --------------------------------------------------------------------------------------------
# exec's maxBuffer
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("oro_config", [{"process.allow": ["yes", "echo"]}])
async def test_exec_of_yes_with_an_infinite_max_buffer_stays_under_a_gibibyte(
    host: Host, client: MemoryClient
) -> None:
    """Issue 39, High (oro-process): ``exec`` of ``yes`` with ``maxBuffer=Infinity`` took the
    host from 60 MB to 9.7 GB in 6 s. Infinity is now ``process.max_buffer_limit_bytes``
    (64 MiB): the child is killed there and the page gets Node's maxBuffer error."""
    with peak_rss() as peak:
        reply = await client.call("child_process.exec", command="yes", maxBuffer="Infinity")
    assert peak[0] < GIB, f"the host peaked at {peak[0] / MIB:.0f} MiB"
    error = reply.error
    assert isinstance(error, OutOfRangeError)
    assert error.code == "ERR_CHILD_PROCESS_STDIO_MAXBUFFER"
    assert error.message == "stdout maxBuffer length exceeded"
    assert error.extra["maxBuffer"] == 64 * MIB
    assert len(base64.b64decode(error.extra["stdout"])) == 64 * MIB
    assert host.memory.used == 0
    assert (await run(client, "echo", "still serving"))["stdout"] == b"still serving\n"


@pytest.mark.parametrize(
    "oro_config", [{"process.allow": ["yes"], "process.max_buffer_limit_bytes": MIB}]
)
@pytest.mark.parametrize(
    "max_buffer", ["Infinity", "inf", "NaN", -1, "-Infinity", 1e300, 2**80, "1e30", str(2 * MIB)]
)
async def test_every_max_buffer_past_the_limit_is_the_limit(
    client: MemoryClient, max_buffer: object
) -> None:
    """Issue 39 item 3: a page's size value (Infinity, NaN, negative, huge, text) is clamped
    to the configured maximum, never taken as "no limit"."""
    reply = await client.call("child_process.exec", command="yes", maxBuffer=max_buffer)
    assert isinstance(reply.error, OutOfRangeError)
    assert reply.error.code == "ERR_CHILD_PROCESS_STDIO_MAXBUFFER"
    assert len(base64.b64decode(reply.error.extra["stdout"])) == MIB


@pytest.mark.parametrize("oro_config", [{"process.allow": ["echo"]}])
async def test_max_buffer_zero_is_nodes_and_nonsense_is_a_type_error(
    client: MemoryClient,
) -> None:
    reply = await client.call("child_process.exec", command="echo", maxBuffer=0)
    assert isinstance(reply.error, OutOfRangeError)
    assert reply.error.code == "ERR_CHILD_PROCESS_STDIO_MAXBUFFER"
    for nonsense in ("lots", True, [1]):
        reply = await client.call("child_process.exec", command="echo", maxBuffer=nonsense)
        assert isinstance(reply.error, IPCError)
        assert reply.error.error_type == "TypeError", nonsense


@pytest.mark.parametrize("oro_config", [{"process.allow": ["yes", "echo"]}])
async def test_exec_past_the_hosts_memory_budget_is_out_of_memory_and_ends_the_child(
    host: Host, client: MemoryClient
) -> None:
    """Issue 39 item 3: with the budget spent elsewhere (other plugins, other pages), an exec
    whose output would pass it gets ERR_OUT_OF_MEMORY, its child is ended, and what it held
    comes back."""
    spent = host.memory.reserve(host.memory.available - 2 * MIB, purpose="other pages")
    try:
        with peak_rss() as peak:
            reply = await client.call("child_process.exec", command="yes", maxBuffer="Infinity")
        assert isinstance(reply.error, OutOfMemoryError)
        assert reply.error.code == "ERR_OUT_OF_MEMORY"
        assert reply.error.status == 507
        assert peak[0] < GIB
        assert host.memory.used == spent.size
        children = host.stash[STATE]
        assert not children.children  # the page's list no longer has it
        for child in list(children.ending):
            # A child already reaped has no pidfd to wait on: it has ended.
            with contextlib.suppress(ProcessLookupError), pidfds(child.pid) as fds:
                await exited(fds)
    finally:
        spent.release()
    assert (await run(client, "echo", "still serving"))["stdout"] == b"still serving\n"


@pytest.mark.parametrize("oro_config", [{"process.allow": ["head"]}])
async def test_an_output_stream_refused_by_the_budget_leaves_the_bytes_in_the_pipe(
    host: Host, client: MemoryClient
) -> None:
    """Issue 39 item 3: a streamed output holds the chunk it hands on in the budget; refused,
    nothing is read from the pipe, and a later reader gets every byte."""
    child = await spawn(client, "head", "-c", "100000", "/dev/zero")
    spent = host.memory.reserve(host.memory.available, purpose="other pages")
    with pytest.raises(OutOfMemoryError):
        await read_all(client, child["id"])
    spent.release()
    assert await read_all(client, child["id"]) == bytes(100000)
    assert host.memory.used == 0


# --------------------------------------------------------------------------------------------
# Children per window
# --------------------------------------------------------------------------------------------


async def test_a_request_without_a_window_gets_no_children(host: Host) -> None:
    """Issue 39, Medium (window identity): children are per window, and a request without a
    proven window is refused (ERR_NO_WINDOW) instead of sharing a "no window" bucket."""
    page, windowless = MemoryClient(host, window=0), MemoryClient(host, window=None)
    child = await spawn(page, "sleep", "1000")
    calls: list[tuple[str, dict[str, object]]] = [
        ("spawn", {"command": "true"}),
        ("exec", {"command": "true"}),
        ("list", {}),
        ("kill", {"id": child["id"]}),
        ("wait", {"id": child["id"]}),
        ("output", {"id": child["id"], "fd": 1}),
        ("write", {"id": child["id"]}),
    ]
    for route, params in calls:
        reply = await windowless.call(f"child_process.{route}", **params)
        assert isinstance(reply.error, SecurityError), route
        assert reply.error.code == "ERR_NO_WINDOW", route
    assert not gone(child["pid"])
    assert raise_for_error(await page.call("child_process.list"))[0]["id"] == child["id"]


async def test_another_windows_children_cannot_be_listed_or_killed(host: Host) -> None:
    """Issue 39, Medium (window identity): window 0 neither sees nor signals window 1's
    children, whatever id it names."""
    mine, theirs = MemoryClient(host, window=0), MemoryClient(host, window=1)
    child = await spawn(theirs, "sleep", "1000")
    assert raise_for_error(await mine.call("child_process.list")) == []
    reply = await mine.call("child_process.kill", id=child["id"], signal="SIGKILL")
    assert reply.error is not None
    assert reply.error.code == "ERR_UNKNOWN_CHILD"
    assert not gone(child["pid"])
    assert [c["id"] for c in raise_for_error(await theirs.call("child_process.list"))] == [
        child["id"]
    ]
