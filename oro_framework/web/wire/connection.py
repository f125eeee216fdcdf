"""One accepted socket's HTTP side, driven: :class:`Connection` reads what the sans-IO
:class:`~oro_framework.web.wire.http.HTTPProtocol` asks for and writes what it hands out, within
the server's :class:`~oro_framework.web.wire.WireLimits`; :class:`WebSocketHandshake` turns a
request into a :class:`~oro_framework.web.wire.session.WebSocket` or refuses it."""

from __future__ import annotations

import contextlib
import mmap
import os
from collections.abc import Iterable
from typing import Any, Final, final

import anyio
import anyio.abc
import h11
from anyio.abc import SocketAttribute

from oro_framework.web.wire.http import (
    FileSpan,
    HTTPProtocol,
    subprotocols,
    websocket_refusal,
)
from oro_framework.web.wire.limits import WireLimits
from oro_framework.web.wire.session import WebSocket
from oro_framework.web.wire.streams import receive_some
from oro_framework.web.wire.websocket import CLOSE_ABNORMAL, WebSocketClosed, WebSocketProtocol

__all__ = ["Connection", "WebSocketHandshake"]

# Below this a response's head and body are joined into one buffer (one write, one segment);
# above it each piece goes to the socket as it is, because the copy would cost more.
_JOIN_BYTES: Final = 256 * 1024
# Bytes per sendfile call: the socket takes what its buffer holds and the rest waits anyway.
_SENDFILE_BYTES: Final = 8 * 1024 * 1024
_GONE: Final = (anyio.BrokenResourceError, anyio.ClosedResourceError)


