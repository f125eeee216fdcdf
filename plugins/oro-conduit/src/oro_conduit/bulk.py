"""Reply bodies handed over to fetch: a page's WebSocket is slower than its fetch for them.

Chromium receives a WebSocket message at 35-75 MB/s on the test machine whatever the frame size,
while a Python client reads the same server at 360-460 MB/s and the page fetches at 200-400 MB/s
(``docs/conduit.md``, "Bulk replies"). A route frame with ``bulk=<bytes>`` therefore gets any
reply body larger than that (and the rest of a byte stream once it would pass that many bytes)
as a ticket: ``{seq, fetch: <ticket>}``, and the page fetches ``internal.conduit.take`` with it
over HTTP IPC. The body waits here until then, for at most :data:`TAKE_TIMEOUT` seconds.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncGenerator
from typing import Final, final

import anyio

from oro_framework import ByteStream

__all__ = ["TAKE_TIMEOUT", "BulkReplies", "HandedOver", "Parked"]

TAKE_TIMEOUT: Final = 30.0
"""Seconds a handed-over body waits for its page's fetch before it is dropped (and its stream
closed: a file descriptor behind it is released)."""


@final
class HandedOver:
    """The chunks of a byte stream from the one the socket stopped at: ``first``, then the rest
    of ``rest``. An iterator class rather than a generator, so that :meth:`aclose` closes
    ``rest`` (and the descriptor behind it) even when it was never iterated."""

    def __init__(self, first: bytes, rest: AsyncGenerator[bytes, None]) -> None:
        self._first: bytes | None = first
        self._rest: AsyncGenerator[bytes, None] | None = rest

    def __aiter__(self) -> HandedOver:
        return self

    async def __anext__(self) -> bytes:
        if self._first is not None:
            chunk, self._first = self._first, None
            return chunk
        if self._rest is None:
            raise StopAsyncIteration
        return await self._rest.__anext__()

    async def aclose(self) -> None:
        self._first = None
        rest, self._rest = self._rest, None
        if rest is not None:
            with anyio.CancelScope(shield=True):
                await rest.aclose()


@final
class Parked:
    """One reply body waiting for ``internal.conduit.take``: bytes, a :class:`HandedOver`
    stream of ``media_type``, or a handler's stream sent from its file
    (``ByteStream.file``), handed over unread."""

    def __init__(self, body: bytes | HandedOver | ByteStream, media_type: str) -> None:
        self.body = body
        self.media_type = media_type
        self.taken = anyio.Event()


@final
class BulkReplies:
    """The bodies handed over, by ticket (256 random bits: the ticket is the capability)."""

    def __init__(self) -> None:
        self._parked: dict[str, Parked] = {}
        self.handed_over = 0
        """Bodies handed over since start (``diagnostics.query``)."""

    def __len__(self) -> int:
        return len(self._parked)

    def take(self, ticket: str) -> Parked | None:
        """The body of ``ticket``, once; ``None`` for an unknown, taken or expired ticket."""
        parked = self._parked.pop(ticket, None)
        if parked is not None:
            parked.taken.set()
        return parked

    def park(self, parked: Parked) -> str:
        ticket = secrets.token_urlsafe(32)
        self._parked[ticket] = parked
        self.handed_over += 1
        return ticket

    async def hold(self, ticket: str, parked: Parked) -> None:
        """Wait until ``ticket`` is taken; past :data:`TAKE_TIMEOUT`, or when the request is
        cancelled (the page left, cancelled, or the Conduit stops), drop it and close its
        stream."""
        try:
            with anyio.move_on_after(TAKE_TIMEOUT):
                await parked.taken.wait()
        finally:
            await self.drop(ticket, parked)

    async def drop(self, ticket: str, parked: Parked) -> None:
        """Forget ``ticket`` unless it was taken, closing its stream."""
        if self._parked.get(ticket) is parked:
            del self._parked[ticket]
            body = parked.body
            if isinstance(body, HandedOver):
                await body.aclose()
            elif isinstance(body, ByteStream) and body.file is not None:
                # What a transport sending from the file closes (ByteStream.file).
                with anyio.CancelScope(shield=True):
                    await body.file.aclose()
