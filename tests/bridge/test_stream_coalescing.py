"""A streamed reply's small pieces leave together (``web/bridge/coalesce.py``, issue 55): the
page gets exactly the same bytes in the same order, an event followed by a wait is not held
back, and a client that does not read still holds the handler back."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
import trio
from hypothesis import given, settings
from hypothesis import strategies as st

from oro_framework import ByteStream, EventStream, Request
from oro_framework.testing import (
    RoutePlugin,
    live_server,
    make_host,
    open_app_page,
    read_sse,
    served_app,
)
from oro_framework.web.asgi import Message
from oro_framework.web.bridge.coalesce import COALESCE_BYTES, Put, send_coalesced

pytestmark = pytest.mark.anyio

CHUNKS = 10_000


def numbered(count: int) -> list[bytes]:
    return [f"{index:05d};".encode() for index in range(count)]


class Sent:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        assert message["more_body"] is True
        self.bodies.append(message["body"])
        await trio.lowlevel.checkpoint()  # as a socket write


async def test_pieces_put_at_once_leave_together_in_order() -> None:
    sent = Sent()
    pieces = numbered(CHUNKS)

    async def produce(put: Put) -> None:
        for piece in pieces:
            await put(piece)

    await send_coalesced(sent, produce)

    assert b"".join(sent.bodies) == b"".join(pieces)
    # At most COALESCE_BYTES wait for the writer: one write per that much, not one per piece.
    assert len(sent.bodies) <= len(b"".join(pieces)) // COALESCE_BYTES + 2


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.binary(max_size=300), st.booleans()), max_size=60))
def test_any_pieces_and_waits_arrive_as_put(steps: list[tuple[bytes, bool]]) -> None:
    async def main() -> None:
        sent = Sent()

        async def produce(put: Put) -> None:
            for piece, waits in steps:
                await put(piece)
                if waits:
                    await trio.lowlevel.checkpoint()

        await send_coalesced(sent, produce, limit=256)
        assert b"".join(sent.bodies) == b"".join(piece for piece, _ in steps)
        assert all(sent.bodies)

    trio.run(main)


async def test_a_piece_followed_by_a_wait_is_not_held_back() -> None:
    sent = Sent()
    release = trio.Event()

    async def send(message: Message) -> None:
        await sent(message)
        release.set()  # the wait below ends only once "first" went out

    async def produce(put: Put) -> None:
        await put(b"first")
        await release.wait()
        await put(b"second")

    with trio.fail_after(5):
        await send_coalesced(send, produce)

    assert sent.bodies == [b"first", b"second"]


async def test_a_client_that_does_not_read_holds_the_producer_back() -> None:
    put_bytes = 0

    async def stuck(message: Message) -> None:
        await trio.sleep_forever()

    async def produce(put: Put) -> None:
        nonlocal put_bytes
        while True:
            await put(b"x" * 1000)
            put_bytes += 1000

    with trio.move_on_after(0.2):
        await send_coalesced(stuck, produce)

    # The writer holds one batch in its stuck write, and at most COALESCE_BYTES wait behind it.
    assert put_bytes <= 2 * COALESCE_BYTES + 1000


async def test_an_error_of_the_producer_reaches_the_caller_after_what_it_put() -> None:
    sent = Sent()

    async def produce(put: Put) -> None:
        await put(b"before")
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        await send_coalesced(sent, produce)
    assert sent.bodies == [b"before"]


# ----------------------------------------------------------------------------------------------
# Through the bridge, over real sockets
# ----------------------------------------------------------------------------------------------


async def many_chunks(request: Request) -> ByteStream:
    async def chunks() -> AsyncIterator[bytes]:
        for piece in numbered(CHUNKS):
            yield piece

    return ByteStream(chunks())


async def many_events(request: Request) -> EventStream:
    async def events() -> AsyncIterator[dict[str, int]]:
        for index in range(CHUNKS):
            yield {"n": index}

    return EventStream(events())


ROUTES = {"test.chunks": many_chunks, "test.events": many_events}


def chunked_writes(origin: str, cookie: str, path: str) -> tuple[int, bytes]:
    """The HTTP chunks of ``path``'s reply, counted on a raw socket, and the body they carry."""
    host, port = origin.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        received = b""
        while chunk := sock.recv(1 << 20):
            received += chunk
    head, _, rest = received.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower(), head
    count, body = 0, b""
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return count, body
        count += 1
        body += rest[:size]
        rest = rest[size + 2 :]


async def test_ten_thousand_chunks_arrive_whole_in_few_writes() -> None:
    async with make_host([RoutePlugin(ROUTES)]) as host, live_server(host) as server:
        cookie = f"{server.cookie_name}={await server.session_cookie()}"
        count, body = await anyio.to_thread.run_sync(
            chunked_writes, server.origin, cookie, "/ipc/test.chunks"
        )

    assert body == b"".join(numbered(CHUNKS))
    assert count < CHUNKS // 10


async def test_ten_thousand_events_arrive_in_order() -> None:
    async with (
        make_host([RoutePlugin(ROUTES)]) as host,
        live_server(host) as server,
        server.client(timeout=30) as client,
        client.stream("GET", "/ipc/test.events") as response,
    ):
        data = [event.data async for event in read_sse(response)]

    assert data == [f'{{"n":{index}}}' for index in range(CHUNKS)]


@pytest.mark.parametrize("credit", [True, False])
def test_a_page_reads_the_same_bytes_in_the_same_order(chromium_browser: Any, credit: bool) -> None:
    # The session's Chromium: a second sync Playwright in one process refuses to start once
    # another test file of the same xdist worker started the session's.
    with served_app([RoutePlugin(ROUTES)]) as app:
        page = open_app_page(chromium_browser, app)
        try:
            text = page.evaluate(
                """async (credit) => {
                    const ipc = await import('oro:ipc')
                    // Without the credit header the reply is not paced (another client's way).
                    const headers = credit ? {} : { 'x-oro-stream-credit': '0' }
                    const stream = await ipc.request(
                        'test.chunks', {}, { responseType: 'stream', headers })
                    const decoder = new TextDecoder()
                    let text = ''
                    for await (const chunk of stream) text += decoder.decode(chunk)
                    return text
                }""",
                credit,
            )
        finally:
            page.context.close()

    assert text == b"".join(numbered(CHUNKS)).decode()
