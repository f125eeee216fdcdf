"""The two ways frames travel over an isolated plugin's socket: :class:`Channel` on a running
event loop (both ends), :class:`BlockingChannel` while the host is being built, before any
loop runs (the handshake's hooks are synchronous). Both read through one
:class:`~.wire.FrameReader` and write :func:`~.wire.encode`'s frames."""

from __future__ import annotations

import socket
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, Final, final

import anyio
import anyio.abc

from oro_framework.host.isolation.wire import (
    ChannelError,
    FrameReader,
    Message,
    encode,
    encode_head,
)

__all__ = ["BlockingChannel", "Channel", "ChannelClosed", "Inbox"]

_READ_SIZE: Final = 256 << 10

COALESCE: Final = 256 << 10
"""The bytes of stream chunks one frame carries at most (:meth:`Channel.send_chunks`)."""

Buffer = bytes | bytearray | memoryview


class ChannelClosed(Exception):
    """The peer closed its end (its process ended)."""


@final
class Channel:
    """Frames over a connected stream socket (``stream``: a socket's), on a running loop. One
    task receives; any task sends (a lock keeps frames whole)."""

    __slots__ = ("_lock", "_reader", "_ready", "_socket", "stream")

    def __init__(self, stream: anyio.abc.ByteStream, reader: FrameReader | None = None) -> None:
        self.stream = stream
        # Frames are written to the socket itself: one sendmsg of header and body.
        self._socket = stream.extra(anyio.abc.SocketAttribute.raw_socket)
        self._reader = reader or FrameReader()
        self._ready: deque[tuple[Message, bytes]] = deque()
        # Taken without a checkpoint when free, as it nearly always is: a frame sent in one
        # go costs no step of the loop for the lock.
        self._lock = anyio.Lock(fast_acquire=True)

    @classmethod
    async def over(cls, sock: socket.socket, reader: FrameReader | None = None) -> Channel:
        """The channel of ``sock`` (blocking or not: it is made non-blocking here)."""
        return cls(await anyio.abc.SocketStream.from_socket(sock), reader)

    async def send(self, message: Mapping[str, Any], body: Buffer = b"") -> None:
        """Send one frame: its header and body go to the socket together (one ``sendmsg``),
        the body never copied into a joined frame.

        It yields to the loop only while the socket is full: a frame the socket takes at once
        costs no step of the loop, and the caller's next wait (for the reply, for stream
        credit) is the checkpoint.

        :raises ChannelClosed: the peer is gone.
        """
        await self._send(message, [body] if body else [])

    async def send_chunks(
        self,
        message: Mapping[str, Any],
        chunks: AsyncIterator[bytes],
        credit: Callable[[], Awaitable[None]],
    ) -> None:
        """Send a byte stream's ``chunks`` as frames of ``message``, each once ``credit()``
        returns.

        The chunks that are ready while a frame waits for its credit or for the socket go
        together in the next frame, pulled until they reach :data:`COALESCE` bytes: a
        plugin's 64 KiB chunks cost the channel, the host's reader and its router a quarter
        of the frames, and a chunk the stream yields alone is sent at once. The chunks are
        pulled in a task of their own for that; what they raise is raised here. With the
        process's 16 frames of credit, a stream has about 4 MiB on its way to the host at
        most (16 chunks when they are larger).

        :raises ChannelClosed: the peer is gone.
        """
        batch = _Batch()
        closed: ChannelClosed | None = None
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(batch.pull, chunks)
            try:
                while parts := await batch.take():
                    await credit()
                    await self._send(message, parts)
            except ChannelClosed as error:  # raised below: a task group would wrap it
                closed = error
                tasks.cancel_scope.cancel()
        failure = closed or batch.failure
        if failure is not None:
            raise failure

    async def _send(self, message: Mapping[str, Any], parts: list[Buffer]) -> None:
        head = encode_head(message, sum(len(part) for part in parts))
        try:
            async with self._lock:
                await _write(self._socket, [head, *parts])
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


async def _write(sock: socket.socket, parts: list[Buffer]) -> None:
    """Write ``parts`` to non-blocking ``sock``, waiting only while it is full."""
    while True:
        try:
            sent = sock.sendmsg(parts)
        except BlockingIOError:
            sent = 0
        while parts and sent >= len(parts[0]):
            sent -= len(parts.pop(0))
        if not parts:
            return
        parts[0] = memoryview(parts[0])[sent:]
        await anyio.wait_writable(sock)


@final
class _Batch:
    """Chunks pulled from a stream and not sent yet: the puller waits once they reach
    :data:`COALESCE` bytes, the sender while there are none. Never both: one event serves."""

    __slots__ = ("_changed", "chunks", "done", "failure", "size")

    def __init__(self) -> None:
        self.chunks: list[Buffer] = []
        self.size = 0
        self.done = False
        self.failure: Exception | None = None
        self._changed = anyio.Event()

    async def _wait(self) -> None:
        self._changed = anyio.Event()
        await self._changed.wait()

    async def pull(self, chunks: AsyncIterator[bytes]) -> None:
        try:
            async for chunk in chunks:
                self.chunks.append(chunk)
                self.size += len(chunk)
                self._changed.set()
                while self.size >= COALESCE:
                    await self._wait()
        except Exception as error:  # the stream's own error: raised for the sender's caller
            self.failure = error
        finally:
            self.done = True
            self._changed.set()
            # Closed by the task that iterated it: a generator holding a cancel scope
            # across its yields must leave it in that task.
            close = getattr(chunks, "aclose", None)
            if close is not None:
                with anyio.CancelScope(shield=True):
                    await close()

    async def take(self) -> list[Buffer]:
        """The chunks pulled since the last take; none once the stream ended."""
        while not self.chunks and not self.done:
            await self._wait()
        chunks, self.chunks, self.size = self.chunks, [], 0
        self._changed.set()
        return chunks


@final
class Inbox:
    """What the process sends for one call: its reply, then a stream's items, at most ``size``
    waiting (:attr:`Supervisor.calls <.supervisor.Supervisor.calls>` holds it; the reader puts,
    the calling task takes).

    A memory object stream per call cost a checkpoint before each receive (one more step of
    the loop per call) and three objects to build; here a reply that is there is taken at
    once, and one that is not wakes its caller in one step.
    """

    __slots__ = ("_closed", "_items", "_size", "_wakeup")

    def __init__(self, size: int) -> None:
        self._items: deque[tuple[Message, bytes]] = deque()
        self._size = size
        self._closed = False
        self._wakeup: anyio.Event | None = None

    def send_nowait(self, item: tuple[Message, bytes]) -> None:
        """:raises anyio.WouldBlock: ``size`` items wait already.
        :raises anyio.ClosedResourceError: :meth:`close` was called."""
        if self._closed:
            raise anyio.ClosedResourceError
        if len(self._items) >= self._size:
            raise anyio.WouldBlock
        self._items.append(item)
        if self._wakeup is not None:
            self._wakeup.set()

    def close(self) -> None:
        """No more items (the process is gone): the receiver takes those waiting, then ends."""
        self._closed = True
        if self._wakeup is not None:
            self._wakeup.set()

    async def receive(self) -> tuple[Message, bytes]:
        """The next item.

        :raises anyio.EndOfStream: :meth:`close` was called and none is left.
        """
        while not self._items:
            if self._closed:
                raise anyio.EndOfStream
            self._wakeup = wakeup = anyio.Event()
            try:
                await wakeup.wait()
            finally:
                self._wakeup = None
        return self._items.popleft()


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
