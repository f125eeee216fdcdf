"""The routes on an open connection, the same for ``tcp.*``, ``tls.*`` and ``tls.server.*``:
writes in order, shutdown, reading with acknowledgements, socket options, addresses, close."""

from __future__ import annotations

import socket

from oro_framework import Request
from oro_tls.connections import Kind
from oro_tls.errors import no_socket
from oro_tls.routes_common import Handler, Reply, connection_of, read_id, sockets_of
from oro_tls.servers import Server

__all__ = [
    "apply_keep_alive",
    "apply_no_delay",
    "connection_routes",
    "keep_alive_route",
    "name_route",
    "no_delay_route",
]


def _write(kind: Kind) -> Handler:
    async def write(request: Request) -> Reply:
        """Write the body after the socket's writes before `order`; answers once the bytes are
        in the OS socket."""
        connection = connection_of(request, kind)
        order = request.params.require_int("order", minimum=0)
        written = await connection.write(order, request.body)
        return {"id": connection.id, "bytes": written}

    return write


def _shutdown(kind: Kind) -> Handler:
    async def shutdown(request: Request) -> Reply:
        """End the socket's writing side (FIN; TLS close_notify) after the writes before `order`."""
        connection = connection_of(request, kind)
        await connection.shutdown(request.params.require_int("order", minimum=0))
        return {"id": connection.id}

    return shutdown


def _ack(kind: Kind) -> Handler:
    async def ack(request: Request) -> Reply:
        """The page emitted `bytes` more of what the socket received: reading may go on."""
        connection = connection_of(request, kind)
        connection.acknowledge(request.params.require_int("bytes", minimum=0))
        return {"id": connection.id}

    return ack


def _read_start(kind: Kind) -> Handler:
    async def read_start(request: Request) -> Reply:
        """Send what socket `id` receives to its Conduit from now on (from `offset` on: what
        a Conduit that went away lost is sent again)."""
        connection = connection_of(request, kind)
        offset = request.params.get("offset")
        await sockets_of(request).start_reading(
            connection,
            None if offset is None else request.params.require_int("offset", minimum=0),
        )
        return {"id": connection.id}

    return read_start


def _read_stop(kind: Kind) -> Handler:
    async def read_stop(request: Request) -> Reply:
        """Stop reading socket `id`: no frame follows this answer until readStart."""
        connection = connection_of(request, kind)
        await connection.stop_reading()
        return {"id": connection.id}

    return read_stop


def apply_no_delay(raw: socket.socket, on: bool) -> None:
    """Nagle's algorithm off (``on``) or on for ``raw``."""
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, int(on))


_MAX_KEEP_ALIVE_IDLE_SECONDS = 32767
"""The longest first-probe delay the systems accept (Linux's MAX_TCP_KEEPIDLE); a longer one
is capped, as Node's setKeepAlive goes on silently when the system refuses it."""


def apply_keep_alive(raw: socket.socket, on: bool, delay_ms: int) -> None:
    """TCP keep-alive on or off for ``raw``, the first probe after ``delay_ms`` (capped)."""
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, int(on))
    idle = getattr(socket, "TCP_KEEPIDLE", getattr(socket, "TCP_KEEPALIVE", None))
    if on and delay_ms > 0 and idle is not None:
        seconds = min(max(1, delay_ms // 1000), _MAX_KEEP_ALIVE_IDLE_SECONDS)
        raw.setsockopt(socket.IPPROTO_TCP, idle, seconds)


def no_delay_route(kind: Kind) -> Handler:
    """The ``setNoDelay`` handler of ``kind`` sockets."""

    async def set_no_delay(request: Request) -> Reply:
        """Turn Nagle's algorithm off (`on`, default true) or on for socket `id`."""
        connection = connection_of(request, kind)
        apply_no_delay(connection.raw, request.params.get_bool("on", True))
        return {"id": connection.id}

    return set_no_delay


def keep_alive_route(kind: Kind) -> Handler:
    """The ``setKeepAlive`` handler of ``kind`` sockets."""

    async def set_keep_alive(request: Request) -> Reply:
        """Turn TCP keep-alive on or off (`on`), first probe after `delay` ms."""
        connection = connection_of(request, kind)
        params = request.params
        apply_keep_alive(
            connection.raw, params.get_bool("on"), params.get_int("delay", 0, minimum=0)
        )
        return {"id": connection.id}

    return set_keep_alive


def name_route(kind: Kind, *, peer: bool) -> Handler:
    """The ``getPeerName`` (``peer``) or ``getSockName`` handler of ``kind`` sockets."""

    async def name(request: Request) -> Reply:
        """The address, port and family of one end of socket (or server) `id`."""
        sockets = sockets_of(request)
        item = sockets.find(request.window, read_id(request))
        if isinstance(item, Server) and not peer and item.local is not None:
            return item.address()
        connection = connection_of(request, kind)
        address, port, family = connection.remote if peer else connection.local
        return {"id": connection.id, "address": address, "port": port, "family": family}

    name.__doc__ = (
        "The peer's address, port and family of socket `id`."
        if peer
        else "The local address, port and family of socket or server `id`."
    )
    return name


def _close(kind: Kind) -> Handler:
    async def close(request: Request) -> Reply:
        """Close socket or server `id` at once (Node's destroy); a socket's byte counts."""
        sockets = sockets_of(request)
        item_id = read_id(request)
        item = sockets.find(request.window, item_id)
        if item is None or item.kind != kind:
            raise no_socket(item_id, f"{kind} socket")
        sockets.close(item)
        if isinstance(item, Server):
            return {"id": item_id}
        return {"id": item_id, "bytesRead": item.bytes_read, "bytesWritten": item.bytes_written}

    return close


def connection_routes(kind: Kind, prefix: str) -> dict[str, Handler]:
    """The handlers every connection of ``kind`` has, named under ``prefix``."""
    return {
        f"{prefix}.write": _write(kind),
        f"{prefix}.shutdown": _shutdown(kind),
        f"{prefix}.ack": _ack(kind),
        f"{prefix}.readStart": _read_start(kind),
        f"{prefix}.readStop": _read_stop(kind),
        f"{prefix}.close": _close(kind),
    }
