"""The two ways frames travel over an isolated plugin's socket: :class:`Channel` on a running
event loop (both ends), :class:`BlockingChannel` while the host is being built, before any
loop runs (the handshake's hooks are synchronous). Both read through one
:class:`~.wire.FrameReader` and write :func:`~.wire.encode`'s frames."""

from __future__ import annotations

import socket
import time
from collections import deque
from collections.abc import Mapping
from typing import Any, Final, final

import anyio
import anyio.abc

from oro_framework.host.isolation.wire import PREFIX, ChannelError, FrameReader, Message, encode

__all__ = ["BlockingChannel", "Channel", "ChannelClosed"]

_READ_SIZE: Final = 256 << 10


class ChannelClosed(Exception):
    """The peer closed its end (its process ended)."""


@final
class Channel:
    """Frames over a connected stream socket, on a running loop. One task receives; any task
    sends (a lock keeps frames whole)."""

    __slots__ = ("_lock", "_reader", "_ready", "stream")

    def __init__(self, stream: anyio.abc.ByteStream, reader: FrameReader | None = None) -> None:
        self.stream = stream
        self._reader = reader or FrameReader()
        self._ready: deque[tuple[Message, bytes]] = deque()
        self._lock = anyio.Lock()

    @classmethod
    async def over(cls, sock: socket.socket, reader: FrameReader | None = None) -> Channel:
        """The channel of ``sock`` (blocking or not: it is made non-blocking here)."""
        return cls(await anyio.abc.SocketStream.from_socket(sock), reader)

    async def send(self, message: Mapping[str, Any], body: bytes = b"") -> None:
        """Send one frame; a body of 64 KiB or more is written as it is, not copied into it.

        :raises ChannelClosed: the peer is gone.
        """
        try:
            if len(body) < 65536:
                frame = encode(message, body)
                async with self._lock:
                    await self.stream.send(frame)
                return
            head = encode(message)
            header = head[PREFIX.size :]
            async with self._lock:
                await self.stream.send(PREFIX.pack(len(header), len(body)) + header)
                await self.stream.send(body)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError) as error:
            raise ChannelClosed(str(error)) from None

    async def receive(self) -> tuple[Message, bytes]:
        """The next frame.

        :raises ChannelClosed: the peer closed its end.
        :raises ChannelError: the peer sent something that is no frame.
        """
        while not self._ready:
            try:
                data = await self.stream.receive(_READ_SIZE)
            except (anyio.EndOfStream, anyio.BrokenResourceError, OSError) as error:
                raise ChannelClosed(type(error).__name__) from None
            self._ready.extend(self._reader.feed(data))
        return self._ready.popleft()

    async def aclose(self) -> None:
        await self.stream.aclose()


@final
class BlockingChannel:
    """Frames over a blocking socket, each receive bounded by a deadline: the handshake with a
    process that may never answer."""

    __slots__ = ("_ready", "reader", "socket")

    def __init__(self, sock: socket.socket) -> None:
        self.socket = sock
        self.reader = FrameReader()
        self._ready: deque[tuple[Message, bytes]] = deque()

    def send(self, message: Mapping[str, Any], body: bytes = b"") -> None:
        """:raises ChannelClosed: the peer is gone."""
        self.socket.settimeout(None)
        try:
            self.socket.sendall(encode(message, body))
        except OSError as error:
            raise ChannelClosed(str(error)) from None

    def receive(self, deadline: float) -> tuple[Message, bytes]:
        """The next frame, waiting until ``deadline`` (``time.monotonic()``) at most.

        :raises TimeoutError: nothing whole came in time.
        :raises ChannelClosed: the peer closed its end.
        :raises ChannelError: the peer sent something that is no frame.
        """
        while not self._ready:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self.socket.settimeout(left)
            try:
                data = self.socket.recv(_READ_SIZE)
            except TimeoutError:
                raise
            except OSError as error:
                raise ChannelClosed(str(error)) from None
            if not data:
                raise ChannelClosed("end of stream")
            self._ready.extend(self.reader.feed(data))
        return self._ready.popleft()

    def leftover(self) -> FrameReader:
        """The reader to go on with once a loop takes the socket over; frames already read and
        not taken must not be lost, so there may be none."""
        if self._ready:
            raise ChannelError("frames came before the handshake ended")
        return self.reader
