"""Sending a streamed reply's bytes straight from its file (``ByteStream.file``): the server's
zero-copy send (``sendfile``, the ASGI ``http.response.zerocopysend`` extension, as static files
go), in pieces so that a credited stream stays paced (``bridge/flow.py``). A 64 MiB
``fs.readFile`` then costs the host ~30 ms of CPU instead of ~100 (each chunk read into Python,
sliced and written), and reaches the engine as a static file does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio

from oro_framework.host.exchange import WireReply
from oro_framework.web.asgi import ZERO_COPY_SEND, Scope, Send

__all__ = ["FILE_PIECE_BYTES", "can_send_file", "send_file"]

FILE_PIECE_BYTES = 8 << 20
"""Bytes per zero-copy send of an unpaced reply (the server sends each in ``sendfile`` calls
of its own size; this only bounds how long one send holds the connection's writer)."""


def can_send_file(scope: Scope, wire: WireReply) -> bool:
    """Whether ``wire`` has a file to send from and the server can send files."""
    return wire.file is not None and ZERO_COPY_SEND in scope.get("extensions", {})


async def send_file(
    send: Send,
    wire: WireReply,
    piece_bytes: int = FILE_PIECE_BYTES,
    room_for: Callable[[int], Awaitable[None]] | None = None,
) -> None:
    """Send ``wire``'s ``length`` bytes from its file in pieces of ``piece_bytes`` (each
    waiting for ``room_for(size)`` first, when given) and end the body; the file is closed
    however this ends (its stream's chunks, never started, hold nothing)."""
    file, length = wire.file, wire.length
    assert file is not None
    assert length is not None
    try:
        offset = 0
        while offset < length:
            count = min(piece_bytes, length - offset)
            if room_for is not None:
                await room_for(count)
            await send(
                {
                    "type": ZERO_COPY_SEND,
                    "file": file,
                    "offset": offset,
                    "count": count,
                    "more_body": True,
                }
            )
            offset += count
    finally:
        # Shielded: the file must be closed even when the client's departure cancelled this.
        with anyio.CancelScope(shield=True):
            await file.aclose()
    await send({"type": "http.response.body", "body": b""})
