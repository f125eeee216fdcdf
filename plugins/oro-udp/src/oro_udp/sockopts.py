"""The platform's socket options behind Node's setters, per family: levels, option numbers and
the membership structs (``ip_mreq``, ``ipv6_mreq``, ``ip_mreq_source``, ``group_source_req``).

Python's ``socket`` lacks the source-specific membership constants on some versions and
platforms, so they come from this table of the systems' headers.
"""

from __future__ import annotations

import errno as errno_module
import socket
import struct
import sys
from typing import Final, NamedTuple

from oro_framework import ErrnoError
from oro_udp.addresses import SocketType, ip_of

__all__ = [
    "Membership",
    "broadcast",
    "loopback_interface_index",
    "membership",
    "multicast_interface",
    "multicast_loop",
    "multicast_ttl",
    "source_membership",
    "ssm_supported",
    "ttl",
]


class SockOpt(NamedTuple):
    level: int
    option: int


class Membership(NamedTuple):
    """A join/leave request: ``options`` is (join, leave), ``request`` the struct."""

    level: int
    options: tuple[int, int]
    request: bytes


# Source-specific membership for IPv4: option numbers and whether the struct is
# (group, interface, source) as on Linux or (group, source, interface) as on BSD and Windows.
_SSM_V4: Final[dict[str, tuple[int, int, bool]]] = {
    "linux": (39, 40, True),
    "darwin": (70, 71, False),
    "freebsd": (70, 71, False),
    "win32": (15, 16, False),
}
# MCAST_JOIN_SOURCE_GROUP / MCAST_LEAVE_SOURCE_GROUP (RFC 3678) on Linux, for IPv6.
_SSM_V6_LINUX: Final = (46, 47)


def _platform() -> str:
    return "linux" if sys.platform.startswith("linux") else sys.platform.rstrip("0123456789")


def ssm_supported(kind: SocketType) -> bool:
    if kind == "udp6":
        return _platform() == "linux"
    return _platform() in _SSM_V4


def broadcast() -> SockOpt:
    return SockOpt(socket.SOL_SOCKET, socket.SO_BROADCAST)


def ttl(kind: SocketType) -> SockOpt:
    if kind == "udp6":
        return SockOpt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS)
    return SockOpt(socket.IPPROTO_IP, socket.IP_TTL)


def multicast_ttl(kind: SocketType) -> SockOpt:
    if kind == "udp6":
        return SockOpt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS)
    return SockOpt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL)


def multicast_loop(kind: SocketType) -> SockOpt:
    if kind == "udp6":
        return SockOpt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP)
    return SockOpt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP)


def loopback_interface_index() -> int:
    """The index of the loopback interface (``lo``, ``lo0``), for IPv6 memberships."""
    for index, name in socket.if_nameindex():
        if name.startswith("lo"):
            return index
    return 0


def interface_index(interface: str, syscall: str) -> int:
    """An IPv6 interface as Node names it: ``'::%eth1'``, ``'%eth1'``, ``'eth1'`` or an index.

    :raises ErrnoError: ``EINVAL`` for an interface the system does not have.
    """
    name = interface.rsplit("%", 1)[-1] if "%" in interface else interface
    if name.isdigit():
        return int(name)
    try:
        return socket.if_nametoindex(name)
    except OSError:
        raise ErrnoError.for_socket(errno_module.EINVAL, syscall, interface) from None


def _ipv4(address: str, syscall: str) -> bytes:
    ip = ip_of(address)
    if ip is None or ip.version != 4:
        raise ErrnoError.for_socket(errno_module.EINVAL, syscall, address)
    return ip.packed


def _ipv6(address: str, syscall: str) -> bytes:
    ip = ip_of(address)
    if ip is None or ip.version != 6:
        raise ErrnoError.for_socket(errno_module.EINVAL, syscall, address)
    return ip.packed


def multicast_interface(kind: SocketType, interface: str) -> tuple[SockOpt, bytes]:
    """``IP_MULTICAST_IF`` with the interface's address, or ``IPV6_MULTICAST_IF`` with its
    index."""
    if kind == "udp6":
        index = interface_index(interface, "setMulticastInterface")
        return SockOpt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF), struct.pack("@I", index)
    return SockOpt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF), _ipv4(
        interface, "setMulticastInterface"
    )


def membership(kind: SocketType, group: str, interface: str, syscall: str) -> Membership:
    """``ip_mreq`` / ``ipv6_mreq`` for joining ``group`` on ``interface``."""
    if kind == "udp6":
        request = _ipv6(group, syscall) + struct.pack("@I", interface_index(interface, syscall))
        return Membership(
            socket.IPPROTO_IPV6, (socket.IPV6_JOIN_GROUP, socket.IPV6_LEAVE_GROUP), request
        )
    request = _ipv4(group, syscall) + _ipv4(interface, syscall)
    return Membership(
        socket.IPPROTO_IP, (socket.IP_ADD_MEMBERSHIP, socket.IP_DROP_MEMBERSHIP), request
    )


def source_membership(
    kind: SocketType, source: str, group: str, interface: str, syscall: str
) -> Membership:
    """``ip_mreq_source`` / ``group_source_req`` for joining ``group`` from ``source`` only.

    :raises ErrnoError: ``ENOSYS`` where this platform's layout is not known.
    """
    if not ssm_supported(kind):
        raise _unsupported(syscall)
    if kind == "udp6":
        index = interface_index(interface, syscall)
        request = struct.pack(
            "@I4x128s128s",
            index,
            _sockaddr_in6(_ipv6(group, syscall)),
            _sockaddr_in6(_ipv6(source, syscall)),
        )
        return Membership(socket.IPPROTO_IPV6, _SSM_V6_LINUX, request)
    add, drop, interface_second = _SSM_V4[_platform()]
    group_bytes, source_bytes = _ipv4(group, syscall), _ipv4(source, syscall)
    interface_bytes = _ipv4(interface, syscall)
    if interface_second:
        request = group_bytes + interface_bytes + source_bytes
    else:
        request = group_bytes + source_bytes + interface_bytes
    return Membership(socket.IPPROTO_IP, (add, drop), request)


def _sockaddr_in6(packed: bytes) -> bytes:
    return struct.pack("=HHI16sI", socket.AF_INET6, 0, 0, packed, 0)


def _unsupported(syscall: str) -> ErrnoError:
    return ErrnoError.for_socket(errno_module.ENOSYS, syscall)
