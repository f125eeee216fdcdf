"""Large fs.readFile answers stream in bounded chunks, in memory and over real HTTP."""

from __future__ import annotations

import hashlib
import os
from contextlib import aclosing
from pathlib import Path

import oro_fs.plugin
import pytest
from conftest import DATA_HOME
from oro_fs.routes_files import CHUNK_BYTES
from oro_fs.state import STATE

from oro_framework.testing import (
    LiveServer,
    MemoryClient,
    live_server,
    make_host,
    raise_for_error,
)

pytestmark = pytest.mark.anyio

MIB = 1 << 20


def write_pattern(path: Path, size: int) -> str:
    """A file whose every MiB differs (so reordered or repeated chunks are caught); its sha256."""
    digest = hashlib.sha256()
    with path.open("wb") as file:
        for index in range(size // MIB):
            block = index.to_bytes(4, "big") * (MIB // 4)
            file.write(block)
            digest.update(block)
        rest = os.urandom(size % MIB)
        file.write(rest)
        digest.update(rest)
    return digest.hexdigest()


async def test_a_100_mib_file_streams_in_bounded_chunks() -> None:
    async with make_host([oro_fs.plugin], config=DATA_HOME) as host:
        size = 100 * MIB + 12345
        expected = write_pattern(host.paths.data / "big.bin", size)
        client = MemoryClient(host)
        digest = hashlib.sha256()
        sizes: list[int] = []
        async for chunk in client.stream("fs.readFile", path="big.bin"):
            sizes.append(len(chunk))
            digest.update(chunk)
        assert sum(sizes) == size
        assert max(sizes) <= CHUNK_BYTES  # memory is bounded by one chunk per reader
        assert len(sizes) >= size // CHUNK_BYTES
        assert digest.hexdigest() == expected
        assert len(host.stash[STATE].streams) == 0  # read to the end: the file is closed


async def test_small_files_come_whole_and_the_threshold_is_configurable() -> None:
    config = {"filesystem.stream_threshold_bytes": 1000}
    async with make_host([oro_fs.plugin], config={**DATA_HOME, **config}) as host:
        (host.paths.data / "small").write_bytes(b"s" * 1000)
        (host.paths.data / "larger").write_bytes(b"l" * 1001)
        client = MemoryClient(host)
        assert raise_for_error(small := await client.call("fs.readFile", path="small")) is None
        assert small.body == b"s" * 1000
        chunks = [chunk async for chunk in client.stream("fs.readFile", path="larger")]
        assert b"".join(chunks) == b"l" * 1001


async def test_a_stream_abandoned_midway_closes_its_file() -> None:
    async with make_host([oro_fs.plugin], config=DATA_HOME) as host:
        write_pattern(host.paths.data / "big.bin", 5 * MIB)
        client = MemoryClient(host)
        async with aclosing(client.stream("fs.readFile", path="big.bin")) as chunks:
            async for _chunk in chunks:
                assert len(host.stash[STATE].streams) == 1
                break
        assert len(host.stash[STATE].streams) == 0


async def test_streamed_read_file_over_http(tmp_path: Path) -> None:
    async with make_host([oro_fs.plugin], config=DATA_HOME) as host, live_server(host) as server:
        size = 20 * MIB + 7
        expected = write_pattern(host.paths.data / "big.bin", size)
        digest = hashlib.sha256()
        received = 0
        async with (
            server.client() as http,
            http.stream("GET", "/ipc/fs.readFile", params={"path": "big.bin"}) as response,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/octet-stream"
            async for chunk in response.aiter_raw():
                digest.update(chunk)
                received += len(chunk)
        assert received == size
        assert digest.hexdigest() == expected
        denied = await _get_status(server, "/etc/passwd")
        assert denied == 403


async def _get_status(server: LiveServer, path: str) -> int:
    async with server.client() as http:
        response = await http.get("/ipc/fs.readFile", params={"path": path})
        return int(response.status_code)
