"""The ``udp.*`` routes: their handlers and the table :func:`register` adds to the host. The
contract with the page's ``dgram`` is the route table in ``docs/udp.md``."""

from __future__ import annotations

import errno as errno_module
import re
import socket
from collections.abc import Awaitable, Callable
from typing import Any, Final

from oro_framework import ErrnoError, InvalidArgumentError, IPCError, Request, RouteGroup
from oro_udp import sockopts
from oro_udp.addresses import (
    MAX_DATAGRAM,
    SocketType,
    check_listen_address,
    default_peer,
    parse_port,
    parse_type,
    resolve,
    wildcard,
)
from oro_udp.errors import already_bound, is_connected, not_connected
from oro_udp.permissions import UDP
from oro_udp.service import UdpSockets
from oro_udp.sockets import BindOptions, UdpSocket
from oro_udp.state import STATE

__all__ = ["ROUTES"]

_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MAX_BATCH: Final = 1024
_MAX_BUFFER_SIZE: Final = 2**31 - 1

Reply = dict[str, Any]


def _sockets(request: Request) -> UdpSockets:
    return request.host.stash[STATE]


def _socket_id(request: Request) -> str:
    socket_id = request.params.require_str("id")
    if not _ID.fullmatch(socket_id):
        raise InvalidArgumentError.invalid("id", "1-64 characters of [A-Za-z0-9_-]")
    return socket_id


def _socket(request: Request) -> UdpSocket:
    """The page's socket ``id``, which must be open (the app not paused)."""
    sockets = _sockets(request)
    sock = sockets.get(request.window, _socket_id(request))
    sockets.require_running()
    return sock


def _bind_options(request: Request) -> BindOptions:
    params = request.params

    def size(name: str) -> int | None:
        if params.get(name) is None:
            return None
        return params.require_int(name, minimum=1, maximum=_MAX_BUFFER_SIZE)

    return BindOptions(
        reuse_addr=params.get_bool("reuseAddr"),
        reuse_port=params.get_bool("reusePort"),
        ipv6_only=params.get_bool("ipv6Only"),
        recv_buffer_size=size("recvBufferSize"),
        send_buffer_size=size("sendBufferSize"),
    )


async def _opened(
    request: Request,
    socket_id: str,
    kind: SocketType,
    address: str | None,
    port: int,
    options: BindOptions,
) -> UdpSocket:
    """A new socket of the page bound to ``address`` (``None``: where Node binds by default,
    loopback unless ``udp.allow_any_address``) and ``port``; not registered yet."""
    allow_any = _sockets(request).settings.allow_any_address
    if address is None:
        address = wildcard(kind, allow_any=allow_any)
    else:
        check_listen_address(address, port, "bind", allow_any=allow_any)
    sock = UdpSocket(socket_id, request.window, kind)
    await sock.open(address, port, options)
    return sock


async def _open(request: Request, socket_id: str, kind: SocketType, port: int) -> UdpSocket:
    """Bind a new socket for the page at the ``address`` parameter, else where Node binds."""
    sockets = _sockets(request)
    sockets.require_running()
    sockets.check_new(request.require_window(), socket_id)
    requested = request.params.get_str("address")
    address = await resolve(requested, kind) if requested else None
    sock = await _opened(request, socket_id, kind, address, port, _bind_options(request))
    sockets.register(sock)
    return sock


async def _bound(request: Request, address: str | None) -> UdpSocket:
    """The page's socket ``id``; one not bound yet is bound to port 0 first, as Node does (of
    the ``type`` parameter's family, else ``address``'s)."""
    socket_id = _socket_id(request)
    sockets = _sockets(request)
    sock = sockets.find(request.window, socket_id)
    sockets.require_running()
    if sock is not None:
        return sock
    kind = parse_type(request.params.get("type"), address)
    sockets.check_new(request.require_window(), socket_id)
    sock = await _opened(request, socket_id, kind, None, 0, BindOptions())
    if socket_id in sockets.sockets:  # bound by a concurrent request meanwhile: use that one
        sock.close_socket()
        return _socket(request)
    sockets.register(sock)
    return sock


# --------------------------------------------------------------------------------------------
# Binding and peers
# --------------------------------------------------------------------------------------------


