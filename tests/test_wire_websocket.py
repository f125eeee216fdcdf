"""The wire core's WebSocket server (``oro_framework.web.wire``, which the Conduit and the
bridge run) over real sockets: the protocol duties (pings, fragments, the close handshake, the
handshake deadline, malformed upgrades), the limits, and concurrent senders.

The clients are trio-websocket's, or wsproto driven by hand where a test needs frames that a
well-behaved client would not send."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.abc
import pytest
import trio_websocket
from anyio.abc import SocketAttribute
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from wsproto import ConnectionType, WSConnection
from wsproto.connection import Connection
from wsproto.events import (
    AcceptConnection,
    BytesMessage,
    CloseConnection,
    Ping,
    Pong,
    Request,
    TextMessage,
)

from oro_framework.testing import open_descriptors, opened_since
from oro_framework.web.wire import (
    WebSocket,
    WebSocketClosed,
    WebSocketHandshake,
    WireLimits,
    open_tcp_listeners,
    serve_websockets,
)
from tests._hostile_bytes import damaged, in_pieces

pytestmark = pytest.mark.anyio

MAX_MESSAGE = 64 * 1024


@asynccontextmanager
async def echo_server(
    *, handshake_seconds: float = 5, on_socket: list[WebSocket] | None = None
) -> AsyncIterator[int]:
    """An echo server on the wire core; yields its port. ``/refuse`` is rejected with 403 and
    a body, ``/silent`` left unanswered."""

    async def handle(handshake: WebSocketHandshake) -> None:
        if handshake.path == "/refuse":
            await handshake.reject(403, b"not you\n")
            return
        if handshake.path == "/silent":
            return
        socket = await handshake.accept()
        if on_socket is not None:
            on_socket.append(socket)
        with contextlib.suppress(WebSocketClosed):
            while True:
                await socket.send_message(await socket.get_message())

    limits = WireLimits(
        receive_bytes=64 * 1024,
        max_message_bytes=MAX_MESSAGE,
        idle_timeout=handshake_seconds,
        close_timeout=1,
    )
    listeners = await open_tcp_listeners("127.0.0.1", 0)
    async with anyio.create_task_group() as task_group:
        await task_group.start(serve_websockets, listeners, handle, limits)
        yield listeners[0].extra(SocketAttribute.local_port)
        task_group.cancel_scope.cancel()


async def receive_some(stream: anyio.abc.SocketStream) -> bytes:
    """What the socket has; ``b""`` once the server closed it."""
    with anyio.fail_after(10):
        try:
            return await stream.receive(65536)
        except (anyio.EndOfStream, anyio.BrokenResourceError):
            return b""


class RawClient:
    """wsproto on a plain socket: sends exactly the frames a test asks for."""

    def __init__(self, stream: anyio.abc.SocketStream) -> None:
        self.stream = stream
        self.protocol = WSConnection(ConnectionType.CLIENT)
        self.events: list[object] = []

    @classmethod
    @asynccontextmanager
    async def connect(cls, port: int) -> AsyncIterator[RawClient]:
        async with await anyio.connect_tcp("127.0.0.1", port) as stream:
            client = cls(stream)
            await client.send(Request(host=f"127.0.0.1:{port}", target="/"))
            assert isinstance(await client.next_event(), AcceptConnection)
            yield client

    async def send(self, event: object) -> None:
        await self.stream.send(self.protocol.send(event))  # type: ignore[arg-type]

    async def next_event(self) -> object:
        while not self.events:
            data = await receive_some(self.stream)
            self.protocol.receive_data(data or None)
            self.events.extend(self.protocol.events())
        return self.events.pop(0)


async def test_pings_are_answered_and_fragments_arrive_as_one_message() -> None:
    async with echo_server() as port, RawClient.connect(port) as client:
        await client.send(Ping(payload=b"are you there"))
        pong = await client.next_event()
        assert isinstance(pong, Pong)
        assert pong.payload == b"are you there"
        for index, part in enumerate((b"frag", b"men", b"ted")):
            await client.send(BytesMessage(data=part, message_finished=index == 2))
        echoed = await client.next_event()
        assert isinstance(echoed, BytesMessage)
        assert echoed.data == b"fragmented"
        await client.send(CloseConnection(code=1000, reason="bye"))
        answer = await client.next_event()
        assert isinstance(answer, CloseConnection)
        assert answer.code == 1000


async def test_a_message_past_the_limit_closes_with_1009_even_in_fragments() -> None:
    async with echo_server() as port, RawClient.connect(port) as client:
        part = b"x" * (MAX_MESSAGE // 2)
        for _ in range(3):
            await client.send(BytesMessage(data=part, message_finished=False))
        closing = await client.next_event()
        assert isinstance(closing, CloseConnection)
        assert closing.code == 1009


async def test_a_malformed_frame_closes_with_the_protocol_error_code() -> None:
    async with echo_server() as port, RawClient.connect(port) as client:
        # A client frame must be masked; this one is not (RFC 6455 5.1): protocol error.
        await client.stream.send(b"\x82\x03abc")
        closing = await client.next_event()
        assert isinstance(closing, CloseConnection)
        assert closing.code == 1002


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"400"),
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", b"400"),
        (b"\x16\x03\x01\x02\x00 not http at all\r\n\r\n", b"400"),
    ],
)
async def test_a_request_that_is_not_an_upgrade_gets_a_4xx_and_a_close(
    request_bytes: bytes, status: bytes
) -> None:
    async with echo_server() as port:
        async with await anyio.connect_tcp("127.0.0.1", port) as stream:
            await stream.send(request_bytes)
            answer = b""
            while chunk := await receive_some(stream):
                answer += chunk
        assert answer.split(b" ", 2)[1] == status


async def test_a_rejection_carries_its_status_and_body() -> None:
    async with echo_server() as port:
        with pytest.raises(trio_websocket.ConnectionRejected) as rejected:
            async with trio_websocket.open_websocket_url(f"ws://127.0.0.1:{port}/refuse"):
                pass
        assert rejected.value.status_code == 403
        assert rejected.value.body == b"not you\n"


async def test_a_silent_connection_is_dropped_at_the_handshake_deadline() -> None:
    before = open_descriptors()
    async with echo_server(handshake_seconds=0.2) as port:
        streams = [await anyio.connect_tcp("127.0.0.1", port) for _ in range(20)]
        for stream in streams:
            async with stream:
                assert await receive_some(stream) == b""  # closed by the server
    assert opened_since(before) == {}


async def test_concurrent_senders_never_interleave_messages() -> None:
    sockets: list[WebSocket] = []
    async with (
        echo_server(on_socket=sockets) as port,
        trio_websocket.open_websocket_url(f"ws://127.0.0.1:{port}/") as client,
    ):
        await client.send_message(b"hello")
        assert await client.get_message() == b"hello"
        server_side = sockets[0]
        messages = {bytes([index]) * (1000 + index * 997) for index in range(40)}
        received: set[bytes | str] = set()

        async def receive_all() -> None:
            for _ in messages:
                received.add(await client.get_message())

        async with anyio.create_task_group() as task_group:
            task_group.start_soon(receive_all)
            for message in messages:
                task_group.start_soon(server_side.send_message, message)
        assert received == messages


async def test_closing_from_another_task_while_the_reader_waits() -> None:
    sockets: list[WebSocket] = []
    before = open_descriptors()
    async with echo_server(on_socket=sockets) as port:
        for attempt in range(20):
            async with RawClient.connect(port) as client, anyio.create_task_group() as tasks:
                await client.send(BytesMessage(data=b"hello"))
                echoed = await client.next_event()
                assert isinstance(echoed, BytesMessage)
                # The handler is waiting in get_message: aclose must not read alongside it.
                tasks.start_soon(sockets[attempt].aclose, 4001, "replaced")
                closing = await client.next_event()
                assert isinstance(closing, CloseConnection)
                assert closing.code == 4001
                await client.send(closing.response())
            closed_as = sockets[attempt].closed
            assert closed_as is not None
            assert closed_as.code == 4001
            with pytest.raises(WebSocketClosed):
                await sockets[attempt].send_message(b"too late")
    # The clients closed their sockets themselves: what is left would be the server's.
    assert opened_since(before) == {}


async def test_a_handshake_left_unanswered_gets_500() -> None:
    async with echo_server() as port:
        with pytest.raises(trio_websocket.ConnectionRejected) as rejected:
            async with trio_websocket.open_websocket_url(f"ws://127.0.0.1:{port}/silent"):
                pass
        assert rejected.value.status_code == 500


async def test_another_websocket_version_gets_426() -> None:
    async with echo_server() as port, await anyio.connect_tcp("127.0.0.1", port) as stream:
        await stream.send(HANDSHAKE.replace(b"Version: 13", b"Version: 8"))
        answer = b""
        while chunk := await receive_some(stream):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 426 ")
        assert b"sec-websocket-version: 13" in answer.lower()


async def test_frames_sent_along_with_the_handshake_are_read() -> None:
    early = Connection(ConnectionType.CLIENT).send(BytesMessage(data=b"early"))
    async with echo_server() as port, await anyio.connect_tcp("127.0.0.1", port) as stream:
        await stream.send(HANDSHAKE + early)
        received = b""
        while b"early" not in received:
            chunk = await receive_some(stream)
            assert chunk, received
            received += chunk
        assert received.startswith(b"HTTP/1.1 101 ")


async def test_a_text_message_past_the_limit_in_utf8_bytes_closes_with_1009() -> None:
    async with echo_server() as port, RawClient.connect(port) as client:
        # Fewer characters than the limit, more bytes: the limit counts bytes.
        await client.send(TextMessage(data="☃" * (MAX_MESSAGE // 3 + 1)))
        closing = await client.next_event()
        assert isinstance(closing, CloseConnection)
        assert closing.code == 1009


HANDSHAKE = (
    b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)
EXCHANGE = HANDSHAKE + b"".join(
    Connection(ConnectionType.CLIENT).send(event)
    for event in (
        BytesMessage(data=b"x" * 100),
        Ping(payload=b"p"),
        BytesMessage(data=b"y" * (MAX_MESSAGE + 1)),
    )
)


@st.composite
def hostile_exchange(draw: st.DrawFn) -> list[bytes]:
    """A handshake and frames (the last one too big) with bytes replaced, inserted or cut,
    sent in arbitrary pieces."""
    data = damaged(draw, EXCHANGE if draw(st.booleans()) else EXCHANGE[: len(HANDSHAKE) + 200])
    return in_pieces(draw, bytes(data))


async def _exchange_hostile(pieces: list[bytes]) -> None:
    before = open_descriptors()
    async with echo_server() as port:
        async with await anyio.connect_tcp("127.0.0.1", port) as stream:
            for piece in pieces:
                try:
                    await stream.send(piece)
                except (anyio.BrokenResourceError, OSError):
                    break
            with contextlib.suppress(anyio.BrokenResourceError, OSError):
                await stream.send_eof()
            answer = b""
            while chunk := await receive_some(stream):
                answer += chunk
        if answer:
            status = int(answer.split(b" ", 2)[1])
            assert status == 101 or 400 <= status < 500, answer[:300]
        if answer.startswith(b"HTTP/1.1 101 "):
            # The frames that follow parse, and nothing follows a close frame.
            client = Connection(ConnectionType.CLIENT)
            client.receive_data(answer.split(b"\r\n\r\n", 1)[1])
            events = list(client.events())
            closes = [event for event in events if isinstance(event, CloseConnection)]
            assert len(closes) <= 1
            assert not closes or events[-1] is closes[0]
        # Another client is served after whatever this one sent.
        async with trio_websocket.open_websocket_url(f"ws://127.0.0.1:{port}/") as other:
            await other.send_message(b"still here")
            assert await other.get_message() == b"still here"
    assert opened_since(before) == {}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example([EXCHANGE])
@given(hostile_exchange())
def test_hostile_bytes_get_a_4xx_or_valid_frames_and_leak_nothing(pieces: list[bytes]) -> None:
    anyio.run(_exchange_hostile, pieces, backend="trio")
