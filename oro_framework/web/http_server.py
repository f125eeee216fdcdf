"""The bridge's HTTP/1.1 server: an ASGI 3 application served by the wire core
(:mod:`oro_framework.web.wire`, h11 and wsproto), whose limits it shares with the Conduit.

It replaced hypercorn (see docs/design.md, "The bridge"): measured on this machine, a bare
hypercorn "hello" app cost ~720 µs of CPU per keep-alive request against ~220 µs for h11 on
trio, and IPC pays that on every call. The bridge is served to one browser on loopback, so the
server needs only what that browser and the test kit use:

* HTTP/1.1 and 1.0 with keep-alive (an idle connection closes after ``idle_timeout``),
  ``Expect: 100-continue``, chunked bodies both ways; no HTTP/2 (a browser speaks it to
  loopback only over TLS).
* ASGI ``http``: the request body as it arrives (``receive`` reads the socket, so a slow app
  slows the client instead of buffering), ``http.disconnect`` once the client goes away; a
  long body declared by ``Content-Length`` is read past h11 (``_TAKEN_BODY_BYTES``).
  The response head waits for the first body message so that both leave in one write; large
  bodies go to the socket without being copied.
* ASGI ``websocket``: the handshake is answered when the app accepts (403 when it closes
  first), then the core's :class:`~oro_framework.web.wire.WebSocket` carries messages, within
  the same limits as the Conduit's (1009 past ``max_message_bytes``).

Like hypercorn, it swallows what the app sends after the client left, answers 500 to an app that
fails before starting its response, and drops the connection when one fails halfway.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final
from urllib.parse import unquote

import anyio
import anyio.abc
import h11

from oro_framework.web.asgi import ZERO_COPY_SEND
from oro_framework.web.wire import (
    ClientGoneError,
    Connection,
    FileSpan,
    WebSocket,
    WebSocketClosed,
    WebSocketHandshake,
    WireLimits,
    is_websocket_upgrade,
    open_tcp_listeners,
    serve_connections,
)

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

_ASGI: Final = {"version": "3.0", "spec_version": "2.4"}
_CLOSE_APP_FAILED: Final = 1011
_CLOSE_ABNORMAL: Final = 1006
# A body declared at least this long is read from the socket straight into the buffers handed to
# the app (HTTPProtocol.take_body), at most _TAKEN_PIECE_BYTES at a time: one copy of each byte
# by the kernel and one into the bytes object ASGI hands over, where h11 and the join made five.
# Shorter bodies usually arrive with their head, in one read, and stay with h11.
_TAKEN_BODY_BYTES: Final = 1024 * 1024
_TAKEN_PIECE_BYTES: Final = 8 * 1024 * 1024


def _taken_length(request: h11.Request) -> int | None:
    """The body length a request declares, when its body is to be taken (see above)."""
    length = None
    for name, value in request.headers:
        if name == b"transfer-encoding":
            return None  # chunked framing: h11 reads it
        if name == b"content-length":
            length = int(value)  # h11 checked that it is one decimal number
    return length if length is not None and length >= _TAKEN_BODY_BYTES else None


def _file_span(message: Message) -> FileSpan:
    """The span of ASGI's ``http.response.zerocopysend``."""
    fd = message["file"].fileno()
    offset = message.get("offset") or 0
    count = message.get("count")
    if count is None:
        count = os.fstat(fd).st_size - offset
    return FileSpan(fd, offset, count)


def _scope(connection: Connection, request: h11.Request, kind: str) -> dict[str, Any]:
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
        "client": connection.client,
        "server": connection.server,
        "extensions": {ZERO_COPY_SEND: {}} if kind == "http" else {},
    }


async def _serve_connection(app: ASGIApp, connection: Connection) -> None:
    """Requests one after another on one connection, each answered by ``app``."""
    while True:
        request = await connection.next_request()
        if request is None:
            return  # idle past the keep-alive timeout
        if is_websocket_upgrade(request):
            handshake = await connection.upgrade(request)
            if handshake is not None:
                await _ASGIWebSocket(app, connection, handshake).run()
            return
        if not await _Exchange(app, connection, request).run():
            return
        if not await connection.finish_cycle():
            return


