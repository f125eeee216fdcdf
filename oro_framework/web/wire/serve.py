"""Listening sockets served one task per connection: :func:`serve_connections` for any HTTP
server (the bridge's runs ASGI on it), :func:`serve_websockets` for a server of WebSockets only
(the Conduit)."""

from __future__ import annotations

import errno
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Final

import anyio
import anyio.abc
import h11

from oro_framework.web.wire.connection import Connection, WebSocketHandshake
from oro_framework.web.wire.http import ClientGoneError
from oro_framework.web.wire.limits import WireLimits

__all__ = [
    "ConnectionHandler",
    "HandshakeHandler",
    "open_tcp_listeners",
    "serve_connections",
    "serve_websockets",
]

logger = logging.getLogger("oro_framework.wire")

ConnectionHandler = Callable[[Connection], Awaitable[None]]
HandshakeHandler = Callable[[WebSocketHandshake], Awaitable[None]]

# accept() failing with these means the process or the system is out of descriptors or memory
# for now: waiting a moment serves the queued clients later, where raising would stop the server.
_ACCEPT_CAPACITY_ERRORS: Final = {errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.ENOBUFS}
_ACCEPT_RETRY_SECONDS: Final = 0.1


async def open_tcp_listeners(
    host: str, port: int, *, backlog: int = 4096
) -> list[anyio.abc.SocketListener]:
    """Listening TCP sockets on ``host:port`` (``port`` 0: a free one).

    :raises OSError: the address cannot be bound.
    """
    listener = await anyio.create_tcp_listener(local_host=host, local_port=port, backlog=backlog)
    return [item for item in listener.listeners if isinstance(item, anyio.abc.SocketListener)]


async def serve_connections(
    listeners: Sequence[anyio.abc.SocketListener],
    handle: ConnectionHandler,
    limits: WireLimits,
    *,
    task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Serve ``listeners`` until cancelled, then close them. Each accepted socket becomes a
    :class:`Connection` that ``handle`` serves in a task of its own; the socket is closed when
    ``handle`` returns. A request h11 cannot parse is answered 400 (431 for an oversized head)
    and ends the connection; anything else ``handle`` raises is logged, because one broken
    connection must not stop the server."""

    async def run(stream: anyio.abc.SocketStream) -> None:
        try:
            connection = Connection(stream, limits)
        except OSError:  # the client left before we could ask for its address
            await stream.aclose()
            return
        try:
            await handle(connection)
        except h11.RemoteProtocolError as error:
            await connection.refuse_malformed(error)
        except ClientGoneError:
            pass
        except Exception:
            logger.exception("connection from %s failed", connection.client)
        finally:
            await connection.aclose()

    async def accept(listener: anyio.abc.SocketListener, tasks: anyio.abc.TaskGroup) -> None:
        async with listener:
            while True:
                try:
                    stream = await listener.accept()
                except OSError as error:
                    if error.errno not in _ACCEPT_CAPACITY_ERRORS:
                        raise
                    logger.warning("cannot accept a connection for now: %s", error)
                    await anyio.sleep(_ACCEPT_RETRY_SECONDS)
                    continue
                tasks.start_soon(run, stream)

    async with anyio.create_task_group() as tasks:
        for listener in listeners:
            tasks.start_soon(accept, listener, tasks)
        task_status.started()


async def serve_websockets(
    listeners: Sequence[anyio.abc.SocketListener],
    handler: HandshakeHandler,
    limits: WireLimits,
    *,
    task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Serve WebSockets on ``listeners`` until cancelled.

    Each connection's first request must be a WebSocket handshake that arrives within
    ``limits.idle_timeout`` (anything else gets 400, 426 for another WebSocket version, 431 for
    an oversized head). ``handler`` gets it to accept or reject; one it leaves unanswered is
    rejected with 500, and once it returns the WebSocket is closed (the close handshake
    bounded by ``limits.close_timeout``).
    """

    async def handle(connection: Connection) -> None:
        request = await connection.next_request()
        if request is None:
            return
        handshake = await connection.upgrade(request)
        if handshake is None:
            return
        try:
            await handler(handshake)
        except Exception:
            logger.exception("WebSocket handler failed for %r", handshake.path)
        if not handshake.is_answered:
            await handshake.reject(500, b"the server could not answer\n")
        elif handshake.socket is not None:
            await handshake.socket.aclose()

    await serve_connections(listeners, handle, limits, task_status=task_status)
