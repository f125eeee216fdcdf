"""One connection of a page: ordered writes, and reading with credit.

Writes carry the page's ``order`` (0, 1, 2...) and run in it, whatever order their requests
arrive in, so the page can keep several in flight; each answers once its bytes are in the OS
socket, so a peer that does not read holds the page's writes back. Reading sends the page what
arrives, as Conduit frames, while the bytes it has not acknowledged stay within
``tcp.read_window_bytes``: beyond that the host stops reading and TCP makes the peer wait.
"""

from __future__ import annotations

import collections
import contextlib
import errno as errno_module
import json
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, Final, Literal, final

import anyio
from anyio.abc import ByteStream
from anyio.streams.tls import TLSAttribute, TLSStream

from oro_framework import ErrnoError, InvalidArgumentError, IPCError
from oro_tls.addresses import Endpoint

__all__ = ["MAX_SEQ_AHEAD", "READ_CHUNK", "Connection", "Deliver", "Kind", "error_frame"]

Kind = Literal["tcp", "tls"]
Deliver = Callable[[Mapping[str, Any], bytes], Awaitable[None]]
"""Sends one frame to the connection's page (options, payload)."""

READ_CHUNK: Final = 256 * 1024
MAX_SEQ_AHEAD: Final = 64
"""How far ahead of the next write a ``seq`` may be (the page keeps 4 in flight)."""


@final
class _Signal:
    """Wakes every task waiting for a change of state (one event per change)."""

    def __init__(self) -> None:
        self._event = anyio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = anyio.Event()

    async def wait(self) -> None:
        await self._event.wait()


