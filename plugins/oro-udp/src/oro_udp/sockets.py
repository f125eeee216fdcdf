"""One UDP socket of a page: the OS socket, its options, and what rebinding it needs.

Everything a page set on the socket (options, memberships, its peer) is recorded as it is
applied, so that :meth:`UdpSocket.reopen` can make an equal socket on the same address and port
after the app was paused (Oro closes sockets on pause and binds them again on resume).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno as errno_module
import os
import socket
import struct
import sys
from typing import Any, Final, NamedTuple, final

import anyio
from anyio.abc import UDPSocket as AnyioUDPSocket

from oro_framework import ErrnoError
from oro_udp.addresses import SocketType, family_name, socket_family
from oro_udp.errors import not_connected

__all__ = ["BindOptions", "UdpSocket"]

_SO_REUSEPORT: Final = getattr(socket, "SO_REUSEPORT", None)


@final
class BindOptions(NamedTuple):
    """What ``createSocket``/``bind`` asked for, applied before the socket is bound."""

    reuse_addr: bool = False
    reuse_port: bool = False
    ipv6_only: bool = False
    recv_buffer_size: int | None = None
    send_buffer_size: int | None = None


@final
class UdpSocket:
    """A page's UDP socket. Not bound (``raw is None``) only between a failed reopen and its
    removal, or while the app is paused."""

    def __init__(self, socket_id: str, window: int | None, kind: SocketType) -> None:
        self.id = socket_id
        self.window = window
        self.kind = kind
        self.options = BindOptions()
        self.bound_address = ""
        """The address the page bound to (an IP literal; the wildcard or loopback by default)."""
        self.port = 0
        """The port the system gave (kept on reopen)."""
        self.peer: tuple[str, int] | None = None
        self.reading = False
        self.ephemeral = False
        self.raw: socket.socket | None = None
        self.stream: AnyioUDPSocket | None = None
        self.pump: anyio.CancelScope | None = None
        # (level, option) → value, in the order the page set them; memberships by their request.
        self._options: dict[tuple[int, int], int | bytes] = {}
        self._memberships: dict[bytes, tuple[int, int, int]] = {}
        self.received = 0
        self.delivered = 0
        self.dropped = 0
        self.sent = 0

    # ----------------------------------------------------------------------------------------
    # Opening and closing
    # ----------------------------------------------------------------------------------------

    async def open(self, address: str, port: int, options: BindOptions) -> None:
        """Make and bind the OS socket.

        :raises ErrnoError: the system refused (``EADDRINUSE``, ``EADDRNOTAVAIL``...).
        """
        self.options = options
        raw = socket.socket(socket_family(self.kind), socket.SOCK_DGRAM)
        try:
            raw.setblocking(False)
            if options.reuse_addr:
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if options.reuse_port and _SO_REUSEPORT is not None:
                raw.setsockopt(socket.SOL_SOCKET, _SO_REUSEPORT, 1)
            if self.kind == "udp6":
                raw.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(options.ipv6_only))
            if options.recv_buffer_size is not None:
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, options.recv_buffer_size)
            if options.send_buffer_size is not None:
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, options.send_buffer_size)
            try:
                raw.bind((address, port))
            except OSError as error:
                raise ErrnoError.for_socket_error(error, "bind", address, port) from None
            self.stream = await AnyioUDPSocket.from_socket(raw)
        except BaseException:
            raw.close()
            raise
        self.raw = raw
        self.bound_address = address
        self.port = raw.getsockname()[1]

    async def reopen(self) -> None:
        """Bind an equal socket again after :meth:`close_socket` (app resumed): same address
        and port, options, memberships and peer."""
        await self.open(self.bound_address, self.port, self.options)
        raw = self._raw()
        try:
            for (level, option), value in self._options.items():
                raw.setsockopt(level, option, value)
            for request, (level, add, _drop) in self._memberships.items():
                raw.setsockopt(level, add, request)
            if self.peer is not None:
                raw.connect(self.peer)
        except OSError as error:
            self.close_socket()
            raise ErrnoError.for_socket_error(
                error, "bind", self.bound_address, self.port
            ) from None

    def close_socket(self) -> None:
        """Close the OS socket (idempotent); what reopening needs stays."""
        if self.pump is not None:
            self.pump.cancel()
            self.pump = None
        raw, self.raw, self.stream = self.raw, None, None
        if raw is not None:
            # Wakes a task still waiting on it (with ClosedResourceError) before the number
            # can be reused.
            anyio.notify_closing(raw)
            raw.close()

    # ----------------------------------------------------------------------------------------
    # State
    # ----------------------------------------------------------------------------------------

    def _raw(self) -> socket.socket:
        if self.raw is None:
            raise ErrnoError.for_socket(errno_module.EBADF, "getsockname")
        return self.raw

    def inode(self) -> int:
        """The OS socket's inode, the number ``/proc/net/udp`` lists it under."""
        return os.fstat(self._raw().fileno()).st_ino

    def sock_name(self) -> dict[str, Any]:
        address, port = self._raw().getsockname()[:2]
        return {"id": self.id, "address": address, "family": family_name(self.kind), "port": port}

    def peer_name(self) -> dict[str, Any]:
        if self.peer is None:
            raise not_connected()
        address, port = self._raw().getpeername()[:2]
        return {"id": self.id, "address": address, "family": family_name(self.kind), "port": port}

    def state(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "bound": self.raw is not None,
            "active": self.reading,
            "closed": self.raw is None,
            # Closing is synchronous here: no request ever sees a socket half closed.
            "closing": False,
            "connected": self.peer is not None,
            "ephemeral": self.ephemeral,
        }

    def diagnostics(self) -> dict[str, Any]:
        return {
            "window": self.window,
            "type": self.kind,
            "port": self.port,
            "reading": self.reading,
            "received": self.received,
            "delivered": self.delivered,
            "dropped": self.dropped,
            "sent": self.sent,
        }

    # ----------------------------------------------------------------------------------------
    # Peer
    # ----------------------------------------------------------------------------------------

    def connect(self, address: str, port: int) -> None:
        try:
            self._raw().connect((address, port))
        except OSError as error:
            raise ErrnoError.for_socket_error(error, "connect", address, port) from None
        self.peer = (address, port)

    def disconnect(self) -> None:
        if self.peer is None:
            raise not_connected()
        _dissolve_association(self._raw())
        self.peer = None

    # ----------------------------------------------------------------------------------------
    # Options
    # ----------------------------------------------------------------------------------------

    def set_option(self, syscall: str, level: int, option: int, value: int | bytes) -> None:
        """``setsockopt`` now, and again after every reopen."""
        try:
            self._raw().setsockopt(level, option, value)
        except OSError as error:
            raise ErrnoError.for_socket_error(error, syscall) from None
        self._options[(level, option)] = value

    def buffer_size(self, option: int) -> int:
        return int(self._raw().getsockopt(socket.SOL_SOCKET, option))

    def set_buffer_size(self, option: int, size: int) -> int:
        syscall = "uv_recv_buffer_size" if option == socket.SO_RCVBUF else "uv_send_buffer_size"
        self.set_option(syscall, socket.SOL_SOCKET, option, size)
        return self.buffer_size(option)

    def change_membership(
        self, syscall: str, level: int, options: tuple[int, int], request: bytes, join: bool
    ) -> None:
        """Join (``options[0]``) or leave (``options[1]``) a group; ``request`` is the
        platform's membership struct, also the key that leaving matches."""
        add, drop = options
        try:
            self._raw().setsockopt(level, add if join else drop, request)
        except OSError as error:
            raise ErrnoError.for_socket_error(error, syscall) from None
        if join:
            self._memberships[request] = (level, add, drop)
        else:
            self._memberships.pop(request, None)

    # ----------------------------------------------------------------------------------------
    # Sending
    # ----------------------------------------------------------------------------------------

    async def send(self, data: bytes, target: tuple[str, int] | None) -> int:
        """Send one datagram to ``target``, or to the peer when ``None``; waits while the
        system's send buffer is full."""
        raw = self._raw()
        while True:
            try:
                sent = raw.send(data) if target is None else raw.sendto(data, target)
            except BlockingIOError:
                await anyio.wait_writable(raw)
                continue
            except OSError as error:
                address, port = target if target is not None else (self.peer or (None, None))
                raise ErrnoError.for_socket_error(error, "send", address, port) from None
            self.sent += 1
            return sent


def _dissolve_association(raw: socket.socket) -> None:
    """``connect`` with ``AF_UNSPEC``: what ends a UDP association (Python's ``connect`` cannot
    pass that family; libuv does the same)."""
    if sys.platform == "win32":
        # Winsock dissolves the association on a connect to the any-address.
        raw.connect(("::" if raw.family == socket.AF_INET6 else "0.0.0.0", 0))
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if sys.platform.startswith("linux"):
        address = struct.pack("=H14x", socket.AF_UNSPEC)
    else:  # BSD layout: sa_len, sa_family
        address = struct.pack("=BB14x", 16, socket.AF_UNSPEC)
    if libc.connect(raw.fileno(), address, len(address)) != 0:
        number = ctypes.get_errno()
        # macOS reports EAFNOSUPPORT but has dissolved the association (as libuv notes).
        if number != errno_module.EAFNOSUPPORT:
            raise ErrnoError.for_socket(number, "disconnect")