async def bind(request: Request) -> Reply:
    """Make socket `id` and bind it to `port` (0: any) and `address`, with the `createSocket`
    options; Oro's `{id, port, event: "listening", family, address}` and the buffer sizes."""
    socket_id = _socket_id(request)
    kind = parse_type(request.params.get("type"), request.params.get_str("address"))
    port = parse_port(request.params.require("port"))
    if _sockets(request).find(request.window, socket_id) is not None:
        raise already_bound()
    sock = await _open(request, socket_id, kind, port)
    return {
        **sock.sock_name(),
        "event": "listening",
        "recvBufferSize": sock.buffer_size(socket.SO_RCVBUF),
        "sendBufferSize": sock.buffer_size(socket.SO_SNDBUF),
    }


async def connect(request: Request) -> Reply:
    """Associate socket `id` with `address`:`port`; binds it first if it is not bound."""
    port = parse_port(request.params.require("port"), allow_zero=False)
    requested = request.params.get_str("address")
    sock = await _bound(request, requested)
    if sock.peer is not None:
        raise is_connected()
    address = await resolve(requested or default_peer(sock.kind), sock.kind)
    await _sockets(request).check_reachable(
        request.window, address, port, name=requested, syscall="connect"
    )
    sock.connect(address, port)
    return sock.peer_name()


async def disconnect(request: Request) -> Reply:
    """End socket `id`'s association with its peer."""
    _socket(request).disconnect()
    return {"id": request.params["id"]}


async def get_sock_name(request: Request) -> Reply:
    """The local `{address, family, port}` of socket `id`."""
    return _socket(request).sock_name()


async def get_peer_name(request: Request) -> Reply:
    """The connected peer's `{address, family, port}` of socket `id`."""
    return _socket(request).peer_name()


async def get_state(request: Request) -> Reply:
    """Oro's `{bound, active, closed, closing, connected, ephemeral}` of socket `id`."""
    return _sockets(request).get(request.window, _socket_id(request)).state()


async def close(request: Request) -> Reply:
    """Close socket `id`; its port is free when this answers."""
    sockets = _sockets(request)
    sockets.close(sockets.get(request.window, _socket_id(request)))
    return {"id": request.params["id"]}


async def read_start(request: Request) -> Reply:
    """Datagrams of socket `id` go to the page's Conduit client `id` from now on."""
    sockets = _sockets(request)
    sockets.start_reading(_socket(request))
    return {"id": request.params["id"]}


async def read_stop(request: Request) -> Reply:
    """Stop delivering socket `id`'s datagrams to the page."""
    sockets = _sockets(request)
    sockets.stop_reading(sockets.get(request.window, _socket_id(request)))
    return {"id": request.params["id"]}


# --------------------------------------------------------------------------------------------
# Sending
# --------------------------------------------------------------------------------------------


async def _target(
    request: Request, sock: UdpSocket, port: Any, address: str | None
) -> tuple[str, int] | None:
    """Where a datagram goes: ``None`` for the connected peer (checked when it connected),
    else the address ``address`` resolves to, once the page may reach it."""
    if sock.peer is not None:
        if port is not None:
            raise is_connected()
        return None
    if port is None:
        raise not_connected()
    number = parse_port(port, allow_zero=False)
    ip = await resolve(address or default_peer(sock.kind), sock.kind)
    await _sockets(request).check_reachable(
        request.window, ip, number, name=address, syscall="send"
    )
    return ip, number


def _check_size(sock: UdpSocket, data: bytes, target: tuple[str, int] | None) -> None:
    if len(data) > MAX_DATAGRAM[sock.kind]:
        address, port = target if target is not None else (sock.peer or (None, None))
        raise ErrnoError.for_socket(errno_module.EMSGSIZE, "send", address, port)


async def send(request: Request) -> Reply:
    """Send the body as one datagram to `port`/`address`, or to the peer; `ephemeral` sends
    from a socket made for it and closed after it."""
    params = request.params
    socket_id = _socket_id(request)
    if params.get_bool("ephemeral") and _sockets(request).find(request.window, socket_id) is None:
        return await _send_ephemeral(request, socket_id)
    address = params.get_str("address")
    sock = await _bound(request, address)
    target = await _target(request, sock, params.get("port"), address)
    _check_size(sock, request.body, target)
    sent = await sock.send(request.body, target)
    return {"id": socket_id, "status": 0, "bytes": sent}


async def _send_ephemeral(request: Request, socket_id: str) -> Reply:
    params = request.params
    _sockets(request).require_running()
    kind = parse_type(params.get("type"), params.get_str("address"))
    sock = await _opened(request, socket_id, kind, None, 0, BindOptions())
    sock.ephemeral = True
    try:
        target = await _target(request, sock, params.get("port"), params.get_str("address"))
        _check_size(sock, request.body, target)
        sent = await sock.send(request.body, target)
    finally:
        sock.close_socket()
    return {"id": socket_id, "status": 0, "bytes": sent}


