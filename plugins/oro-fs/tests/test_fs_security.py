"""Issue 39's regressions for oro-fs: what a read holds for a page (``fs.read``,
``fs.readFile`` whole or streamed) comes from the host's one memory budget, refused with
``ERR_OUT_OF_MEMORY`` before anything is read once it is spent; and descriptors (open files,
directories, watchers) belong to a proven window: a request without one gets none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest

from conftest import DATA_HOME
from oro_framework import Host, MemoryReservation, OutOfMemoryError, SecurityError
from oro_framework.testing import MemoryClient, raise_for_error

pytestmark = pytest.mark.anyio

MIB = 1 << 20


def spend_all(host: Host) -> MemoryReservation:
    """Take what is left of the host's budget, as other pages' buffers would."""
    return host.memory.reserve(host.memory.available, purpose="other pages")


def assert_out_of_memory(error: BaseException | None) -> None:
    assert isinstance(error, OutOfMemoryError), error
    assert error.code == "ERR_OUT_OF_MEMORY"
    assert error.status == 507


async def test_fs_read_past_the_budget_is_refused_before_reading(
    host: Host, client: MemoryClient, data: Path
) -> None:
    """Issue 39 item 3 (memory): a read into a buffer is reserved first; refused, the file's
    position has not moved, and the next read gets the same bytes."""
    (data / "f").write_bytes(b"0123456789")
    raise_for_error(await client.call("fs.open", id="f", path="f"))
    spent = spend_all(host)
    assert_out_of_memory((await client.call("fs.read", id="f", size=4)).error)
    spent.release()
    assert (await client.call("fs.read", id="f", size=4)).body == b"0123"
    assert host.memory.used == 0


async def test_read_file_past_the_budget_is_refused_whole_or_streamed(
    host: Host, client: MemoryClient, data: Path
) -> None:
    """Issue 39 item 3 (memory): fs.readFile reserves a whole file (twice: pieces and copy)
    and a streamed one each chunk it hands on; refused, the host serves on and the memory
    comes back."""
    (data / "small").write_bytes(b"small")
    (data / "big").write_bytes(bytes(3 * MIB))  # past stream_threshold_bytes (1 MiB)
    spent = spend_all(host)
    assert_out_of_memory((await client.call("fs.readFile", path="small")).error)
    with pytest.raises(OutOfMemoryError):
        async for _ in client.stream("fs.readFile", path="big"):
            pass
    spent.release()
    assert (await client.call("fs.readFile", path="small")).body == b"small"
    received = b""
    async for chunk in client.stream("fs.readFile", path="big"):
        received += chunk
    assert received == bytes(3 * MIB)
    assert host.memory.used == 0


@pytest.fixture
def oro_config() -> dict[str, Any]:
    return {
        **DATA_HOME,
        "ipc.memory_budget_bytes": 12 * MIB,
        "filesystem.max_read_bytes": 8 * MIB,
    }


async def test_concurrent_large_reads_stay_within_the_budget(
    host: Host, client: MemoryClient, data: Path
) -> None:
    """Issue 39 item 3 (memory): each fs.read is capped at max_read_bytes, and the budget caps
    them together: 32 concurrent 8 MiB reads under a 12 MiB budget are answered one at a time
    and the others refused with ERR_OUT_OF_MEMORY, never more held at once than the budget."""
    (data / "f").write_bytes(bytes(8 * MIB))
    answers: list[str] = []

    async def read(number: int) -> None:
        raise_for_error(await client.call("fs.open", id=str(number), path="f"))
        reply = await client.call("fs.read", id=str(number), size=8 * MIB, offset=0)
        answers.append("ok" if reply.error is None else reply.error.code)

    async with anyio.create_task_group() as group:
        for number in range(32):
            group.start_soon(read, number)
    assert set(answers) == {"ok", "ERR_OUT_OF_MEMORY"}, answers
    assert host.memory.snapshot()["peak"] <= 12 * MIB
    assert host.memory.used == 0


async def test_a_request_without_a_window_gets_no_descriptors(host: Host, data: Path) -> None:
    """Issue 39, Medium (window identity): open files, directories and watchers are per
    window, and a request without a proven window is refused (ERR_NO_WINDOW) instead of
    sharing a "no window" bucket; path routes hold nothing and stay open to it (without any
    page's picked files)."""
    (data / "f").write_bytes(b"abc")
    page, windowless = MemoryClient(host, window=0), MemoryClient(host, window=None)
    raise_for_error(await page.call("fs.open", id="1", path="f"))
    calls: list[tuple[str, dict[str, Any]]] = [
        ("fs.open", {"id": "2", "path": "f"}),
        ("fs.read", {"id": "1"}),
        ("fs.write", {"id": "1"}),
        ("fs.fstat", {"id": "1"}),
        ("fs.close", {"id": "1"}),
        ("fs.opendir", {"id": "d", "path": "."}),
        ("fs.readdir", {"id": "d"}),
        ("fs.closedir", {"id": "d"}),
        ("fs.watch", {"id": "w", "path": "f"}),
        ("fs.stopWatch", {"id": "w"}),
        ("fs.getOpenDescriptors", {}),
        ("fs.closeOpenDescriptors", {}),
    ]
    for route, params in calls:
        reply = await windowless.call(route, b"x", **params)
        assert isinstance(reply.error, SecurityError), route
        assert reply.error.code == "ERR_NO_WINDOW", route
    assert (await windowless.call("fs.readFile", path="f")).body == b"abc"
    assert (await page.call("fs.read", id="1", size=3)).body == b"abc"
