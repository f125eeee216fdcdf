"""Reading a socket stream as both drivers need: what it has, ``b""`` once the peer is gone."""

from __future__ import annotations

import anyio
import anyio.abc

__all__ = ["receive_some"]


async def receive_some(stream: anyio.abc.SocketStream, max_bytes: int) -> bytes:
    """Up to ``max_bytes`` from ``stream`` as soon as it has any; ``b""`` once the peer ended
    the stream or it broke.
    """
    try:
        return await stream.receive(max_bytes)
    except (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError):
        return b""
