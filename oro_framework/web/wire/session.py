"""An accepted WebSocket on its socket: :class:`WebSocket` drives the sans-IO
:class:`~oro_framework.web.wire.websocket.WebSocketProtocol`.

The task that handles the connection reads it itself (:meth:`WebSocket.get_message` reads and
parses the socket), rather than a reader task per connection handing messages over a channel:
that is one task switch more per message, which issue 17 measured at ~45 µs of host CPU and
~65 µs of latency per echo (a Conduit ping is ~450 µs end to end). Any task may send; senders
take turns on a FIFO lock, each message whole.
"""

from __future__ import annotations

import contextlib
from typing import final

import anyio
import anyio.abc

from oro_framework.web.wire.limits import WireLimits
from oro_framework.web.wire.streams import receive_some
from oro_framework.web.wire.websocket import CLOSE_ABNORMAL, WebSocketClosed, WebSocketProtocol

__all__ = ["WebSocket"]

_GONE = (anyio.BrokenResourceError, anyio.ClosedResourceError)


@final
class WebSocket:
    """An accepted WebSocket. One task reads it (:meth:`get_message`); any task may send.

    Every limit comes from the server's :class:`~oro_framework.web.wire.WireLimits`: a message
    past ``max_message_bytes`` closes it with 1009, senders wait while ``max_queued_bytes`` are
    on their way, and :meth:`aclose` waits ``close_timeout`` for the client's answer.

    :ivar queued_bytes: bytes of messages being sent or waiting to be.
    """

    def __init__(
        self, stream: anyio.abc.SocketStream, protocol: WebSocketProtocol, limits: WireLimits
    ) -> None:
        self._stream = stream
        self._protocol = protocol
        self._receive_bytes = limits.receive_bytes
        self._max_queued_bytes = limits.max_queued_bytes
        self._close_timeout = limits.close_timeout
        # FIFO (trio's Lock hands over in order); fast_acquire: an uncontended send does not
        # yield to the scheduler before its write, which yields anyway.
        self._send_lock = anyio.Lock(fast_acquire=True)
        self._receiving: anyio.Event | None = None
        self._closed: WebSocketClosed | None = None
        self._space: anyio.Event | None = None
        self.queued_bytes = 0

    @property
    def closed(self) -> WebSocketClosed | None:
        """How the WebSocket closed, ``None`` while it is open."""
        return self._closed

    async def get_message(self) -> bytes | str:
        """The next whole message (``str`` for a text message).

        :raises WebSocketClosed: the WebSocket is closed (then or while waiting).
        """
        messages = self._protocol.messages
        while not messages:
            if self._closed is not None:
                raise self._closed
            await self._receive()
        return messages.popleft()

    async def send_message(self, message: bytes | str) -> None:
        """Send one message, whole, after the messages other tasks are sending; wait first
        while the bytes already on their way would pass ``max_queued_bytes``.

        :raises WebSocketClosed: the WebSocket is closed.
        """
        size = len(message)
        while self.queued_bytes and self.queued_bytes + size > self._max_queued_bytes:
            if self._space is None:
                self._space = anyio.Event()
            await self._space.wait()
        self.queued_bytes += size
        try:
            async with self._send_lock:
                if self._closed is not None:
                    raise self._closed
                await self._write(self._protocol.send_message(message))
        finally:
            self.queued_bytes -= size
            if self._space is not None:
                self._space.set()
                self._space = None

    async def aclose(self, code: int = 1000, reason: str | None = None) -> None:
        """Close with ``code`` and ``reason``, wait (at most ``close_timeout``) for the client's
        answer, then close the socket; a no-op once the WebSocket is closed."""
        if self._closed is not None:
            return
        with contextlib.suppress(WebSocketClosed):
            async with self._send_lock:
                if self._closed is None:
                    await self._write(self._protocol.close(code, reason))
        with anyio.move_on_after(self._close_timeout):
            while self._closed is None:
                await self._receive()
        await self._finish(WebSocketClosed(code, reason))

    async def abort(self) -> None:
        """Close the socket without the close handshake (the client is gone, code 1006)."""
        await self._finish(WebSocketClosed(CLOSE_ABNORMAL))

    async def receive_early(self, data: bytes) -> None:
        """Handle frames that arrived with the handshake, before the socket was ours."""
        await self._handle(data)

    async def _receive(self) -> None:
        """Read and handle what the socket has. While another task reads (the handler, when
        :meth:`aclose` waits for the close answer), wait for it to have handled that instead:
        a socket has one reader at a time."""
        if self._receiving is not None:
            await self._receiving.wait()
            return
        self._receiving = anyio.Event()
        try:
            data = await receive_some(self._stream, self._receive_bytes)
            if self._closed is None:
                await self._handle(data)
        finally:
            self._receiving.set()
            self._receiving = None

    async def _handle(self, data: bytes) -> None:
        protocol = self._protocol
        protocol.receive_data(data)
        if protocol.has_data_to_send:
            with contextlib.suppress(WebSocketClosed):
                async with self._send_lock:
                    if self._closed is None:
                        await self._write(protocol.data_to_send())
        if protocol.closed is not None:
            await self._finish(protocol.closed)

    async def _write(self, data: bytes) -> None:
        """Send ``data`` (the caller holds the send lock).

        :raises WebSocketClosed: the socket broke (it is then closed).
        """
        if not data:
            return
        try:
            await self._stream.send(data)
        except _GONE:
            await self._finish(WebSocketClosed(CLOSE_ABNORMAL))
            raise WebSocketClosed(CLOSE_ABNORMAL) from None

    async def _finish(self, closed: WebSocketClosed) -> None:
        if self._closed is None:
            self._closed = closed
            self._protocol.end(closed)
        await self._stream.aclose()
