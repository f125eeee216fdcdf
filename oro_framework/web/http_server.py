"""The bridge's HTTP/1.1 server: h11 and wsproto on trio, serving an ASGI 3 application.

It replaced hypercorn (see docs/design.md, "The HTTP server"): measured on this machine, a bare
hypercorn "hello" app cost ~720 µs of CPU per keep-alive request against ~220 µs for h11 on
trio, and IPC pays that on every call. The bridge is served to one browser on loopback, so the
server needs only what that browser and the test kit use:

* HTTP/1.1 and 1.0 with keep-alive (an idle connection closes after ``keep_alive_timeout``),
  ``Expect: 100-continue``, chunked bodies both ways; no HTTP/2 (a browser speaks it to
  loopback only over TLS).
* ASGI ``http``: the request body as it arrives (``receive`` reads the socket, so a slow app
  slows the client instead of buffering), ``http.disconnect`` once the client goes away.
  The response head waits for the first body message so that both leave in one write; large
  bodies go to the socket without being copied.
* ASGI ``websocket``: the handshake is answered when the app accepts (403 when it closes
  first), then wsproto frames messages.

Like hypercorn, it swallows what the app sends after the client left, answers 500 to an app that
fails before starting its response, and drops the connection when one fails halfway.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Awaitable, Callable, MutableMapping
from http import HTTPStatus
from typing import Any, Final
from urllib.parse import unquote

import anyio
import anyio.abc
import h11
import trio
import wsproto
import wsproto.connection
import wsproto.events
import wsproto.utilities

__all__ = ["ASGIApp", "serve_http"]

logger = logging.getLogger("oro_framework.server")

Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[Message]],
        Callable[[Message], Awaitable[None]],
    ],
    Awaitable[None],
]

_READ_BYTES: Final = 256 * 1024
# Below this a response's head and body are joined into one buffer (one write, one segment);
# above it each piece goes to the socket as it is, because the copy would cost more.
_JOIN_BYTES: Final = 256 * 1024
# An unread request body is discarded for at most this long, and this much, before a close.
_DISCARD_SECONDS: Final = 1.0
_DISCARD_BYTES: Final = 1024 * 1024
_ZERO_COPY_SEND: Final = "http.response.zerocopysend"
# Bytes per sendfile call: the socket takes what its buffer holds and the rest waits anyway.
_SENDFILE_BYTES: Final = 8 * 1024 * 1024
_ASGI: Final = {"version": "3.0", "spec_version": "2.4"}
_REASONS: Final = {status.value: status.phrase.encode() for status in HTTPStatus}


class _FileSpan:
    """Bytes of an open file, handed to h11 in place of data (it only counts them) and sent
    with sendfile (ASGI's ``http.response.zerocopysend``)."""

    def __init__(self, fd: int, offset: int, count: int) -> None:
        self.fd, self.offset, self.count = fd, offset, count

    @classmethod
    def of(cls, message: Message) -> _FileSpan:
        fd = message["file"].fileno()
        offset = message.get("offset") or 0
        count = message.get("count")
        if count is None:
            count = os.fstat(fd).st_size - offset
        return cls(fd, offset, count)

    def __len__(self) -> int:
        return self.count


class _ClientGone(Exception):
    """The socket broke or the client closed it."""


class _Connection:
    """One accepted socket: reads requests one after another and runs the app for each."""

    def __init__(
        self,
        app: ASGIApp,
        stream: trio.SocketStream,
        *,
        max_header_bytes: int,
        keep_alive_timeout: float,
    ) -> None:
        self.app = app
        self.stream = stream
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=max_header_bytes)
        self.keep_alive_timeout = keep_alive_timeout
        self.client_gone = False
        # Bytes of a next request that arrived while the current one was being answered
        # (a pipelining client): counted so that such a client cannot make us buffer forever.
        self.early_bytes = 0
        self.max_early_bytes = max_header_bytes
        sock = stream.socket
        self.client = _address(sock.getpeername())
        self.server = _address(sock.getsockname())

    async def run(self) -> None:
        try:
            while True:
                request = None
                with trio.move_on_after(self.keep_alive_timeout):
                    request = await self.next_event()
                if not isinstance(request, h11.Request):
                    return  # idle past the keep-alive timeout
                if _is_websocket_upgrade(request):
                    await _WebSocket(self, request).run()
                    return
                if not await _Exchange(self, request).run():
                    return
                if self.client_gone:
                    return
                await self.skip_unread_body()
                if self.h11.our_state is not h11.DONE or self.h11.their_state is not h11.DONE:
                    # The rest of the body would be read as the next request: the connection
                    # ends here, gently, so that the client gets to read the answer.
                    await self.close_unread()
                    return
                self.h11.start_next_cycle()
                self.early_bytes = 0
        except h11.RemoteProtocolError as error:
            await self.refuse_malformed(error)
        except _ClientGone:
            pass
        finally:
            await self.stream.aclose()

    async def skip_unread_body(self) -> None:
        """Read past what the app left of the request body (a refusal answered before the body
        arrived, a ``GET``'s end that an app never calling ``receive`` leaves unread), so that
        the connection can serve the next request. Bounded in time and size: past those the
        body stays unread and the connection is closed."""
        if self.h11.their_state is not h11.SEND_BODY:
            return  # the usual case, which needs no deadline
        skipped = 0
        with trio.move_on_after(_DISCARD_SECONDS):
            while self.h11.their_state is h11.SEND_BODY and skipped <= _DISCARD_BYTES:
                event = await self.next_event()
                if isinstance(event, h11.Data):
                    skipped += len(event.data)

    async def close_unread(self) -> None:
        """End a connection whose request body was not read: closing a socket with unread
        data makes the kernel reset it, and the client could lose the answer it was sent.
        The answer is followed by our end of the stream, and what still arrives is discarded
        for a moment (bounded in time and size) before the socket closes."""
        with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError):
            await self.stream.send_eof()
            discarded = 0
            with trio.move_on_after(_DISCARD_SECONDS):
                while discarded <= _DISCARD_BYTES:
                    data = await self.stream.receive_some(_READ_BYTES)
                    if not data:
                        return
                    discarded += len(data)

    async def next_event(self) -> Any:
        """The next h11 event, reading the socket as needed.

        :raises _ClientGone: the client closed the connection or it broke.
        """
        while True:
            event = self.h11.next_event()
            if event is h11.NEED_DATA:
                self.h11.receive_data(await self.receive_some())
                continue
            if isinstance(event, h11.ConnectionClosed):
                raise _ClientGone
            return event

    async def receive_some(self) -> bytes:
        try:
            return bytes(await self.stream.receive_some(_READ_BYTES))
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            return b""

    def encode(self, event: Any) -> list[Any]:
        """h11's bytes for ``event``, as pieces that are not copied together."""
        return self.h11.send_with_data_passthrough(event) or []

    async def write(self, pieces: list[Any]) -> None:
        """Send h11's output; a client that left makes this a no-op from then on."""
        if self.client_gone:
            return
        try:
            has_file = any(isinstance(piece, _FileSpan) for piece in pieces)
            if not has_file and sum(len(piece) for piece in pieces) <= _JOIN_BYTES:
                await self.stream.send_all(b"".join(pieces))
                return
            for piece in pieces:
                if isinstance(piece, _FileSpan):
                    await self.sendfile(piece)
                else:
                    await self.stream.send_all(piece)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            self.client_gone = True

    async def sendfile(self, span: _FileSpan) -> None:
        """Send ``span`` of a file from the kernel's page cache to the socket.

        :raises OSError: the file ended before the span did (it shrank while being sent).
        :raises trio.BrokenResourceError: the client went away.
        """
        sock = self.stream.socket
        offset, remaining = span.offset, span.count
        while remaining:
            try:
                sent = os.sendfile(sock.fileno(), span.fd, offset, min(remaining, _SENDFILE_BYTES))
            except BlockingIOError:
                await trio.lowlevel.wait_writable(sock)
                continue
            except (BrokenPipeError, ConnectionResetError) as error:
                raise trio.BrokenResourceError from error
            if sent == 0:
                raise OSError(f"file ended {remaining} bytes early while it was being sent")
            offset += sent
            remaining -= sent
        await trio.lowlevel.checkpoint()

    async def refuse_malformed(self, error: h11.RemoteProtocolError) -> None:
        """Answer a request h11 could not parse (400, or 431 for an oversized head), if a
        response can still be sent on this connection."""
        if self.h11.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return
        status = error.error_status_hint
        body = f"{status} {_REASONS.get(status, b'').decode()}\n".encode()
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
        try:
            pieces = self.encode(
                _response(status, [*headers, (b"content-length", str(len(body)).encode())])
            )
            pieces += self.encode(h11.Data(data=body))
            pieces += self.encode(h11.EndOfMessage())
        except h11.LocalProtocolError:
            return
        await self.write(pieces)

    def scope(self, request: h11.Request, kind: str) -> dict[str, Any]:
        target = bytes(request.target)
        raw_path, _, query = target.partition(b"?")
        return {
            "type": kind,
            "asgi": _ASGI,
            "http_version": request.http_version.decode("ascii"),
            "method": request.method.decode("ascii"),
            "scheme": "http" if kind == "http" else "ws",
            "path": unquote(raw_path.decode("latin-1")),
            "raw_path": raw_path,
            "query_string": query,
            "root_path": "",
            "headers": list(request.headers),
            "client": self.client,
            "server": self.server,
            "extensions": {_ZERO_COPY_SEND: {}} if kind == "http" else {},
        }