def _int_list(request: Request, name: str, length: int | None = None) -> list[int] | None:
    value = request.params.get(name)
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or not all(isinstance(item, int) and not isinstance(item, bool) for item in value)
        or (length is not None and len(value) != length)
    ):
        expected = "a list of integers" + ("" if length is None else f" of length {length}")
        raise InvalidArgumentError.invalid(name, expected)
    return value


async def send_many(request: Request) -> Reply:
    """Send the body as datagrams of `sizes` bytes, in order, each to `ports[i]`/`addresses[i]`
    or to the peer; one result (byte count or error) per datagram."""
    params = request.params
    sizes = _int_list(request, "sizes")
    if sizes is None:
        raise InvalidArgumentError.missing("sizes")
    if not 0 < len(sizes) <= _MAX_BATCH or min(sizes) < 0 or sum(sizes) != len(request.body):
        raise InvalidArgumentError.invalid(
            "sizes", f"1-{_MAX_BATCH} lengths adding up to the body's {len(request.body)} bytes"
        )
    ports = _int_list(request, "ports", len(sizes))
    addresses = params.get("addresses")
    if addresses is not None and (
        not isinstance(addresses, list)
        or len(addresses) != len(sizes)
        or not all(item is None or isinstance(item, str) for item in addresses)
    ):
        raise InvalidArgumentError.invalid("addresses", f"a list of {len(sizes)} strings")
    sock = await _bound(request, next((a for a in addresses or () if a), None))
    results: list[int | dict[str, Any]] = []
    view = memoryview(request.body)
    offset = 0
    for index, size in enumerate(sizes):
        data = bytes(view[offset : offset + size])
        offset += size
        try:
            port = None if ports is None else ports[index]
            address = None if addresses is None else addresses[index]
            target = await _target(request, sock, port, address)
            _check_size(sock, data, target)
            results.append(await sock.send(data, target))
        except IPCError as error:
            results.append(error.to_dict())
    return {"id": sock.id, "results": results}


# --------------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------------


async def set_broadcast(request: Request) -> Reply:
    """SO_BROADCAST (`on`) on socket `id`: may it send to broadcast addresses."""
    sock = _socket(request)
    level, option = sockopts.broadcast()
    sock.set_option("setBroadcast", level, option, int(request.params.require_bool("on")))
    return {"id": sock.id}


def _set_hops(
    syscall: str, option: Callable[[SocketType], sockopts.SockOpt], minimum: int
) -> Callable[[Request], Awaitable[Reply]]:
    async def handler(request: Request) -> Reply:
        sock = _socket(request)
        value = request.params.require_int("ttl")
        if not minimum <= value <= 255:
            raise ErrnoError.for_socket(errno_module.EINVAL, syscall)
        level, number = option(sock.kind)
        sock.set_option(syscall, level, number, value)
        return {"id": sock.id}

    handler.__doc__ = f"{syscall}(`ttl` {minimum}-255) on socket `id`."
    return handler


async def set_multicast_loopback(request: Request) -> Reply:
    """Whether socket `id`'s multicast datagrams loop back to this machine (`on`)."""
    sock = _socket(request)
    level, option = sockopts.multicast_loop(sock.kind)
    sock.set_option("setMulticastLoopback", level, option, int(request.params.require_bool("on")))
    return {"id": sock.id}


async def set_ipv6_only(request: Request) -> Reply:
    """IPV6_V6ONLY (`on`) on udp6 socket `id`."""
    sock = _socket(request)
    if sock.kind != "udp6":
        raise ErrnoError.for_socket(errno_module.EINVAL, "setIPv6Only")
    value = int(request.params.require_bool("on"))
    sock.set_option("setIPv6Only", socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, value)
    return {"id": sock.id}


async def set_multicast_interface(request: Request) -> Reply:
    """The interface socket `id` sends multicast datagrams from (`interface`)."""
    sock = _socket(request)
    interface = request.params.require_str("interface")
    (level, option), value = sockopts.multicast_interface(sock.kind, interface)
    sock.set_option("setMulticastInterface", level, option, value)
    return {"id": sock.id}


