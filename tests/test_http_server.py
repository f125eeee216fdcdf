"""The bridge's HTTP/1.1 server (oro_framework.web.http_server) over real loopback sockets: what
hypercorn did for the bridge and what the bridge relies on (keep-alive after a refusal,
pipelining, 100-continue, zero-copy files, WebSockets, failing apps), and a property test that
hostile bytes get a 4xx or a close, never a 500, a hang or a leaked descriptor."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import anyio.lowlevel
import h11
import pytest
import trio_websocket
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oro_framework.testing import open_descriptors, process_memory
from oro_framework.web.asgi import (
    Receive,
    Scope,
    Send,
    cancelled_on_disconnect,
    receive_body,
    send_response,
)
from oro_framework.web.http_server import _TAKEN_BODY_BYTES, _TAKEN_PIECE_BYTES, serve_http
from oro_framework.web.wire import ClientGoneError, WireLimits
from tests._hostile_bytes import damaged, in_pieces

pytestmark = pytest.mark.anyio

ZERO_COPY = "http.response.zerocopysend"


async def echo_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Echoes the body; ``/refuse`` answers 403 without reading it; ``/raise`` fails before
    answering, ``/raise-late`` after starting; ``/file?<start>-<end>`` sends the file in
    ``scope['state']``; WebSockets on ``/ws`` echo, others are refused."""
    if scope["type"] == "websocket":
        await receive()
        if scope["path"] != "/ws":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            reply = {key: message[key] for key in ("text", "bytes") if message.get(key) is not None}
            await send({"type": "websocket.send", **reply})
    path = scope["path"]
    if path == "/refuse":
        await send_response(send, 403, b"no", [])
    elif path == "/first":
        # Reads one message of the body, answers with its length and leaves the rest unread.
        message = await receive()
        await send_response(send, 413, str(len(message["body"])).encode(), [])
    elif path == "/watched":
        # Answers as the IPC bridge does: a watcher reads on while the answer is made, so the
        # client's next request may be read ahead of it (tests/test_wire_core.py drives that
        # read-ahead byte by byte).
        body = await receive_body(receive, lambda _: None)
        async with cancelled_on_disconnect(receive, send) as answering:
            await send_response(answering, 200, body, [])
    elif path == "/raise":
        raise RuntimeError("the app failed")
    elif path == "/raise-late":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"part", "more_body": True})
        raise RuntimeError("the app failed halfway")
    elif path == "/file":
        file_path: Path = scope["state"]["file"]
        start, end = (int(part) for part in scope["query_string"].decode().split("-"))
        length = end - start
        assert ZERO_COPY in scope["extensions"]
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", str(length).encode())],
            }
        )
        with file_path.open("rb") as file:
            await send({"type": ZERO_COPY, "file": file, "offset": start, "count": length})
    else:
        body = await receive_body(receive, lambda _: None)
        await send_response(send, 200, body or b"pong", [])


@asynccontextmanager
async def serving(app: Callable[..., Any] = echo_app, **state: Any) -> AsyncIterator[int]:
    async def with_state(scope: Scope, receive: Receive, send: Send) -> None:
        scope["state"] = state
        await app(scope, receive, send)

    async with anyio.create_task_group() as task_group:
        port: int = await task_group.start(
            functools.partial(
                serve_http,
                with_state,
                host="127.0.0.1",
                port=0,
                backlog=16,
                limits=WireLimits(max_header_bytes=16 * 1024, idle_timeout=2.0),
            )
        )
        yield port
        task_group.cancel_scope.cancel()


async def read_all(stream: anyio.abc.SocketStream) -> bytes:
    """Everything until the server closes."""
    chunks = []
    with anyio.fail_after(10):
        while True:
            try:
                chunks.append(await stream.receive())
            except (anyio.EndOfStream, anyio.BrokenResourceError):
                return b"".join(chunks)


def responses(data: bytes, method: bytes = b"GET") -> list[tuple[int, bytes]]:
    """The complete responses in ``data``, parsed as a client would."""
    client = h11.Connection(h11.CLIENT)
    client.receive_data(data)
    client.receive_data(b"")
    parsed: list[tuple[int, bytes]] = []
    status, body = 0, b""
    while True:
        if client.our_state is h11.IDLE or client.our_state is h11.DONE:
            if client.our_state is h11.DONE and client.their_state is h11.DONE:
                client.start_next_cycle()
            if client.our_state is h11.IDLE:
                client.send(h11.Request(method=method, target="/", headers=[("host", "x")]))
                client.send(h11.EndOfMessage())
        try:
            event = client.next_event()
        except h11.RemoteProtocolError:  # a cut response, or no answer to a request
            return parsed
        if isinstance(event, h11.Response):
            status, body = event.status_code, b""
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            parsed.append((status, body))
        elif isinstance(event, h11.ConnectionClosed) or event is h11.NEED_DATA:
            return parsed


