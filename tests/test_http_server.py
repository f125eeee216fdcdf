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
import h11
import pytest
import trio_websocket
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oro_framework.testing import open_descriptors
from oro_framework.web.asgi import Receive, Scope, Send, receive_body, send_response
from oro_framework.web.http_server import serve_http
from oro_framework.web.wire import WireLimits
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