def _interface(request: Request, sock: UdpSocket, syscall: str) -> str:
    """The interface to join on: the one named, else loopback (or the system's choice when
    pages may listen beyond loopback)."""
    allow_any = _sockets(request).settings.allow_any_address
    interface = request.params.get_str("interface")
    if sock.kind == "udp6":
        if interface is None:
            return "0" if allow_any else str(sockopts.loopback_interface_index())
        index = sockopts.interface_index(interface, syscall)
        if not allow_any and index != sockopts.loopback_interface_index():
            raise ErrnoError.for_socket(errno_module.EACCES, syscall, interface)
        return str(index)
    if interface is None:
        return "0.0.0.0" if allow_any else "127.0.0.1"
    check_listen_address(interface, None, syscall, allow_any=allow_any)
    return interface


def _membership(syscall: str, join: bool) -> Callable[[Request], Awaitable[Reply]]:
    async def handler(request: Request) -> Reply:
        sock = _socket(request)
        group = request.params.require_str("address")
        interface = _interface(request, sock, syscall)
        level, options, mreq = sockopts.membership(sock.kind, group, interface, syscall)
        sock.change_membership(syscall, level, options, mreq, join)
        return {"id": sock.id}

    handler.__doc__ = f"{syscall}(`address`, `interface`) on socket `id`."
    return handler


def _source_membership(syscall: str, join: bool) -> Callable[[Request], Awaitable[Reply]]:
    async def handler(request: Request) -> Reply:
        sock = _socket(request)
        source = request.params.require_str("source")
        group = request.params.require_str("address")
        interface = _interface(request, sock, syscall)
        level, options, mreq = sockopts.source_membership(
            sock.kind, source, group, interface, syscall
        )
        sock.change_membership(syscall, level, options, mreq, join)
        return {"id": sock.id}

    handler.__doc__ = f"{syscall}(`source`, `address`, `interface`) on socket `id`."
    return handler


def _buffer_size(option: int, *, setter: bool) -> Callable[[Request], Awaitable[Reply]]:
    async def handler(request: Request) -> Reply:
        sock = _socket(request)
        if setter:
            size = request.params.require_int("size", minimum=1, maximum=_MAX_BUFFER_SIZE)
            return {"id": sock.id, "size": sock.set_buffer_size(option, size)}
        return {"id": sock.id, "size": sock.buffer_size(option)}

    kind = "receive" if option == socket.SO_RCVBUF else "send"
    handler.__doc__ = (
        f"Set the {kind} buffer of socket `id` to `size`; the size the system applied."
        if setter
        else f"The {kind} buffer size of socket `id`."
    )
    return handler


async def capabilities(request: Request) -> Reply:
    """What this system's sockets can do."""
    return {
        "multicast": True,
        "broadcast": True,
        "ipv6only": hasattr(socket, "IPV6_V6ONLY"),
        "ssm": sockopts.ssm_supported("udp4"),
        "reusePort": hasattr(socket, "SO_REUSEPORT"),
    }


ROUTES: Final = RouteGroup.guarded(
    UDP,
    handlers={
        "udp.bind": bind,
        "udp.connect": connect,
        "udp.disconnect": disconnect,
        "udp.getSockName": get_sock_name,
        "udp.getPeerName": get_peer_name,
        "udp.getState": get_state,
        "udp.close": close,
        "udp.readStart": read_start,
        "udp.readStop": read_stop,
        "udp.send": send,
        "udp.sendMany": send_many,
        "udp.setBroadcast": set_broadcast,
        "udp.setTTL": _set_hops("setTTL", sockopts.ttl, 1),
        "udp.setMulticastTTL": _set_hops("setMulticastTTL", sockopts.multicast_ttl, 0),
        "udp.setMulticastLoopback": set_multicast_loopback,
        "udp.setMulticastInterface": set_multicast_interface,
        "udp.setIPv6Only": set_ipv6_only,
        "udp.addMembership": _membership("addMembership", True),
        "udp.dropMembership": _membership("dropMembership", False),
        "udp.addSourceSpecificMembership": _source_membership("addSourceSpecificMembership", True),
        "udp.dropSourceSpecificMembership": _source_membership(
            "dropSourceSpecificMembership", False
        ),
        "udp.setRecvBufferSize": _buffer_size(socket.SO_RCVBUF, setter=True),
        "udp.setSendBufferSize": _buffer_size(socket.SO_SNDBUF, setter=True),
        "udp.getRecvBufferSize": _buffer_size(socket.SO_RCVBUF, setter=False),
        "udp.getSendBufferSize": _buffer_size(socket.SO_SNDBUF, setter=False),
        "udp.capabilities": capabilities,
    },
)
"""Every ``udp.*`` route, guarded by ``udp`` (``[permissions] allow_udp``)."""