def request(method: str = "GET", target: str = "/", body: bytes = b"", extra: str = "") -> bytes:
    length = f"content-length: {len(body)}\r\n" if body or method == "POST" else ""
    return f"{method} {target} HTTP/1.1\r\nhost: x\r\n{length}{extra}\r\n".encode() + body


async def test_pipelined_requests_are_answered_in_order() -> None:
    async with serving() as port, await anyio.connect_tcp("127.0.0.1", port) as stream:
        await stream.send(
            request("POST", "/", b"one")
            + request("POST", "/", b"two")
            + request("GET", "/", extra="connection: close\r\n")
        )
        assert responses(await read_all(stream)) == [(200, b"one"), (200, b"two"), (200, b"pong")]


async def test_a_refusal_before_the_body_arrives_keeps_the_connection() -> None:
    # hypercorn read and dropped such a body; closing instead made the client's next request
    # on the connection fail (the fuzz test of /ipc found it).
    async with serving() as port, await anyio.connect_tcp("127.0.0.1", port) as stream:
        await stream.send(request("POST", "/refuse", b"x" * 20)[:-20])
        await stream.send(b"x" * 20)
        await stream.send(request("POST", "/", b"after", extra="connection: close\r\n"))
        assert responses(await read_all(stream)) == [(403, b"no"), (200, b"after")]


async def test_a_body_never_sent_after_a_refusal_ends_the_connection_after_the_answer() -> None:
    async with serving() as port, await anyio.connect_tcp("127.0.0.1", port) as stream:
        await stream.send(request("POST", "/refuse", b"x" * 5000)[:-5000])
        assert responses(await read_all(stream)) == [(403, b"no")]


async def test_expect_100_continue_is_answered_before_the_body_is_read() -> None:
    async with serving() as port, await anyio.connect_tcp("127.0.0.1", port) as stream:
        head = request("POST", "/", b"body", extra="expect: 100-continue\r\nconnection: close\r\n")
        await stream.send(head[:-4])
        with anyio.fail_after(10):
            interim = await stream.receive()
        assert interim.startswith(b"HTTP/1.1 100 ")
        await stream.send(b"body")
        assert responses(await read_all(stream)) == [(200, b"body")]


async def test_an_app_failing_before_answering_gets_a_500_and_others_are_served() -> None:
    async with serving() as port:
        async with await anyio.connect_tcp("127.0.0.1", port) as stream:
            await stream.send(request("GET", "/raise"))
            assert responses(await read_all(stream)) == [(500, b"")]
        async with await anyio.connect_tcp("127.0.0.1", port) as stream:
            await stream.send(request("GET", "/raise-late"))
            # The head and part of the body left: the only honest end is a dropped connection.
            assert responses(await read_all(stream)) == []
        async with await anyio.connect_tcp("127.0.0.1", port) as stream:
            await stream.send(request("GET", "/", extra="connection: close\r\n"))
            assert responses(await read_all(stream)) == [(200, b"pong")]


@pytest.mark.parametrize(("start", "end"), [(0, 3 << 20), (12345, 2 << 20), (7, 8), (0, 0)])
async def test_zero_copy_sends_the_exact_bytes_of_the_span(
    tmp_path: Path, start: int, end: int
) -> None:
    content = os.urandom(3 << 20)
    (tmp_path / "big").write_bytes(content)
    async with (
        serving(file=tmp_path / "big") as port,
        await anyio.connect_tcp("127.0.0.1", port) as stream,
    ):
        await stream.send(request("GET", f"/file?{start}-{end}", extra="connection: close\r\n"))
        assert responses(await read_all(stream)) == [(200, content[start:end])]


async def test_zero_copy_of_a_file_shorter_than_promised_drops_the_connection(
    tmp_path: Path,
) -> None:
    (tmp_path / "short").write_bytes(b"x" * 1000)
    async with (
        serving(file=tmp_path / "short") as port,
        await anyio.connect_tcp("127.0.0.1", port) as stream,
    ):
        await stream.send(request("GET", "/file?0-5000"))
        received = await read_all(stream)
        assert received.startswith(b"HTTP/1.1 200 ")
        assert received.endswith(b"x" * 1000)
        assert responses(received) == []  # never a complete (silently short) response