@final
class Connection:
    """An accepted socket serving HTTP/1.1 requests one after another.

    :ivar client: the client's ``(host, port)``.
    :ivar server: our ``(host, port)``.
    :ivar client_gone: set once a write failed or the client ended the connection: writes are
        no-ops from then on.
    :raises OSError: the client left before its address could be read.
    """

    def __init__(self, stream: anyio.abc.SocketStream, limits: WireLimits) -> None:
        self.stream = stream
        self.limits = limits
        self.http = HTTPProtocol(limits)
        self.client_gone = False
        self._intake: mmap.mmap | None = None
        self.client = _address(stream.extra(SocketAttribute.remote_address))
        self.server = _address(stream.extra(SocketAttribute.local_address))

    async def next_request(self) -> h11.Request | None:
        """The next request's head; ``None`` when none arrived within ``idle_timeout``.

        :raises ClientGoneError: the client closed the connection.
        :raises h11.RemoteProtocolError: what arrived is not an HTTP/1.1 request.
        """
        with anyio.move_on_after(self.limits.idle_timeout):
            event = await self.next_event()
            if isinstance(event, h11.Request):
                return event
        return None

    async def next_event(self) -> Any:
        """The next h11 event, reading the socket as needed.

        :raises ClientGoneError: the client closed the connection or it broke.
        :raises h11.RemoteProtocolError: the client broke the protocol.
        """
        http = self.http
        while True:
            event = http.next_event()
            if event is h11.NEED_DATA:
                http.receive_data(await self.receive_some())
                continue
            return event

    async def receive_some(self) -> bytes:
        """What the socket has, up to ``receive_bytes``; ``b""`` once the client is gone."""
        return await receive_some(self.stream, self.limits.receive_bytes)

    async def receive_taken(self, start: bytes, size: int) -> bytes | None:
        """The next ``size`` bytes of a body the protocol let the caller take (see
        :meth:`HTTPProtocol.take_body`), beginning with ``start`` (bytes h11 held), read
        straight from the socket; ``None`` when the client left first."""
        # One buffer per connection, kept while its requests take bodies: a new one of
        # megabytes costs a page fault per page, more than the copy out of it. An anonymous
        # mapping rather than a bytearray: its pages are memory only once bytes land in them,
        # so a client that declares a long body and sends little is not given the whole.
        if self._intake is None or len(self._intake) < size:
            self._intake = mmap.mmap(-1, size)
        sock = self.stream.extra(SocketAttribute.raw_socket)
        with memoryview(self._intake)[:size] as view:
            view[: len(start)] = start
            filled = len(start)
            while filled < size:
                try:
                    count = sock.recv_into(view[filled:])
                except BlockingIOError:
                    await anyio.wait_readable(sock)
                    continue
                except OSError:
                    count = 0
                if not count:
                    self.client_gone = True
                    return None
                filled += count
            body = bytes(view)
        self.http.took(size - len(start))
        # A client that sends as fast as it is read never made the loop wait: others' turn.
        await anyio.lowlevel.checkpoint()
        return body

    async def wait_until_client_leaves(self) -> None:
        """Read ahead (bounded, see :meth:`HTTPProtocol.receive_early`) until the client goes
        away: how a finished request learns that its client left."""
        sock = self.stream.extra(SocketAttribute.raw_socket)
        while not self.client_gone:
            # Waited for here rather than in receive: this wait is cancelled on every IPC call
            # (the response is complete), and anyio's receive re-raises a cancellation from a
            # frame its traceback keeps alive, a reference cycle per call that the cyclic GC
            # then ran ~70 times as often to free.
            await anyio.wait_readable(sock)
            if not self.http.receive_early(await self.receive_some()):
                self.client_gone = True

    async def write(self, pieces: list[Any]) -> None:
        """Send the protocol's output; a client that left makes this a no-op from then on."""
        if self.client_gone or not pieces:
            return
        try:
            has_file = any(type(piece) is FileSpan for piece in pieces)
            if not has_file and sum(len(piece) for piece in pieces) <= _JOIN_BYTES:
                await self.stream.send(b"".join(pieces))
                return
            for piece in pieces:
                if type(piece) is FileSpan:
                    await self._sendfile(piece)
                else:
                    await self.stream.send(piece)
        except _GONE:
            self.client_gone = True

    async def _sendfile(self, span: FileSpan) -> None:
        """Send ``span`` of a file from the kernel's page cache to the socket.

        :raises OSError: the file ended before the span did (it shrank while being sent).
        :raises anyio.BrokenResourceError: the client went away.
        """
        sock = self.stream.extra(SocketAttribute.raw_socket)
        offset, remaining = span.offset, span.count
        while remaining:
            try:
                sent = os.sendfile(sock.fileno(), span.fd, offset, min(remaining, _SENDFILE_BYTES))
            except BlockingIOError:
                await anyio.wait_writable(sock)
                continue
            except (BrokenPipeError, ConnectionResetError) as error:
                raise anyio.BrokenResourceError from error
            if sent == 0:
                raise OSError(f"file ended {remaining} bytes early while it was being sent")
            offset += sent
            remaining -= sent
        await anyio.lowlevel.checkpoint()

    async def finish_cycle(self) -> bool:
        """After a response: make the connection ready for the next request, or end it;
        whether it is ready."""
        if self.client_gone:
            return False
        await self._skip_unread_body()
        if self.http.taken is None:
            self._intake = None  # this request's body was not taken: the next one's may not be
        if not self.http.is_reusable:
            # The rest of the body would be read as the next request: the connection ends
            # here, gently, so that the client gets to read the answer.
            await self._close_unread()
            return False
        self.http.start_next_cycle()
        return True

    async def _skip_unread_body(self) -> None:
        """Read past what the app left of the request body (a refusal answered before the body
        arrived, a body an app never read), so that the connection can serve the next request.
        Bounded in time and size: past those the body stays unread and the connection ends."""
        if not self.http.is_receiving_body:
            return  # the usual case, which needs no deadline
        skipped = 0
        with anyio.move_on_after(self.limits.discard_timeout):
            while self.http.is_receiving_body and skipped <= self.limits.discard_bytes:
                event = await self.next_event()
                if isinstance(event, h11.Data):
                    skipped += len(event.data)

    async def _close_unread(self) -> None:
        """End a connection whose request body was not read: closing a socket with unread data
        makes the kernel reset it, and the client could lose the answer it was sent. Our end
        of the stream follows the answer, and what still arrives is discarded for a moment
        (bounded in time and size) before the socket closes."""
        with contextlib.suppress(*_GONE):
            await self.stream.send_eof()
            discarded = 0
            with anyio.move_on_after(self.limits.discard_timeout):
                while discarded <= self.limits.discard_bytes:
                    data = await self.receive_some()
                    if not data:
                        return
                    discarded += len(data)

    async def refuse_malformed(self, error: h11.RemoteProtocolError) -> None:
        """Answer a request h11 could not parse (400, or 431 for an oversized head), if a
        response can still be sent on this connection."""
        await self.write(self.http.refusal_of(error))

    async def upgrade(self, request: h11.Request) -> WebSocketHandshake | None:
        """The WebSocket handshake ``request`` opens; ``None`` when it is no valid handshake
        (it is then answered with 400, or 426 for another WebSocket version).

        :raises ClientGoneError: the client left.
        """
        refusal = websocket_refusal(request)
        if refusal is None:
            # The request has no body (websocket_refusal checked), so its end is already here;
            # h11 switches protocols only after it.
            await self.next_event()
            return WebSocketHandshake(self, request)
        body = f"{refusal.reason}\n".encode()
        await self.write(self.http.complete_response(refusal.status, body, refusal.headers))
        return None

    async def aclose(self) -> None:
        await self.stream.aclose()


