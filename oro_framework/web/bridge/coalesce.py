"""A streamed reply's small pieces written together: what a handler yields within one step of
the event loop (or while the previous write was under way) leaves in one write.

A handler that yields 10,000 small events or chunks made 10,000 HTTP chunks: each one its own
ASGI message, chunk header, socket write and schedule point. Here the handler (the producer)
hands each piece over without waiting, and a writer task joins whatever has gathered when it
runs: after the producer waits for something (its next event, room in the page's credit), or
once :data:`COALESCE_BYTES` are waiting. The page gets the same bytes in the same order; an event
that is followed by a wait still leaves at once (the writer runs in the next step).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final, TypeAlias, final

import trio

from oro_framework.web.asgi import Send

__all__ = ["COALESCE_BYTES", "Put", "send_coalesced"]

COALESCE_BYTES: Final = 64 * 1024
"""Bytes that may wait for the writer: past them the producer waits until they are taken, so a
client that does not read holds the handler back as before (a socket's send buffer, not ours)."""

Put: TypeAlias = Callable[[bytes], Awaitable[None]]
"""Hands a piece to the writer; waits only while :data:`COALESCE_BYTES` are already waiting."""


@final
class _Pending:
    """The pieces not yet written, and the two wake-ups around them (trio's events fire once,
    so each is replaced when it has)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.pieces: list[bytes] = []
        self.size = 0
        self.is_done = False
        self.arrived = trio.Event()
        self.taken = trio.Event()

    async def put(self, piece: bytes) -> None:
        if not piece:
            return
        self.pieces.append(piece)
        self.size += len(piece)
        self.arrived.set()
        while self.size >= self.limit:
            await self.taken.wait()

    def done(self) -> None:
        self.is_done = True
        self.arrived.set()

    def take(self) -> bytes:
        pieces, self.pieces, self.size = self.pieces, [], 0
        self.taken.set()
        self.taken = trio.Event()
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    async def write_all(self, send: Send) -> None:
        while True:
            # A fresh event before looking: what is put from here on wakes the wait below.
            self.arrived = trio.Event()
            if self.pieces:
                body = self.take()
                await send({"type": "http.response.body", "body": body, "more_body": True})
            elif self.is_done:
                return
            else:
                await self.arrived.wait()


async def send_coalesced(
    send: Send, produce: Callable[[Put], Awaitable[None]], *, limit: int = COALESCE_BYTES
) -> None:
    """Run ``produce(put)``, sending every piece it puts as ``more_body`` messages of ``send``,
    joined as described above; returns once all of them went out (the caller ends the body).

    :raises Exception: what ``produce`` raised, as it is (after what it put went out).
    """
    pending = _Pending(limit)
    failure: Exception | None = None
    # A trio nursery (trio used directly, as listed in docs/design.md): its events are trio's,
    # and one writer task per streamed reply, not per piece.
    async with trio.open_nursery() as nursery:
        nursery.start_soon(pending.write_all, send)
        try:
            await produce(pending.put)
        except Exception as error:
            # Re-raised below, outside the nursery: the caller sees the error itself.
            failure = error
        pending.done()
    if failure is not None:
        raise failure
