"""The Conduit's WebSocket server side: wsproto's protocol on a trio socket, read by the task
that handles the connection.

trio-websocket, which served the Conduit before, reads every connection in a task of its own
and hands each message over through a channel: one more task switch per message, which cost
~45 µs of host CPU and ~65 µs of latency per echo on the machine issue 17 measured on (a ping
is ~450 µs end to end). Here :meth:`WebSocket.get_message` reads and parses the socket itself,
and concurrent senders take turns on a FIFO lock.

What the protocol needs is kept: a handshake deadline, answering pings, the close handshake
(bounded in time), messages past the size limit closed with 1009 and malformed frames with the
code wsproto names (1002, 1007).
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Final, final

import h11
import trio
from wsproto import ConnectionType, WSConnection
from wsproto.connection import Connection, ConnectionState
from wsproto.events import (
    AcceptConnection,
    BytesMessage,
    CloseConnection,
    Event,
    Message,
    Ping,
    RejectConnection,
    RejectData,
    Request,
    TextMessage,
)
from wsproto.utilities import LocalProtocolError, RemoteProtocolError

__all__ = ["ConnectionClosed", "Handshake", "WebSocket", "serve_websockets"]

logger = logging.getLogger("oro_conduit")

CLOSE_ABNORMAL: Final = 1006
CLOSE_TOO_BIG: Final = 1009


class ConnectionClosed(Exception):
    """The WebSocket is closed, by either side or because the socket broke (``code`` 1006)."""

    def __init__(self, code: int, reason: str | None = None) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


@final
class WebSocket:
    """An accepted connection. One task reads it (:meth:`get_message`); any task may send.

    :param max_message_bytes: a longer message closes the connection with 1009.
    :param close_timeout: how long :meth:`aclose` waits for the peer's close frame.
    """

    def __init__(
        self,
        stream: trio.SocketStream,
        protocol: Connection,
        *,
        receive_bytes: int,
        max_message_bytes: int,
        close_timeout: float,
    ) -> None:
        self._stream = stream
        self._protocol = protocol
        self._receive_bytes = receive_bytes
        self._max_message_bytes = max_message_bytes
        self._close_timeout = close_timeout
        self._send_lock = trio.StrictFIFOLock()
        self._messages: deque[bytes | str] = deque()
        self._parts: list[bytes | str] = []
        self._part_bytes = 0
        self._receiving: trio.Event | None = None
        self._closed: ConnectionClosed | None = None

    @property
    def closed(self) -> ConnectionClosed | None:
        """How the connection closed, ``None`` while it is open."""
        return self._closed

    async def get_message(self) -> bytes | str:
        """The next whole message (``str`` for a text message).

        :raises ConnectionClosed: the connection is closed (then or while waiting).
        """
        while not self._messages:
            if self._closed is not None:
                raise self._closed
            await self._receive()
        return self._messages.popleft()

    async def send_message(self, message: bytes | str) -> None:
        """Send one message, whole, after the messages other tasks are sending.

        :raises ConnectionClosed: the connection is closed.
        """
        event = TextMessage(data=message) if isinstance(message, str) else BytesMessage(message)
        await self._send(event)

    async def aclose(self, code: int = 1000, reason: str | None = None) -> None:
        """Close with ``code`` and ``reason`` and wait (bounded) for the peer to answer; a
        no-op when the connection is already closed."""
        if self._closed is not None:
            return
        with contextlib.suppress(ConnectionClosed):
            await self._send(CloseConnection(code=code, reason=reason))
        with trio.move_on_after(self._close_timeout):
            while self._closed is None:
                await self._receive()
        await self._finish(ConnectionClosed(code, reason))

    async def _receive(self) -> None:
        """Read and handle what the socket has; while another task is reading (the
        connection's reader, when :meth:`aclose` waits for the close answer), wait for it
        to have handled that instead: a socket has one reader at a time."""
        if self._receiving is not None:
            await self._receiving.wait()
            return
        self._receiving = trio.Event()
        try:
            try:
                data = await self._stream.receive_some(self._receive_bytes)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                data = b""
            if self._closed is not None:
                return
            try:
                self._protocol.receive_data(bytes(data) or None)
            except LocalProtocolError:  # data after the close handshake ended
                await self._finish(ConnectionClosed(CLOSE_ABNORMAL))
                return
            for event in self._protocol.events():
                await self._handle(event)
                if self._closed is not None:
                    return
        finally:
            self._receiving.set()
            self._receiving = None

    async def _handle(self, event: Event) -> None:
        if isinstance(event, Message):
            self._parts.append(event.data)
            self._part_bytes += len(event.data)
            if self._part_bytes > self._max_message_bytes:
                await self._close_now(CLOSE_TOO_BIG, "message too big")
            elif event.message_finished:
                parts, self._parts, self._part_bytes = self._parts, [], 0
                self._messages.append(_joined(parts))
        elif isinstance(event, Ping):
            with contextlib.suppress(ConnectionClosed):
                await self._send(event.response())
        elif isinstance(event, CloseConnection):
            if self._protocol.state is ConnectionState.REMOTE_CLOSING:
                with contextlib.suppress(ConnectionClosed):
                    await self._send(event.response())  # the close handshake's answer
                await self._finish(ConnectionClosed(event.code, event.reason))
            elif self._protocol.state is ConnectionState.OPEN:
                # wsproto could not parse a frame and names the code to close with.
                await self._close_now(event.code, event.reason)
            else:  # the peer answered our close, or the socket ended
                await self._finish(ConnectionClosed(event.code, event.reason))

    async def _close_now(self, code: int, reason: str | None) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self._send(CloseConnection(code=code, reason=reason))
        await self._finish(ConnectionClosed(code, reason))

    async def _send(self, event: Event) -> None:
        async with self._send_lock:
            if self._closed is not None:
                raise self._closed
            try:
                data = self._protocol.send(event)
            except LocalProtocolError:
                # Our close went out already: nothing but its answer may follow.
                raise ConnectionClosed(CLOSE_ABNORMAL, "closing") from None
            try:
                await self._stream.send_all(data)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                await self._finish(ConnectionClosed(CLOSE_ABNORMAL))
                raise ConnectionClosed(CLOSE_ABNORMAL) from None

    async def _finish(self, closed: ConnectionClosed) -> None:
        if self._closed is None:
            self._closed = closed
        await self._stream.aclose()


def _joined(parts: list[bytes | str]) -> bytes | str:
    if isinstance(parts[0], str):
        return "".join(part for part in parts if isinstance(part, str))
    if len(parts) == 1:
        return bytes(parts[0])  # wsproto may hand over a bytearray
    return b"".join(part for part in parts if not isinstance(part, str))


@final
class Handshake:
    """A client's upgrade request, to :meth:`accept` or :meth:`reject`.

    :ivar path: the request target (path and query).
    :ivar headers: the request's headers, names in lower case (``host`` and the
        ``sec-websocket-extensions``/``-protocol`` lists left out, as wsproto does).
    """

    def __init__(
        self,
        stream: trio.SocketStream,
        protocol: WSConnection,
        request: Request,
        *,
        receive_bytes: int,
        max_message_bytes: int,
        close_timeout: float,
    ) -> None:
        self.path = request.target
        self.headers = list(request.extra_headers)
        self._stream = stream
        self._protocol = protocol
        self._receive_bytes = receive_bytes
        self._max_message_bytes = max_message_bytes
        self._close_timeout = close_timeout
        self.socket: WebSocket | None = None
        self.answered = False

    async def accept(self) -> WebSocket:
        """Complete the upgrade.

        :raises ConnectionClosed: the client left meanwhile.
        """
        self.answered = True
        data = self._protocol.send(AcceptConnection())
        assert self._protocol.connection is not None  # set by the accept just sent
        self.socket = WebSocket(
            self._stream,
            self._protocol.connection,
            receive_bytes=self._receive_bytes,
            max_message_bytes=self._max_message_bytes,
            close_timeout=self._close_timeout,
        )
        try:
            await self._stream.send_all(data)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            await self.socket.aclose()
            raise ConnectionClosed(CLOSE_ABNORMAL) from None
        return self.socket

    async def reject(self, status: int, body: bytes = b"") -> None:
        """Answer with an HTTP ``status`` and a plain-text ``body`` instead of upgrading."""
        self.answered = True
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
        ]
        data = self._protocol.send(
            RejectConnection(status_code=status, headers=headers, has_body=True)
        )
        data += self._protocol.send(RejectData(data=body, body_finished=True))
        with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError):
            await self._stream.send_all(data)


Handler = Callable[[Handshake], Awaitable[None]]


async def serve_websockets(
    handler: Handler,
    listeners: list[trio.SocketListener],
    *,
    receive_bytes: int,
    max_message_bytes: int,
    handshake_timeout: float,
    close_timeout: float,
    task_status: trio.TaskStatus[list[trio.SocketListener]] = trio.TASK_STATUS_IGNORED,
) -> None:
    """Serve ``listeners`` until cancelled: each upgrade request that arrives within
    ``handshake_timeout`` goes to ``handler``, which accepts or rejects it (a request it
    leaves unanswered is rejected with 500). Malformed upgrade requests get wsproto's 4xx."""

    async def connection(stream: trio.SocketStream) -> None:
        try:
            handshake = await _read_handshake(
                stream,
                handshake_timeout,
                receive_bytes=receive_bytes,
                max_message_bytes=max_message_bytes,
                close_timeout=close_timeout,
            )
            if handshake is None:
                return
            try:
                await handler(handshake)
            except Exception:
                # One broken connection must not stop the server (trio.serve_listeners would).
                logger.exception("Conduit connection handler failed")
            if not handshake.answered:
                await handshake.reject(500, b"the Conduit could not answer\n")
            elif handshake.socket is not None:
                await handshake.socket.aclose()
        finally:
            await stream.aclose()

    await trio.serve_listeners(connection, listeners, task_status=task_status)


