"""Backpressure over the real Conduit: a child that would write 1 GB to stdout, read slowly by
a page that acknowledges what it has consumed (the Conduit's stream ``credit``), is held back
by the pipe. At every point, what the child has written (``wchar`` of ``/proc/<pid>/io``) minus
what the page received stays below the pipe's capacity + one chunk the host holds + the
credit window; and the host's memory does not grow with what the child would write."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import anyio
import oro_conduit.plugin
import pytest
from oro_conduit.codec import decode_frame, encode_frame
from oro_conduit.testing import page_conduit
from oro_process.routes import CHUNK_BYTES

from conftest import ENVIRON, PROCESS_PLUGINS, exited, pidfds, spawn
from oro_framework.testing import MemoryClient, make_host, raise_for_error, until

pytestmark = pytest.mark.anyio

CREDIT = 256 * 1024
READ = 16 * 1024 * 1024
MIB = 1 << 20


def written(pid: int) -> int:
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise AssertionError(f"no wchar for {pid}")


def blocked_on_the_pipe(pid: int) -> bool:
    # "pipe_write", or "anon_pipe_write" on newer kernels
    return "pipe_write" in Path(f"/proc/{pid}/wchan").read_text()


def rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def pipe_capacity(pid: int) -> int:
    """The capacity of the pipe behind the child's stdout (F_GETPIPE_SZ on its fd 1)."""
    fd = os.open(f"/proc/{pid}/fd/1", os.O_RDONLY | os.O_NONBLOCK)
    try:
        return fcntl.fcntl(fd, 1032)  # F_GETPIPE_SZ
    finally:
        os.close(fd)


async def test_a_slow_page_holds_a_gigabyte_writer_back_over_the_conduit() -> None:
    plugins = (oro_conduit.plugin, *PROCESS_PLUGINS)
    config = {"process.allow": ["head"]}
    async with (
        make_host(plugins, config=config, environ=ENVIRON) as host,
        page_conduit(host, "page-0", window=0) as conduit,
    ):
        page = MemoryClient(host)
        child = await spawn(page, "head", "-c", "1G", "/dev/zero")
        pid = child["pid"]
        bound = pipe_capacity(pid) + CHUNK_BYTES + CREDIT
        memory_before = rss()
        request = {"route": "child_process.output", "seq": "R1", "id": child["id"], "fd": "1"}
        await conduit.send_message(encode_frame({**request, "credit": str(CREDIT)}))
        received = 0
        largest_gap = 0
        while received < READ:
            with anyio.fail_after(30):
                message = await conduit.get_message()
            assert isinstance(message, bytes)
            frame = decode_frame(message)
            assert frame.options["seq"] == "R1"
            if frame.options.get("stream") != "data":
                assert frame.options.get("stream") == "start", frame.options
                continue
            received += len(frame.payload)
            # Let the host run until it waits for credit and the child until it waits for
            # the pipe: the furthest the child can get ahead of this slow page.
            await anyio.wait_all_tasks_blocked()
            until(lambda: blocked_on_the_pipe(pid), "the child blocked on its full pipe")
            gap = written(pid) - received
            largest_gap = max(largest_gap, gap)
            assert gap <= bound, (gap, bound)
            ack = {"ack": "R1", "bytes": str(len(frame.payload))}
            await conduit.send_message(encode_frame(ack))
        assert written(pid) < READ + bound  # not a byte more than the page allowed
        assert largest_gap > CREDIT  # the child really ran ahead up to the window
        growth = rss() - memory_before
        assert growth < 8 * MIB, f"host grew by {growth} bytes"
        with pidfds(pid) as watched:
            assert raise_for_error(await page.call("child_process.kill", id=child["id"]))["killed"]
            await exited(watched)
        await conduit.send_message(encode_frame({"cancel": "R1"}))
