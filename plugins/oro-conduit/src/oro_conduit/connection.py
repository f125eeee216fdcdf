"""One connected client: its socket, its outgoing byte budget and its incoming frame rate."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import field
from typing import NamedTuple, final

import anyio

from oro_conduit.codec import OptionValue, encode_frame
from oro_framework import WebSocket
from oro_framework.records import record

__all__ = ["Client", "ClientInfo", "FrameRate", "Slots", "StreamCredit"]


@final
class ClientInfo(NamedTuple):
    """Who a connection is: ``id`` (the Conduit's id, unique among connected clients),
    ``client_id`` (the second path segment: the page's window index for pages), ``window``
    (the window it acts as: the one its credential proves, see :mod:`.outside` for others) and
    ``outside`` (not one of the app's pages, :mod:`.outside`)."""

    id: str
    client_id: str
    window: int | None
    wants_events: bool = False
    outside: bool = False


@final
class FrameRate:
    """A token bucket: :meth:`take` waits while the client is over its frames per second, so a
    flooding client is read more slowly (TCP pushes back on it) instead of being served first."""

    def __init__(self, per_second: int) -> None:
        self._rate = float(per_second)
        self._tokens = float(per_second)
        self._updated = anyio.current_time()

    async def take(self) -> None:
        now = anyio.current_time()
        self._tokens = min(self._rate, self._tokens + (now - self._updated) * self._rate)
        self._updated = now
        if self._tokens < 1:
            await anyio.sleep((1 - self._tokens) / self._rate)
            self._tokens = 1.0
            self._updated = anyio.current_time()
        self._tokens -= 1


@final
class Slots:
    """At most ``size`` requests in progress: :meth:`acquire` waits only when they all are.
    A counter rather than a semaphore, whose acquire yields to the scheduler on every frame."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._released: anyio.Event | None = None

    async def acquire(self) -> None:
        while self._free <= 0:
            if self._released is None:
                self._released = anyio.Event()
            await self._released.wait()
        self._free -= 1

    def release(self) -> None:
        self._free += 1
        if self._released is not None:
            self._released.set()
            self._released = None


@final
class StreamCredit:
    """Flow control of one streamed reply whose request asked for it (``credit=<bytes>``): at
    most that many payload bytes travel ahead of what the page acknowledged
    (``{ack: <seq>, bytes: n}``), so a page that reads a stream slowly holds its producer back
    as a fetch body would, instead of buffering the whole stream in page memory."""

    def __init__(self, window: int) -> None:
        self.window = window
        self.sent = 0
        self.acknowledged = 0
        self._acked = anyio.Event()

    @property
    def in_flight(self) -> int:
        return self.sent - self.acknowledged

    async def reserve(self, size: int) -> None:
        # One chunk larger than the window still goes, once everything before it was read.
        while (
            self.sent - self.acknowledged > 0 and self.sent - self.acknowledged + size > self.window
        ):
            await self._acked.wait()
        self.sent += size

    def acknowledge(self, size: int) -> None:
        self.acknowledged = min(self.sent, self.acknowledged + max(size, 0))
        self._acked.set()
        self._acked = anyio.Event()


@final
@record(frozen=False)
class Client:
    """A connected client. Its socket's :meth:`~oro_framework.WebSocket.send_message` waits
    while ``conduit.max_queued_bytes`` are on their way to it (the wire core's
    ``max_queued_bytes``), so every producer (replies, relays, pushes, events) slows down to
    the pace the client reads at."""

    info: ClientInfo
    socket: WebSocket
    frames_sent: int = 0
    frames_received: int = 0
    credits: dict[str, StreamCredit] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def queued_bytes(self) -> int:
        """Bytes waiting to be sent to the client."""
        return self.socket.queued_bytes

    async def send(
        self, options: Mapping[str, OptionValue], payload: bytes = b"", *, digest: bool = False
    ) -> None:
        """Send one frame; with ``digest`` it carries the SHA-256 of ``payload``.

        :raises oro_framework.WebSocketClosed: the client is gone.
        """
        if digest:
            options = {**options, "digest": hashlib.sha256(payload).hexdigest()}
        await self.send_message(encode_frame(options, payload))

    async def send_message(self, message: bytes) -> None:
        await self.socket.send_message(message)
        self.frames_sent += 1