@final
class Connection:
    """A connected TCP or TLS stream that belongs to page ``window``."""

    def __init__(
        self,
        connection_id: str,
        window: int | None,
        kind: Kind,
        stream: ByteStream,
        raw: socket.socket,
        *,
        endpoints: tuple[Endpoint, Endpoint],
        read_window: int,
    ) -> None:
        self.id = connection_id
        self.window = window
        self.kind = kind
        self.stream = stream
        self.raw = raw
        self.read_window = read_window
        self.local, self.remote = endpoints
        self.tls: dict[str, Any] | None = None
        """The TLS facts the page gets (``tls.connect``'s answer, a ``connection`` frame)."""
        self.bytes_read = 0
        self.bytes_written = 0
        self.closed = False
        self.ended = False
        """The peer ended its side (EOF): the page got the ``end`` frame."""
        self.shut = False
        """This side ended (``shutdown``): writes are refused."""
        self._next_seq = 0
        self._waiting: set[int] = set()
        self._abandoned: set[int] = set()
        self._turn = _Signal()
        self.reading = False
        self.unacked = 0
        self._unacknowledged: collections.deque[tuple[int, bytes]] = collections.deque()
        """What was sent to the page and not acknowledged yet, by offset: sent again after
        the page's Conduit reconnects (frames in flight on a closing socket are lost)."""
        self._last_frame: dict[str, Any] | None = None
        """The ``end`` or ``error`` frame once sent: sent again after those bytes, as it may
        have been lost with them."""
        self._credit = _Signal()
        self._send_lock = anyio.Lock()
        self.reader: anyio.CancelScope | None = None

    # ----------------------------------------------------------------------------------------
    # Writing, in the page's order
    # ----------------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def turn(self, seq: int) -> AsyncIterator[None]:
        """Wait until every write and shutdown before ``seq`` ran, then run this one.

        :raises InvalidArgumentError: ``seq`` already used, waiting, or too far ahead.
        """
        if seq < self._next_seq or seq in self._waiting or seq > self._next_seq + MAX_SEQ_AHEAD:
            raise InvalidArgumentError(
                f"order {seq} is not the next write of socket {self.id!r} "
                f"(next: {self._next_seq}, at most {MAX_SEQ_AHEAD} ahead, each once)",
                code="ERR_INVALID_ARG_VALUE",
                parameter="order",
            )
        self._waiting.add(seq)
        try:
            while self._next_seq != seq:
                await self._turn.wait()
        except BaseException:
            # A request cancelled while waiting (timeout, page gone) must not stall the
            # writes after it.
            self._abandoned.add(seq)
            raise
        finally:
            self._waiting.discard(seq)
        try:
            yield
        finally:
            self._next_seq += 1
            while self._next_seq in self._abandoned:
                self._abandoned.discard(self._next_seq)
                self._next_seq += 1
            self._turn.notify()

    async def write(self, seq: int, data: bytes) -> int:
        """Write ``data`` after the writes before ``seq``; the byte count once in the socket.

        :raises ErrnoError: ``EPIPE`` after shutdown or close, the system's error otherwise.
        """
        async with self.turn(seq):
            self._check_writable("write")
            try:
                await self.stream.send(data)
            except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError) as error:
                raise self._error(error, "write", errno_module.EPIPE) from None
            self.bytes_written += len(data)
            return len(data)

    async def shutdown(self, seq: int) -> None:
        """End this side after the writes before ``seq`` (FIN; for TLS close_notify first)."""
        async with self.turn(seq):
            if self.shut:
                return
            self._check_writable("shutdown")
            self.shut = True
            try:
                await self._send_eof()
            except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError) as error:
                raise self._error(error, "shutdown", errno_module.EPIPE) from None

    async def _send_eof(self) -> None:
        if self.kind == "tcp":
            await self.stream.send_eof()
            return
        # anyio's TLSStream cannot half-close; TLS can: send close_notify, keep reading what
        # the peer still sends, and end the TCP side.
        assert isinstance(self.stream, TLSStream)
        ssl_object = self.stream.extra(TLSAttribute.ssl_object)
        with contextlib.suppress(ssl.SSLError):
            ssl_object.unwrap()
        pending = self.stream._write_bio.read()
        if pending:
            await self.stream.transport_stream.send(pending)
        await self.stream.transport_stream.send_eof()

    def _check_writable(self, syscall: str) -> None:
        if self.closed or self.shut:
            raise ErrnoError.for_socket(errno_module.EPIPE, syscall, *self.remote[:2])

    def _error(self, error: BaseException, syscall: str, fallback: int) -> IPCError:
        """Node's error for a failed read or write: the system's, the TLS layer's, else
        ``fallback`` (EPIPE for writes, ECONNRESET for reads)."""
        cause = error.__cause__ if isinstance(error.__cause__, OSError) else error
        host, port = self.remote[:2]
        if isinstance(cause, ssl.SSLError):
            from oro_tls.verification import handshake_error

            return handshake_error(cause, host=host, port=port, handshaking=False)
        if isinstance(cause, OSError) and cause.errno:
            return ErrnoError.for_socket_error(cause, syscall, host, port)
        return ErrnoError.for_socket(fallback, syscall, host, port)

    # ----------------------------------------------------------------------------------------
    # Reading with credit
    # ----------------------------------------------------------------------------------------

    def start_reading(self) -> None:
        self.reading = True
        self._credit.notify()

    async def stop_reading(self) -> None:
        """Stop reading; returns once no frame is being sent, so none follows its answer."""
        self.reading = False
        async with self._send_lock:
            pass

    def acknowledge(self, count: int) -> None:
        """The page emitted ``count`` more bytes: that much credit comes back."""
        self.unacked = max(0, self.unacked - count)
        acknowledged = self.bytes_read - self.unacked
        while self._unacknowledged:
            start, data = self._unacknowledged[0]
            if start + len(data) > acknowledged:
                break
            self._unacknowledged.popleft()
        self._credit.notify()

    async def resend(self, deliver: Deliver, offset: int) -> None:
        """Send again what the page has not received from ``offset`` on (it asks after its
        Conduit reconnected), before any newer frame.

        An ``offset`` before what the page acknowledged is not an error: the page asked when
        its Conduit came back, went on handling frames that arrived on its event stream, and
        acknowledged them in requests that may overtake this one (requests run concurrently).
        It acknowledges only bytes it handled, so it has them; what follows is sent.

        :raises InvalidArgumentError: ``offset`` is past what was read.
        """
        if offset > self.bytes_read:
            raise InvalidArgumentError(
                f"offset {offset} is past the bytes read ({self.bytes_read})",
                code="ERR_OUT_OF_RANGE",
                parameter="offset",
            )
        async with self._send_lock:
            offset = max(offset, self.bytes_read - self.unacked)
            for start, data in list(self._unacknowledged):
                if start + len(data) <= offset:
                    continue
                skip = max(0, offset - start)
                await deliver({"event": "data", "offset": start + skip}, data[skip:])
            if self._last_frame is not None:
                await deliver(self._last_frame, b"")

    async def _wait_for_credit(self) -> None:
        while not self.reading or self.unacked >= self.read_window:
            await self._credit.wait()

    async def read_into(self, deliver: Deliver) -> None:
        """Send the page what the peer sends until it ends, fails or the connection closes."""
        while True:
            await self._wait_for_credit()
            try:
                data = await self.stream.receive(READ_CHUNK)
            except anyio.EndOfStream:
                self.ended = True
                self._last_frame = {"event": "end", "offset": self.bytes_read}
                await self._deliver(deliver, self._last_frame, b"")
                return
            except anyio.ClosedResourceError:
                return
            except (anyio.BrokenResourceError, ssl.SSLError, OSError) as error:
                if not self.closed:
                    failure = error_frame(self._error(error, "read", errno_module.ECONNRESET))
                    failure["offset"] = self.bytes_read
                    self._last_frame = failure
                    await self._deliver(deliver, failure, b"")
                    self.close()
                return
            offset = self.bytes_read
            self.bytes_read += len(data)
            self.unacked += len(data)
            self._unacknowledged.append((offset, data))
            await self._wait_for_credit_to_send()
            await self._deliver(deliver, {"event": "data", "offset": offset}, data)

    async def _wait_for_credit_to_send(self) -> None:
        # readStop may have come while the receive was waiting: the bytes wait for readStart.
        while not self.reading:
            await self._credit.wait()

    async def _deliver(self, deliver: Deliver, options: Mapping[str, Any], payload: bytes) -> None:
        async with self._send_lock:
            await deliver(options, payload)

    # ----------------------------------------------------------------------------------------
    # Closing
    # ----------------------------------------------------------------------------------------

    def close(self) -> None:
        """Close at once (Node's ``destroy()``): the reader stops, waiting writes fail."""
        if self.closed:
            return
        self.closed = True
        if self.reader is not None:
            self.reader.cancel()
        anyio.notify_closing(self.raw)
        self.raw.close()
        self._credit.notify()

    def endpoints(self) -> dict[str, Any]:
        """The connection's id and both ends, as the page's ``Socket`` reports them."""
        local, remote = self.local, self.remote
        return {
            "id": self.id,
            "localAddress": local[0],
            "localPort": local[1],
            "localFamily": local[2],
            "remoteAddress": remote[0],
            "remotePort": remote[1],
            "remoteFamily": remote[2],
        }

    def diagnostics(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "window": self.window,
            "remote": f"{self.remote[0]}:{self.remote[1]}",
            "bytesRead": self.bytes_read,
            "bytesWritten": self.bytes_written,
            "unacknowledged": self.unacked,
            "reading": self.reading,
        }


def error_frame(error: IPCError) -> dict[str, Any]:
    """The frame options of an error the page gets as an ``error`` event: ``code``,
    ``message``, ``errno``/``syscall`` when set, every other field as the JSON ``detail``."""
    fields = error.to_dict()
    options: dict[str, Any] = {"event": "error", "code": error.code, "message": error.message}
    for key in ("errno", "syscall"):
        if key in fields:
            options[key] = fields[key]
    detail = {key: value for key, value in fields.items() if key not in options}
    options["detail"] = json.dumps(detail, separators=(",", ":"))
    return options