# A body past _TAKEN_BODY_BYTES is read from the socket past h11, in pieces of at most
# _TAKEN_PIECE_BYTES; this one takes three pieces, the last a short one.
LARGE = 2 * _TAKEN_PIECE_BYTES + 12345


def pattern(size: int) -> bytes:
    """``size`` bytes that show where a byte out of place came from."""
    return (bytes(range(251)) * (size // 251 + 1))[:size]


async def exchange(port: int, data: bytes, piece: int = 1_000_003) -> bytes:
    """Send ``data`` in pieces while reading what comes back, until the server closes."""
    async with await anyio.connect_tcp("127.0.0.1", port) as stream:

        async def send_all() -> None:
            with contextlib.suppress(anyio.BrokenResourceError, OSError):
                for offset in range(0, len(data), piece):
                    await stream.send(data[offset : offset + piece])

        async with anyio.create_task_group() as task_group:
            task_group.start_soon(send_all)
            received = await read_all(stream)
            task_group.cancel_scope.cancel()
    return received


@pytest.mark.parametrize("path", ["/", "/watched"])
async def test_a_large_body_arrives_whole_and_the_connection_serves_what_follows(
    path: str,
) -> None:
    # Behind the watcher, what a client sends ahead is bounded by max_header_bytes (a client
    # past it is treated as gone): a second large body follows only where nothing reads ahead.
    bodies = [pattern(LARGE), b"next"] + ([pattern(_TAKEN_BODY_BYTES)] if path == "/" else [])
    data = b"".join(request("POST", path, body) for body in bodies)
    data += request("GET", "/", extra="connection: close\r\n")
    async with serving() as port:
        received = await exchange(port, data)
    assert responses(received) == [*((200, body) for body in bodies), (200, b"pong")]


async def test_a_large_body_with_expect_100_continue() -> None:
    body = pattern(LARGE)
    head = request("POST", "/", body, extra="expect: 100-continue\r\nconnection: close\r\n")
    async with serving() as port, await anyio.connect_tcp("127.0.0.1", port) as stream:
        await stream.send(head[: -len(body)])
        with anyio.fail_after(10):
            interim = await stream.receive()
        assert interim.startswith(b"HTTP/1.1 100 ")
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(stream.send, body)
            received = await read_all(stream)
    assert responses(received) == [(200, body)]


async def test_a_large_body_left_unread_ends_the_connection_after_the_answer() -> None:
    data = request("POST", "/first", pattern(LARGE)) + request("GET", "/")
    async with serving() as port:
        received = await exchange(port, data)
        assert responses(received) == [(413, str(_TAKEN_PIECE_BYTES).encode())]
        assert await exchange(port, request("GET", "/", extra="connection: close\r\n")) != b""


async def test_a_client_leaving_mid_body_is_told_to_the_app_and_leaks_nothing() -> None:
    gone = anyio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/":
            await echo_app(scope, receive, send)
            return
        try:
            await receive_body(receive, lambda _: None)
        except ClientGoneError:
            gone.set()
            return
        raise AssertionError("a body cut short was handed over whole")

    before = len(open_descriptors())
    async with serving(app) as port:
        for cut in (LARGE // 2, _TAKEN_PIECE_BYTES, 1):
            gone = anyio.Event()
            async with await anyio.connect_tcp("127.0.0.1", port) as stream:
                await stream.send(request("POST", "/cut", pattern(LARGE))[:-cut])
            with anyio.fail_after(10):
                await gone.wait()
        data = request("POST", "/", b"after", extra="connection: close\r\n")
        assert responses(await exchange(port, data)) == [(200, b"after")]
    assert len(open_descriptors()) <= before


async def test_bodies_declared_long_and_sent_short_hold_what_arrived_not_what_was_declared() -> (
    None
):
    """A client that declares a body of a piece's length and sends a little of it makes the
    server hold what arrived: 24 such clients, each read by an app waiting for the rest."""
    clients, sent = 24, 64 * 1024
    reading = 0
    all_reading = anyio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal reading
        reading += 1
        if reading == clients:
            all_reading.set()
        with contextlib.suppress(ClientGoneError):
            await receive_body(receive, lambda _: None)

    async with serving(app) as port, contextlib.AsyncExitStack() as stack:
        before = process_memory("VmRSS")
        for _ in range(clients):
            stream = await stack.enter_async_context(await anyio.connect_tcp("127.0.0.1", port))
            await stream.send(
                request("POST", "/", pattern(_TAKEN_PIECE_BYTES))[: -_TAKEN_PIECE_BYTES + sent]
            )
        with anyio.fail_after(10):
            await all_reading.wait()
        # The last app went on into its receive, which makes the buffer before it first waits
        # (for the rest of the body): each buffer is made by now.
        grown = process_memory("VmRSS") - before
    # A buffer of the declared length each would be 24 x 8 MiB; what arrived is 24 x 64 KiB.
    assert grown < clients * _TAKEN_PIECE_BYTES // 4, grown


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(_TAKEN_BODY_BYTES, [])
@example(_TAKEN_PIECE_BYTES, [1])
@example(_TAKEN_PIECE_BYTES + 1, [100, _TAKEN_PIECE_BYTES])
@given(
    st.one_of(
        st.integers(_TAKEN_BODY_BYTES - 3, _TAKEN_BODY_BYTES + 300_000),
        st.integers(_TAKEN_PIECE_BYTES - 3, _TAKEN_PIECE_BYTES + 3),
    ),
    st.lists(st.integers(1, _TAKEN_PIECE_BYTES + 400), max_size=6),
)
def test_bodies_around_the_taken_size_arrive_whole_however_they_are_cut(
    size: int, cuts: list[int]
) -> None:
    """Whatever the body's length and wherever the client's writes split it (inside the head,
    at the body's start, at a piece's edge, into the next request), the app gets every byte in
    order and the next request on the connection is answered."""
    body = pattern(size)
    data = request("POST", "/watched", body) + request("GET", "/", extra="connection: close\r\n")
    edges = sorted({min(cut, len(data)) for cut in cuts})

    async def main() -> None:
        async with (
            serving() as port,
            await anyio.connect_tcp("127.0.0.1", port) as stream,
            anyio.create_task_group() as task_group,
        ):

            async def send_all() -> None:
                for start, end in zip([0, *edges], [*edges, len(data)], strict=True):
                    await stream.send(data[start:end])
                    await anyio.lowlevel.checkpoint()

            task_group.start_soon(send_all)
            received = await read_all(stream)
        assert responses(received) == [(200, body), (200, b"pong")]

    anyio.run(main, backend="trio")


async def test_websockets_echo_and_refusals_get_403() -> None:
    async with serving() as port:
        async with trio_websocket.open_websocket("127.0.0.1", port, "/ws", use_ssl=False) as ws:
            await ws.send_message("text ☃")
            assert await ws.get_message() == "text ☃"
            await ws.send_message(b"\x00\x01" * 70_000)
            assert await ws.get_message() == b"\x00\x01" * 70_000
        with pytest.raises(trio_websocket.ConnectionRejected) as rejected:
            async with trio_websocket.open_websocket("127.0.0.1", port, "/other", use_ssl=False):
                pass
        assert rejected.value.status_code == 403


VALID = request("POST", "/", b"hello") + request("GET", "/", extra="connection: close\r\n")


@st.composite
def hostile_bytes(draw: st.DrawFn) -> list[bytes]:
    """A valid exchange mangled: bytes replaced, inserted or cut, an oversized or chunked head,
    sent in arbitrary pieces."""
    data = damaged(draw, VALID)
    if draw(st.booleans()):
        data[0:0] = draw(
            st.sampled_from(
                [
                    b"GET / HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 20_000 + b"\r\n\r\n",
                    b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
                    b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: -5\r\n\r\n",
                    b"GET /\x00 HTTP/1.1\r\n\r\n",
                ]
            )
        )
    return in_pieces(draw, bytes(data))


async def _exchange_hostile(pieces: list[bytes]) -> None:
    before = len(open_descriptors())
    async with serving() as port:
        async with await anyio.connect_tcp("127.0.0.1", port) as stream:
            for piece in pieces:
                try:
                    await stream.send(piece)
                except (anyio.BrokenResourceError, OSError):
                    break
            # A client that stopped mid-request would leave the server waiting for the
            # keep-alive timeout; this one says it is done sending, as a closing client does.
            with contextlib.suppress(anyio.BrokenResourceError, OSError):
                await stream.send_eof()
            received = await read_all(stream)
        statuses = {status for status, _ in responses(received)}
        assert statuses <= {200, 400, 431}, received[:300]
        # Another client is served after whatever this one sent.
        async with await anyio.connect_tcp("127.0.0.1", port) as stream:
            await stream.send(request("GET", "/", extra="connection: close\r\n"))
            assert responses(await read_all(stream)) == [(200, b"pong")]
    assert len(open_descriptors()) <= before


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example([VALID])
@example([VALID[:10], VALID[10:]])
@given(hostile_bytes())
def test_hostile_bytes_get_a_4xx_or_a_close_and_leak_nothing(pieces: list[bytes]) -> None:
    anyio.run(_exchange_hostile, [*pieces], backend="trio")