class _Exchange:
    """One HTTP request and its response, as the ASGI app sees them."""

    def __init__(self, connection: _Connection, request: h11.Request) -> None:
        self.connection = connection
        self.request = request
        self.is_head = request.method == b"HEAD"
        self.body_complete = False
        self.pending_start: Message | None = None
        self.started = False
        self.complete = False

    async def run(self) -> bool:
        """Run the app; whether the connection can serve another request."""
        connection = self.connection
        try:
            await connection.app(connection.scope(self.request, "http"), self.receive, self.send)
        except Exception:
            logger.exception("error answering %s %r", self.request.method, self.request.target)
            if self.started or connection.client_gone:
                return False
            self.pending_start = {
                "status": 500,
                "headers": [(b"content-length", b"0"), (b"connection", b"close")],
            }
            await self.send({"type": "http.response.body", "body": b""})
            return False
        if not self.complete:
            if not self.started and self.pending_start is None and not connection.client_gone:
                logger.error("no response to %s %r", self.request.method, self.request.target)
                self.pending_start = {"status": 500, "headers": [(b"content-length", b"0")]}
                await self.send({"type": "http.response.body", "body": b""})
            return False
        return True

    async def receive(self) -> Message:
        connection = self.connection
        if self.body_complete or connection.client_gone:
            await self._until_client_leaves()
            return {"type": "http.disconnect"}
        if connection.h11.they_are_waiting_for_100_continue:
            await connection.write(
                connection.encode(h11.InformationalResponse(status_code=100, headers=[]))
            )
        try:
            event = await connection.next_event()
        except (_ClientGone, h11.RemoteProtocolError):
            connection.client_gone = True
            return {"type": "http.disconnect"}
        chunks: list[bytes] = []
        # Every body event already read is handed over at once: a small body usually arrives
        # whole, and its end is then told with it, saving the app a second receive.
        try:
            while isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
                event = connection.h11.next_event()
        except h11.RemoteProtocolError:
            connection.client_gone = True
            return {"type": "http.disconnect"}
        if isinstance(event, h11.EndOfMessage):  # trailers, if any, are not part of ASGI
            self.body_complete = True
        elif event is not h11.NEED_DATA:
            connection.client_gone = True
            return {"type": "http.disconnect"}
        body = b"".join(chunks)
        return {"type": "http.request", "body": body, "more_body": not self.body_complete}

    async def _until_client_leaves(self) -> None:
        connection = self.connection
        while not connection.client_gone:
            data = await connection.receive_some()
            connection.early_bytes += len(data)
            if not data or connection.early_bytes > connection.max_early_bytes:
                connection.client_gone = True
                return
            connection.h11.receive_data(data)

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if self.started or self.pending_start is not None:
                raise RuntimeError("http.response.start sent twice")
            self.pending_start = message
            return
        if kind == _ZERO_COPY_SEND:
            body: Any = _FileSpan.of(message)
        elif kind == "http.response.body":
            body = message.get("body", b"")
        else:
            raise RuntimeError(f"unexpected ASGI message {kind!r} for an HTTP request")
        if self.complete:
            raise RuntimeError("http.response.body sent after the response was complete")
        pieces: list[Any] = []
        if not self.started:
            if self.pending_start is None:
                raise RuntimeError("http.response.body sent before http.response.start")
            start, self.pending_start = self.pending_start, None
            self.started = True
            pieces += self.connection.encode(
                _response(int(start["status"]), start.get("headers", []))
            )
        if len(body) and not self.is_head:
            pieces += self.connection.encode(h11.Data(data=body))
        if not message.get("more_body", False):
            self.complete = True
            pieces += self.connection.encode(h11.EndOfMessage())
        await self.connection.write(pieces)


