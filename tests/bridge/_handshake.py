"""A raw WebSocket handshake to a live server: the status line it is answered with (what a
refused handshake looks like, which a WebSocket client library hides behind an exception)."""

from __future__ import annotations

import anyio

from oro_framework.testing import LiveServer


async def handshake_status(server: LiveServer, path: str, headers: list[str]) -> bytes:
    """The status line of a handshake to ``path`` carrying ``headers`` (``"Name: value"``)."""
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: 127.0.0.1:{server.port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
        *headers,
    ]
    async with await anyio.connect_tcp("127.0.0.1", server.port) as stream:
        await stream.send(("\r\n".join(lines) + "\r\n\r\n").encode())
        received = b""
        while b"\r\n" not in received:
            received += await stream.receive()
    return received.split(b"\r\n", 1)[0]