class _Exchange:
    """One HTTP request and its response, as the ASGI app sees them."""

    def __init__(self, app: ASGIApp, connection: Connection, request: h11.Request) -> None:
        self.app = app
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
            await self.app(_scope(connection, self.request, "http"), self.receive, self.send)
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
            await connection.wait_until_client_leaves()
            return {"type": "http.disconnect"}
        http = connection.http
        if http.is_expecting_continue:
            await connection.write(http.continue_response())
        if http.taken is not None:
            return await self._receive_taken(b"")
        length = _taken_length(self.request)
        chunks: list[bytes | bytearray] = []
        # Every body event already read is handed over at once: a small body usually arrives
        # whole, and its end is then told with it, saving the app a second receive. h11 hands
        # each piece over as a bytearray it copied out already: the join below makes the one
        # bytes object ASGI asks for, without copying each piece once more before it. A body
        # to take begins with what h11 read with its head, and h11 reads no more of it.
        try:
            event = http.next_event() if length is not None else await connection.next_event()
            while isinstance(event, h11.Data):
                chunks.append(event.data)
                event = http.h11.next_event()
        except (ClientGoneError, h11.RemoteProtocolError):
            connection.client_gone = True
            return {"type": "http.disconnect"}
        body = b"".join(chunks)
        if event is h11.NEED_DATA and length is not None:
            http.take_body(length - len(body))
            return await self._receive_taken(body)
        if isinstance(event, h11.EndOfMessage):  # trailers, if any, are not part of ASGI
            self.body_complete = True
        elif event is not h11.NEED_DATA:
            connection.client_gone = True
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": body, "more_body": not self.body_complete}

    async def _receive_taken(self, start: bytes) -> Message:
        """The next piece of a body read past h11 (see ``_TAKEN_BODY_BYTES``), beginning with
        ``start``, what h11 held of it."""
        connection = self.connection
        http = connection.http
        size = min(len(start) + (http.taken or 0), _TAKEN_PIECE_BYTES)
        body = await connection.receive_taken(start, size)
        if body is None:
            return {"type": "http.disconnect"}
        self.body_complete = http.taken == 0
        return {"type": "http.request", "body": body, "more_body": not self.body_complete}

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if self.started or self.pending_start is not None:
                raise RuntimeError("http.response.start sent twice")
            self.pending_start = message
            return
        if kind == ZERO_COPY_SEND:
            body: Any = _file_span(message)
        elif kind == "http.response.body":
            body = message.get("body", b"")
        else:
            raise RuntimeError(f"unexpected ASGI message {kind!r} for an HTTP request")
        if self.complete:
            raise RuntimeError("http.response.body sent after the response was complete")
        http = self.connection.http
        pieces: list[Any] = []
        if not self.started:
            if self.pending_start is None:
                raise RuntimeError("http.response.body sent before http.response.start")
            start, self.pending_start = self.pending_start, None
            self.started = True
            pieces += http.response(int(start["status"]), start.get("headers", []))
        if len(body) and not self.is_head:
            pieces += http.encode(h11.Data(data=body))
        if not message.get("more_body", False):
            self.complete = True
            pieces += http.encode(h11.EndOfMessage())
        await self.connection.write(pieces)


class _ASGIWebSocket:
    """An ASGI ``websocket`` session on a handshake the core validated."""

    def __init__(self, app: ASGIApp, connection: Connection, handshake: WebSocketHandshake) -> None:
        self.app = app
        self.connection = connection
        self.handshake = handshake
        self.socket: WebSocket | None = None
        self.is_closed = False

    async def run(self) -> None:
        scope = _scope(self.connection, self.handshake.request, "websocket")
        scope["subprotocols"] = self.handshake.subprotocols
        try:
            await self.app(scope, self.receive, self.send)
        except Exception:
            logger.exception("error in the WebSocket app for %r", self.handshake.path)
            if self.socket is not None:
                await self.socket.aclose(_CLOSE_APP_FAILED)
        if not self.handshake.is_answered:
            await self.handshake.reject(403)
        elif self.socket is not None:
            await self.socket.aclose()

    async def receive(self) -> Message:
        if self.socket is None:
            if self.is_closed:
                return {"type": "websocket.disconnect", "code": _CLOSE_ABNORMAL, "reason": ""}
            return {"type": "websocket.connect"}
        try:
            message = await self.socket.get_message()
        except WebSocketClosed as closed:
            self.is_closed = True
            return {
                "type": "websocket.disconnect",
                "code": closed.code,
                "reason": closed.reason or "",
            }
        if isinstance(message, str):
            return {"type": "websocket.receive", "text": message}
        return {"type": "websocket.receive", "bytes": message}

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if self.socket is None and not self.is_closed:
            if kind == "websocket.accept":
                await self._accept(message)
            elif kind == "websocket.close":
                self.is_closed = True
                await self.handshake.reject(403)
            else:
                raise RuntimeError(f"{kind!r} sent before websocket.accept")
            return
        if self.socket is None or self.is_closed:
            return  # what an app sends after the close is dropped, as over HTTP
        if kind == "websocket.send":
            text = message.get("text")
            data = text if text is not None else message.get("bytes") or b""
            try:
                await self.socket.send_message(data)
            except WebSocketClosed:
                self.is_closed = True
        elif kind == "websocket.close":
            self.is_closed = True
            await self.socket.aclose(message.get("code", 1000), message.get("reason") or None)
        else:
            raise RuntimeError(f"unexpected ASGI message {kind!r} for a WebSocket")

    async def _accept(self, message: Message) -> None:
        try:
            self.socket = await self.handshake.accept(
                subprotocol=message.get("subprotocol"), headers=message.get("headers", [])
            )
        except WebSocketClosed:
            self.is_closed = True


async def serve_http(
    app: ASGIApp,
    *,
    host: str,
    port: int,
    backlog: int,
    limits: WireLimits,
    sock: socket.socket | None = None,
    task_status: anyio.abc.TaskStatus[int] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Serve ``app`` on ``host:port`` until cancelled; reports the bound port once listening.

    :param limits: what a client may make the server hold (headers, idle time, WebSocket
        messages...).
    :param sock: a socket already listening, served (and closed at the end) instead of binding
        ``host:port``.
    :raises OSError: the address cannot be bound.
    """
    if sock is None:
        listeners = await open_tcp_listeners(host, port, backlog=backlog)
    else:
        listeners = [await anyio.abc.SocketListener.from_socket(sock)]
    bound = listeners[0].extra(anyio.abc.SocketAttribute.local_port)

    async def handle(connection: Connection) -> None:
        await _serve_connection(app, connection)

    async with anyio.create_task_group() as task_group:
        await task_group.start(serve_connections, listeners, handle, limits)
        task_status.started(bound)
