"""Large fs.readFile answers stream in bounded chunks, in memory and over real HTTP."""

from __future__ import annotations

import hashlib
import os
from contextlib import aclosing
from pathlib import Path

import httpx
import oro_fs.plugin
import pytest
from oro_fs.routes_files import CHUNK_BYTES
from oro_fs.state import STATE

from conftest import DATA_HOME
from oro_framework.testing import (
    LiveServer,
    MemoryClient,
    live_server,
    loopback_buffer_bound,
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


@pytest.mark.parametrize("credit", [False, True], ids=["plain", "credited"])
async def test_a_streamed_read_file_declares_its_length_over_http(credit: bool) -> None:
    # WebKit reads a body of declared length into one buffer; chunked framing cost its web
    # process half as much CPU again for a 64 MiB readFile (issue 55). Pages ask for credit.
    async with make_host([oro_fs.plugin], config=DATA_HOME) as host, live_server(host) as server:
        size = 3 * MIB + 5
        content = os.urandom(size)
        (host.paths.data / "big.bin").write_bytes(content)
        headers = {"x-oro-stream-credit": "1"} if credit else {}
        async with (
            server.client() as http,
            http.stream(
                "GET", "/ipc/fs.readFile", params={"path": "big.bin"}, headers=headers
            ) as response,
        ):
            if credit:
                # A page reading a reply whole releases its credit at once (oro:ipc).
                stream_id = response.headers["x-oro-stream-id"]
                await http.get("/ipc/ipc.stream.ack", params={"id": stream_id, "consumed": "all"})
            body = await response.aread()
        assert response.status_code == 200
        assert response.headers["content-length"] == str(size)
        assert "transfer-encoding" not in response.headers
        assert body == content
        assert len(host.stash[STATE].streams) == 0


async def test_a_file_that_grows_while_streamed_is_read_at_the_size_it_had() -> None:
    # Node's readFile reads the size fstat gave; the host declared that size to the transport.
    async with make_host([oro_fs.plugin], config=DATA_HOME) as host:
        path = host.paths.data / "growing.bin"
        content = os.urandom(3 * MIB + 1)
        path.write_bytes(content)
        chunks: list[bytes] = []
        async for chunk in MemoryClient(host).stream("fs.readFile", path="growing.bin"):
            if not chunks:
                with path.open("ab") as file:
                    file.write(b"later" * MIB)
            chunks.append(chunk)
        assert b"".join(chunks) == content


async def test_a_file_that_shrinks_while_streamed_breaks_the_reply_and_the_host_serves_on() -> None:
    # Its declared length can no longer be met: the connection breaks (the page's fetch fails)
    # rather than a short file arriving as if whole. The file outgrows what the loopback
    # connection holds, so that the host is still sending when it shrinks (a 4 MiB file was
    # once wholly in the socket's buffers before the first chunk arrived).
    size = loopback_buffer_bound() + 2 * CHUNK_BYTES
    async with make_host([oro_fs.plugin], config=DATA_HOME) as host, live_server(host) as server:
        path = host.paths.data / "shrinking.bin"
        with path.open("wb") as file:
            file.truncate(size)
        received = [0]

        async def read_while_truncating() -> None:
            async with (
                server.client() as http,
                http.stream("GET", "/ipc/fs.readFile", params={"path": path.name}) as response,
            ):
                assert response.headers["content-length"] == str(size)
                async for chunk in response.aiter_raw():
                    if not received[0]:
                        os.truncate(path, MIB)
                    received[0] += len(chunk)

        with pytest.raises(httpx.RemoteProtocolError):
            await read_while_truncating()
        assert received[0] < size
        assert await _get_status(server, "shrinking.bin") == 200
        assert len(host.stash[STATE].streams) == 0