class _WebSocket:
    """An ASGI ``websocket`` session over a connection h11 handed over after the upgrade."""

    def __init__(self, connection: _Connection, request: h11.Request) -> None:
        self.connection = connection
        self.request = request
        self.headers = {name: value for name, value in request.headers}
        self.socket = wsproto.connection.Connection(wsproto.connection.ConnectionType.SERVER)
        self.state = "connecting"  # then "open", then "closed"
        self.incoming: list[Message] = []
        self.parts: list[Any] = []

    async def run(self) -> None:
        scope = self.connection.scope(self.request, "websocket")
        protocols = self.headers.get(b"sec-websocket-protocol", b"").decode("latin-1")
        scope["subprotocols"] = [item.strip() for item in protocols.split(",") if item.strip()]
        # The upgrade request has no body; its end must be read before h11 lets us switch.
        if not isinstance(await self.connection.next_event(), h11.EndOfMessage):
            return
        try:
            await self.connection.app(scope, self.receive, self.send)
        except Exception:
            logger.exception("error in the WebSocket app for %r", self.request.target)
        if self.state == "connecting":
            await self._refuse()
        elif self.state == "open":
            await self._write(wsproto.events.CloseConnection(code=1011))

    async def receive(self) -> Message:
        if self.state == "connecting":
            return {"type": "websocket.connect"}
        while not self.incoming:
            if self.state == "closed":
                return {"type": "websocket.disconnect", "code": 1006}
            data = await self.connection.receive_some()
            self.socket.receive_data(data or None)
            for event in self.socket.events():
                await self._handle(event)
            if not data:
                self.state = "closed"
        return self.incoming.pop(0)

    async def _handle(self, event: wsproto.events.Event) -> None:
        if isinstance(event, wsproto.events.Message):
            self.parts.append(event.data)
            if event.message_finished:
                key = "text" if isinstance(event, wsproto.events.TextMessage) else "bytes"
                data = ("" if key == "text" else b"").join(self.parts)
                self.parts = []
                self.incoming.append({"type": "websocket.receive", key: data})
        elif isinstance(event, wsproto.events.Ping):
            await self._write(event.response())
        elif isinstance(event, wsproto.events.CloseConnection):
            if self.socket.state is wsproto.connection.ConnectionState.REMOTE_CLOSING:
                await self._write(event.response())
            self.state = "closed"
            self.incoming.append({"type": "websocket.disconnect", "code": event.code})

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if self.state == "connecting":
            if kind == "websocket.accept":
                await self._accept(message)
            elif kind == "websocket.close":
                await self._refuse()
            else:
                raise RuntimeError(f"{kind!r} sent before websocket.accept")
            return
        if self.state == "closed":
            return
        if kind == "websocket.send":
            text = message.get("text")
            if text is not None:
                await self._write(wsproto.events.TextMessage(data=text))
            else:
                await self._write(wsproto.events.BytesMessage(data=message.get("bytes") or b""))
        elif kind == "websocket.close":
            await self._write(
                wsproto.events.CloseConnection(
                    code=message.get("code", 1000), reason=message.get("reason") or None
                )
            )
            self.state = "closed"
        else:
            raise RuntimeError(f"unexpected ASGI message {kind!r} for a WebSocket")

    async def _accept(self, message: Message) -> None:
        key = self.headers.get(b"sec-websocket-key", b"")
        headers = [
            (b"upgrade", b"websocket"),
            (b"connection", b"Upgrade"),
            (b"sec-websocket-accept", wsproto.utilities.generate_accept_token(key)),
        ]
        if message.get("subprotocol"):
            headers.append((b"sec-websocket-protocol", message["subprotocol"].encode()))
        headers += list(message.get("headers", []))
        await self.connection.write(
            self.connection.encode(h11.InformationalResponse(status_code=101, headers=headers))
        )
        trailing, _ = self.connection.h11.trailing_data
        if trailing:
            self.socket.receive_data(trailing)
        self.state = "open"

    async def _refuse(self) -> None:
        self.state = "closed"
        pieces = self.connection.encode(
            _response(403, [(b"content-length", b"0"), (b"connection", b"close")])
        )
        pieces += self.connection.encode(h11.EndOfMessage())
        await self.connection.write(pieces)

    async def _write(self, event: wsproto.events.Event) -> None:
        try:
            data = self.socket.send(event)
        except wsproto.utilities.LocalProtocolError:
            self.state = "closed"
            return
        await self.connection.write([data])
        if self.connection.client_gone:
            self.state = "closed"


