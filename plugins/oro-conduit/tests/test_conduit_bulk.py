"""Bodies handed over to fetch (``bulk=<bytes>``, ``internal.conduit.take``), over real sockets
with the real trio-websocket client: byte-exact, once per ticket, streams closed when never
taken, and nothing handed over when the frame does not ask or the permission is off."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest
import trio_websocket
from oro_conduit import STATE, ConduitServer, plugin
from oro_conduit.codec import Frame, decode_frame, encode_frame

from oro_framework import ByteStream, EventStream, Host, NotFoundError, Request
from oro_framework.testing import RoutePlugin, make_host

pytestmark = pytest.mark.anyio

CLOSED: list[str] = []


def _pattern(size: int) -> bytes:
    return bytes(index * 7 % 251 for index in range(size))


async def _blob(request: Request) -> bytes:
    return _pattern(request.params.get_int("size", 0))


async def _chunks(request: Request) -> ByteStream:
    count = request.params.get_int("count", 4)
    size = request.params.get_int("size", 1000)
    in_file = request.params.get_bool("file", False)

    class Chunks:
        def __init__(self) -> None:
            self.index = 0

        def __aiter__(self) -> Chunks:
            return self

        async def __anext__(self) -> bytes:
            if self.index == count:
                raise StopAsyncIteration
            self.index += 1
            return _pattern(size)

        async def aclose(self) -> None:
            CLOSED.append(request.id)

    if not in_file:
        return ByteStream(Chunks(), media_type="application/x-test")

    class Opened:
        """The same bytes in a real file (``ByteStream.file``)."""

        def __init__(self) -> None:
            # Closed by aclose(): the transport that sends it (or the drop) owns it then.
            self.file = tempfile.TemporaryFile()  # noqa: SIM115
            self.file.write(_pattern(size) * count)
            self.file.flush()

        def fileno(self) -> int:
            return self.file.fileno()

        async def aclose(self) -> None:
            self.file.close()
            CLOSED.append(request.id)

    return ByteStream(Chunks(), "application/x-test", length=count * size, file=Opened())


async def _events(request: Request) -> EventStream:
    async def produce() -> AsyncIterator[Any]:
        yield "x" * 5000

    return EventStream(produce())


BULK = RoutePlugin(
    {"bulk.blob": _blob, "bulk.chunks": _chunks, "bulk.events": _events},
    name="bulk",
    permission="bulk",
    declare=True,
)


@asynccontextmanager
async def conduit_host(**config: Any) -> AsyncIterator[tuple[Host, ConduitServer]]:
    async with make_host([plugin, BULK], config=config) as host:
        yield host, host.stash[STATE]


@asynccontextmanager
async def connect(server: ConduitServer) -> AsyncIterator[trio_websocket.WebSocketConnection]:
    credential = server.host.windows.credentials.issue(0)
    address = f"ws://127.0.0.1:{server.port}/c1/0?key={server.key}&oro_window={credential}"
    async with trio_websocket.open_websocket_url(address, max_message_size=1 << 24) as socket:
        yield socket


async def receive(socket: trio_websocket.WebSocketConnection) -> Frame:
    message = await socket.get_message()
    assert isinstance(message, bytes)
    return decode_frame(message)


async def call(socket: trio_websocket.WebSocketConnection, route: str, **options: str) -> Frame:
    await socket.send_message(encode_frame({"route": route, **options}))
    return await receive(socket)


async def _take(host: Host, ticket: str) -> bytes:
    reply = await host.call("internal.conduit.take", {"ticket": ticket})
    assert reply.error is None
    if reply.body is not None:
        return bytes(reply.body)
    received = b""
    assert isinstance(reply.stream, ByteStream)
    async for chunk in reply.stream.chunks:
        received += chunk
    return received


async def test_a_bytes_body_over_the_limit_is_fetched_once_by_its_ticket() -> None:
    async with conduit_host() as (host, server), connect(server) as socket:
        frame = await call(socket, "bulk.blob", seq="R1", token="t", size="5000", bulk="4096")
        assert frame.options["seq"] == "R1"
        assert frame.options["token"] == "t"
        assert frame.options["type"] == "application/octet-stream"
        assert frame.payload == b""
        ticket = frame.options["fetch"]
        assert await _take(host, ticket) == _pattern(5000)
        again = await host.call("internal.conduit.take", {"ticket": ticket})
        assert isinstance(again.error, NotFoundError)
        assert len(server.bulk) == 0
        small = await call(socket, "bulk.blob", seq="R2", size="4096", bulk="4096")
        assert "fetch" not in small.options
        assert small.payload == _pattern(4096)


async def test_a_stream_continues_over_fetch_once_it_would_pass_the_limit() -> None:
    async with conduit_host() as (host, server), connect(server) as socket:
        start = await call(
            socket, "bulk.chunks", seq="R1", count="10", size="1000", bulk="3500", credit="100000"
        )
        assert start.options["stream"] == "start"
        assert start.options["type"] == "application/x-test"
        frames: list[Frame] = []
        while not frames or frames[-1].options["stream"] == "data":
            frames.append(await receive(socket))
        *data, switch = frames
        assert [len(frame.payload) for frame in data] == [1000, 1000, 1000]
        assert switch.options["stream"] == "fetch"
        assert switch.payload == b""
        rest = await _take(host, switch.options["fetch"])
        assert b"".join(frame.payload for frame in data) + rest == _pattern(1000) * 10
        assert server.clients["c1"].credits == {}


async def test_a_stream_whose_first_chunk_is_past_the_limit_is_handed_over_whole() -> None:
    async with conduit_host() as (host, server), connect(server) as socket:
        frame = await call(socket, "bulk.chunks", seq="R1", count="4", size="5000", bulk="4096")
        assert "stream" not in frame.options
        assert frame.options["status"] == "200"
        assert frame.options["type"] == "application/x-test"
        reply = await host.call("internal.conduit.take", {"ticket": frame.options["fetch"]})
        assert isinstance(reply.stream, ByteStream)
        assert reply.stream.media_type == "application/x-test"
        assert await _take_stream(reply.stream) == _pattern(5000) * 4
        assert len(server.bulk) == 0


async def test_a_file_stream_past_the_limit_is_handed_over_unread() -> None:
    """Taken as the handler's own stream, its length and file declared (HTTP then sends it
    with a Content-Length, from the file by sendfile), and its file closed when never taken."""
    async with conduit_host() as (host, server):
        async with connect(server) as socket:
            frame = await call(
                socket, "bulk.chunks", seq="R1", count="4", size="1000", file="true", bulk="3000"
            )
            assert "stream" not in frame.options
            assert frame.options["type"] == "application/x-test"
            reply = await host.call("internal.conduit.take", {"ticket": frame.options["fetch"]})
            assert isinstance(reply.stream, ByteStream)
            assert reply.stream.length == 4000
            assert reply.stream.file is not None
            assert os.pread(reply.stream.file.fileno(), 5000, 0) == _pattern(1000) * 4
            await reply.stream.file.aclose()
            left = await call(
                socket, "bulk.chunks", seq="R3", count="4", size="1000", file="true", bulk="10"
            )
            assert "fetch" in left.options
        await anyio.wait_all_tasks_blocked()
        assert len(server.bulk) == 0
        assert "R3" in CLOSED


async def _take_stream(stream: ByteStream) -> bytes:
    received = b""
    async for chunk in stream.chunks:
        received += chunk
    return received


async def test_a_handed_over_stream_never_taken_is_closed_when_the_client_leaves() -> None:
    async with conduit_host() as (host, server):
        async with connect(server) as socket:
            switch = await call(socket, "bulk.chunks", seq="R9", count="3", size="5000", bulk="10")
            assert "stream" not in switch.options
            assert "fetch" in switch.options
            assert len(server.bulk) == 1
            assert "R9" not in CLOSED
        # The client's close handshake waited for the server's reply: its handler is ending.
        await anyio.wait_all_tasks_blocked()
        assert not server.clients
        assert len(server.bulk) == 0
        assert "R9" in CLOSED
        gone = await host.call("internal.conduit.take", {"ticket": switch.options["fetch"]})
        assert isinstance(gone.error, NotFoundError)


async def test_cancelling_a_handed_over_request_closes_its_stream() -> None:
    async with conduit_host() as (_host, server), connect(server) as socket:
        frame = await call(socket, "bulk.chunks", seq="R7", size="5000", bulk="10")
        assert "fetch" in frame.options
        await socket.send_message(encode_frame({"cancel": "R7"}))
        # Frames are read in order: once this one is answered, the cancel was handled.
        assert (await call(socket, "bulk.blob", seq="R8", size="1")).payload == _pattern(1)
        await anyio.wait_all_tasks_blocked()
        assert len(server.bulk) == 0
        assert "R7" in CLOSED


async def test_nothing_is_handed_over_without_bulk_for_events_or_without_the_permission() -> None:
    async with conduit_host() as (_host, server), connect(server) as socket:
        plain = await call(socket, "bulk.blob", seq="R1", size="300000")
        assert "fetch" not in plain.options
        assert plain.payload == _pattern(300000)
        events = await call(socket, "bulk.events", seq="R2", bulk="10")
        assert events.options["stream"] == "start"
        assert (await receive(socket)).options["stream"] == "data"
    async with (
        conduit_host(**{"permissions.allow_conduit": False}) as (_host, server),
        connect(server) as socket,
    ):
        frame = await call(socket, "bulk.blob", seq="R1", size="5000", bulk="10")
        assert "fetch" not in frame.options
        assert frame.payload == _pattern(5000)
