"""Connections after an ``/ipc`` answer, over raw sockets: the server closes them when the client
asks (``Connection: close``) or once they sit idle past the keep-alive timeout, and gives every
descriptor back.

httpx would hide all of this behind its pool; these tests speak HTTP/1.1 by hand.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import psutil
import pytest
from anyio.abc import SocketStream

from oro_framework import Request
from oro_framework.testing import RoutePlugin, make_host
from oro_framework.web.server import serve_app

pytestmark = pytest.mark.anyio

SHARED_KEY = "k" * 24
# The HTTP IPC bridge key stands in for the session, so that no other client (and no other
# connection) is needed to open one.
BRIDGE = {"http.ipc.enable": True, "http.ipc.shared_key": SHARED_KEY}
KEEP_ALIVE = 0.3
# Generous bounds for a loaded machine; a server that never closes exceeds any of them.
CLOSE_WITHIN = 10.0


async def echo(request: Request) -> dict[str, object]:
    return {"echo": request.params.get_str("value")}


@asynccontextmanager
async def served_port() -> AsyncIterator[int]:
    """A running host with ``test.echo``, served with a short keep-alive timeout."""
    async with (
        make_host([RoutePlugin({"test.echo": echo})], config=BRIDGE) as host,
        anyio.create_task_group() as task_group,
    ):
        info = await task_group.start(
            functools.partial(serve_app, host, keep_alive_timeout=KEEP_ALIVE)
        )
        yield info.port
        task_group.cancel_scope.cancel()


def ipc_request(port: int, *, close: bool) -> bytes:
    lines = [
        "GET /ipc/test.echo?value=hi&seq=R1 HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"X-ORO-Auth: {SHARED_KEY}",
        *(["Connection: close"] if close else []),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def read_response(stream: SocketStream) -> bytes:
    """One whole response with a ``Content-Length`` body, and nothing after it."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += await stream.receive()
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += await stream.receive()
    return head + b"\r\n\r\n" + body


async def read_until_closed(stream: SocketStream) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while True:
        try:
            received += await stream.receive()
        except anyio.EndOfStream:
            return received


def open_descriptors() -> int:
    return psutil.Process().num_fds()


async def test_ipc_with_connection_close_is_closed_by_the_server() -> None:
    async with served_port() as port, await anyio.connect_tcp("127.0.0.1", port) as stream:
        await stream.send(ipc_request(port, close=True))
        with anyio.fail_after(CLOSE_WITHIN):
            received = await read_until_closed(stream)

    assert received.startswith(b"HTTP/1.1 200")
    assert received.endswith(b'"data":{"echo":"hi"}}')


async def test_idle_keep_alive_ipc_connection_is_closed_after_the_timeout() -> None:
    async with served_port() as port, await anyio.connect_tcp("127.0.0.1", port) as stream:
        await stream.send(ipc_request(port, close=False))
        first = await read_response(stream)
        # Still open for a next request within the timeout...
        await stream.send(ipc_request(port, close=False))
        second = await read_response(stream)
        # ...and closed by the server once idle past it.
        with anyio.fail_after(KEEP_ALIVE + CLOSE_WITHIN):
            rest = await read_until_closed(stream)

    assert first.startswith(b"HTTP/1.1 200")
    assert second.startswith(b"HTTP/1.1 200")
    assert rest == b""


async def test_many_ipc_connections_give_back_every_descriptor() -> None:
    async with served_port() as port:
        baseline = open_descriptors()
        held: list[SocketStream] = []
        try:
            # Half ask to close, half are kept alive and left idle, as a browser's pool does.
            for number in range(200):
                stream = await anyio.connect_tcp("127.0.0.1", port)
                held.append(stream)
                await stream.send(ipc_request(port, close=number % 2 == 0))
                assert (await read_response(stream)).startswith(b"HTTP/1.1 200")
            with anyio.fail_after(KEEP_ALIVE + CLOSE_WITHIN):
                async with anyio.create_task_group() as task_group:
                    for stream in held:
                        task_group.start_soon(read_until_closed, stream)
        finally:
            for stream in held:
                await stream.aclose()

        # The server closed its end before each client saw the end of the stream, with no
        # pause in between, so nothing is left to settle.
        assert open_descriptors() == baseline
