"""One exchange, two transports: the same reply answered over HTTP IPC and over the Conduit has
the same status, media type and bytes (both go through ``oro_framework.host.exchange``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import trio_websocket
from oro_conduit import STATE, ConduitServer, plugin
from oro_conduit.codec import Frame, decode_frame, encode_frame

from oro_framework import ByteStream, EventStream, InvalidArgumentError, Request, ServerSentEvent
from oro_framework.testing import RoutePlugin, live_server, make_host

pytestmark = pytest.mark.anyio


async def _data(request: Request) -> dict[str, Any]:
    return {"params": dict(request.params), "text": "é\u2028"}


async def _bytes(request: Request) -> bytes:
    return bytes(range(256))


async def _fail(request: Request) -> None:
    raise InvalidArgumentError.missing("path")


async def _events(request: Request) -> EventStream:
    async def produce() -> AsyncIterator[Any]:
        yield {"n": 1}
        yield ServerSentEvent("two\nlines", event="tick", id="2")
        raise InvalidArgumentError("failed mid-stream")

    return EventStream(produce())


async def _chunks(request: Request) -> ByteStream:
    async def produce() -> AsyncIterator[bytes]:
        yield b"a,b\n"
        yield b""
        yield b"1,2\n"

    return ByteStream(produce(), media_type="text/csv")


ROUTES = RoutePlugin(
    {
        "test.data": _data,
        "test.bytes": _bytes,
        "test.fail": _fail,
        "test.events": _events,
        "test.chunks": _chunks,
    }
)


async def _receive(socket: trio_websocket.WebSocketConnection) -> Frame:
    message = await socket.get_message()
    assert isinstance(message, bytes)
    return decode_frame(message)


async def _over_conduit(
    server: ConduitServer, route: str, options: dict[str, str]
) -> tuple[int, str, list[bytes]]:
    """``(status, media type, payloads)``: one payload, or a stream's data frames."""
    url = f"ws://127.0.0.1:{server.port}/c1/tool?key={server.key}"
    async with trio_websocket.open_websocket_url(url) as socket:
        await socket.send_message(encode_frame({"route": route, **options}))
        first = await _receive(socket)
        status, media_type = int(first.options["status"]), first.options["type"]
        if first.options.get("stream") != "start":
            return status, media_type, [first.payload]
        chunks: list[bytes] = []
        while (frame := await _receive(socket)).options["stream"] == "data":
            chunks.append(frame.payload)
        assert frame.options["stream"] == "end"
        return status, media_type, chunks


async def _over_http(
    client: httpx.AsyncClient, route: str, options: dict[str, str]
) -> tuple[int, str, bytes]:
    response = await client.get(f"/ipc/{route}", params=options)
    return response.status_code, response.headers["content-type"], response.content


@pytest.mark.parametrize(
    ("route", "is_stream"),
    [
        ("test.data", False),
        ("test.bytes", False),
        ("test.fail", False),
        ("test.nothing", False),
        ("test.events", True),
        ("test.chunks", True),
    ],
)
async def test_the_same_reply_is_the_same_bytes_over_http_and_conduit(
    route: str, is_stream: bool
) -> None:
    options = {"seq": "R7", "a": "1", "b": '{"c":[2]}'}
    async with (
        make_host([plugin, ROUTES]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        http_status, http_type, http_body = await _over_http(client, route, options)
        status, media_type, payloads = await _over_conduit(host.stash[STATE], route, options)

    assert (status, media_type) == (http_status, http_type)
    assert b"".join(payloads) == http_body
    assert len(payloads) > 1 if is_stream else len(payloads) == 1


async def test_absurd_index_and_credit_are_ignored_not_fatal() -> None:
    """``int()`` refuses strings past 4,300 digits: such options once raised in the server."""
    huge = "9" * 5000
    async with make_host([plugin, ROUTES]) as host:
        status, _, chunks = await _over_conduit(
            host.stash[STATE], "test.chunks", {"seq": "1", "index": huge, "credit": huge}
        )

    assert status == 200
    assert b"".join(chunks) == b"a,b\n1,2\n"