def _response(status: int, headers: Any) -> h11.Response:
    return h11.Response(status_code=status, headers=headers, reason=_REASONS.get(status, b""))


def _is_websocket_upgrade(request: h11.Request) -> bool:
    for name, value in request.headers:
        if name == b"upgrade" and value.lower() == b"websocket":
            return True
    return False


def _address(address: Any) -> tuple[str, int] | None:
    if isinstance(address, tuple) and len(address) >= 2:
        return str(address[0]), int(address[1])
    return None


async def serve_http(
    app: ASGIApp,
    *,
    host: str,
    port: int,
    backlog: int,
    keep_alive_timeout: float,
    max_header_bytes: int,
    task_status: anyio.abc.TaskStatus[int] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Serve ``app`` on ``host:port`` until cancelled; reports the bound port once listening.

    :raises OSError: the address cannot be bound.
    """
    listeners = await trio.open_tcp_listeners(port, host=host, backlog=backlog)
    bound = listeners[0].socket.getsockname()[1]

    async def handle(stream: trio.SocketStream) -> None:
        # An exception escaping a handler would stop trio.serve_listeners, and with it the app.
        try:
            connection = _Connection(
                app,
                stream,
                max_header_bytes=max_header_bytes,
                keep_alive_timeout=keep_alive_timeout,
            )
        except OSError:  # the client left before we could ask for its address
            await stream.aclose()
            return
        try:
            await connection.run()
        except Exception:
            logger.exception("connection from %s failed", connection.client)

    async with trio.open_nursery() as nursery:
        await nursery.start(trio.serve_listeners, handle, listeners)
        task_status.started(bound)