async def _read_handshake(
    stream: trio.SocketStream,
    seconds: float,
    *,
    receive_bytes: int,
    max_message_bytes: int,
    close_timeout: float,
) -> Handshake | None:
    protocol = WSConnection(ConnectionType.SERVER)
    with trio.move_on_after(seconds):
        while True:
            try:
                data = await stream.receive_some(receive_bytes)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                return None
            try:
                protocol.receive_data(bytes(data) or None)
                for event in protocol.events():
                    if isinstance(event, Request):
                        return Handshake(
                            stream,
                            protocol,
                            event,
                            receive_bytes=receive_bytes,
                            max_message_bytes=max_message_bytes,
                            close_timeout=close_timeout,
                        )
            except (RemoteProtocolError, h11.RemoteProtocolError) as error:
                await _refuse_malformed(stream, protocol, error)
                return None
            if not data:
                return None
    return None


async def _refuse_malformed(
    stream: trio.SocketStream, protocol: WSConnection, error: Exception
) -> None:
    hint = getattr(error, "event_hint", None)
    refusal = hint if isinstance(hint, RejectConnection) else RejectConnection(status_code=400)
    with contextlib.suppress(
        LocalProtocolError,
        h11.LocalProtocolError,
        trio.BrokenResourceError,
        trio.ClosedResourceError,
    ):
        await stream.send_all(protocol.send(refusal))