@final
class WebSocketHandshake:
    """A client's WebSocket opening handshake, valid and read whole, to :meth:`accept` or
    :meth:`reject`.

    :ivar request: the request as h11 parsed it.
    :ivar path: the request target (path and query), as sent.
    :ivar headers: the request's headers, names in lower case.
    :ivar subprotocols: the subprotocols the client offers.
    :ivar socket: the WebSocket, once accepted.
    :ivar is_answered: whether it was accepted or rejected.
    """

    def __init__(self, connection: Connection, request: h11.Request) -> None:
        self._connection = connection
        self.request = request
        self.path = bytes(request.target).decode("latin-1")
        self.headers: list[tuple[bytes, bytes]] = list(request.headers)
        self.subprotocols = subprotocols(request)
        self.socket: WebSocket | None = None
        self.is_answered = False

    async def accept(
        self, *, subprotocol: str | None = None, headers: Iterable[tuple[bytes, bytes]] = ()
    ) -> WebSocket:
        """Complete the upgrade (``101 Switching Protocols``).

        :param subprotocol: the one of :attr:`subprotocols` chosen.
        :param headers: more headers for the ``101``.
        :raises WebSocketClosed: the client left meanwhile.
        """
        connection = self._connection
        self.is_answered = True
        pieces, early = connection.http.accept_websocket(self.request, subprotocol, headers)
        socket = WebSocket(
            connection.stream, WebSocketProtocol(connection.limits), connection.limits
        )
        self.socket = socket
        await connection.write(pieces)
        if connection.client_gone:
            await socket.abort()
            raise WebSocketClosed(CLOSE_ABNORMAL)
        if early:
            await socket.receive_early(early)
        return socket

    async def reject(
        self, status: int, body: bytes = b"", headers: Iterable[tuple[bytes, bytes]] = ()
    ) -> None:
        """Answer with HTTP ``status`` and a ``body`` (plain text unless ``headers`` give a
        ``content-type``) instead of upgrading; the connection then closes."""
        self.is_answered = True
        with contextlib.suppress(h11.LocalProtocolError):
            pieces = self._connection.http.complete_response(status, body, headers)
            await self._connection.write(pieces)


def _address(address: Any) -> tuple[str, int] | None:
    if isinstance(address, tuple) and len(address) >= 2:
        return str(address[0]), int(address[1])
    return None
