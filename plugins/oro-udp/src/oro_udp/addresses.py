"""Socket types, families and addresses: what Node accepts, what the host allows to bind.

Pure functions but :func:`resolve`, which asks the system's resolver (``getaddrinfo``) for a
host name, as Node's ``dgram`` does through ``dns.lookup``.
"""

from __future__ import annotations

import errno as errno_module
import socket
from typing import Final, Literal

import anyio

from oro_framework import ErrnoError, InvalidArgumentError
from oro_framework.network import ip_of
from oro_udp.errors import bad_port, bad_type

__all__ = [
    "MAX_DATAGRAM",
    "SocketType",
    "check_listen_address",
    "default_peer",
    "family_name",
    "ip_of",
    "is_ip",
    "may_listen_on",
    "parse_port",
    "parse_type",
    "resolve",
    "socket_family",
    "wildcard",
]

SocketType = Literal["udp4", "udp6"]

MAX_DATAGRAM: Final[dict[SocketType, int]] = {"udp4": 65507, "udp6": 65527}
"""The largest payload of one datagram, as the system enforces it (``EMSGSIZE``): 65,535 less
the 8-byte UDP header and, for IPv4, the 20-byte IP header (IPv6's is outside its length)."""

_LOOPBACK: Final[dict[SocketType, str]] = {"udp4": "127.0.0.1", "udp6": "::1"}
_WILDCARD: Final[dict[SocketType, str]] = {"udp4": "0.0.0.0", "udp6": "::"}


def parse_type(value: object, address: str | None = None) -> SocketType:
    """``udp4``/``udp6``; when absent, the family of ``address`` (an IPv6 literal is udp6)."""
    if value is None:
        if address is not None and ":" in address:
            return "udp6"
        return "udp4"
    if value in ("udp4", "udp6"):
        return value
    raise bad_type(value)


def parse_port(value: object, *, name: str = "Port", allow_zero: bool = True) -> int:
    """A port number 0-65535 (1-65535 when ``allow_zero`` is false), from an int or digit string."""
    if isinstance(value, bool):
        raise bad_port(value, name)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 5:
        value = int(value.strip())
    if not isinstance(value, int) or not 0 <= value < 65536 or (value == 0 and not allow_zero):
        raise bad_port(value, name)
    return value


def socket_family(kind: SocketType) -> socket.AddressFamily:
    return socket.AF_INET6 if kind == "udp6" else socket.AF_INET


def family_name(kind: SocketType) -> str:
    """Node's ``family`` string."""
    return "IPv6" if kind == "udp6" else "IPv4"


def wildcard(kind: SocketType, *, allow_any: bool) -> str:
    """Where ``bind()`` without an address binds: Node's wildcard, or loopback when pages may
    not listen beyond it."""
    return _WILDCARD[kind] if allow_any else _LOOPBACK[kind]


def default_peer(kind: SocketType) -> str:
    """Where ``send``/``connect`` without an address go: Node's ``localhost`` of the family."""
    return _LOOPBACK[kind]


def is_ip(address: str) -> bool:
    return ip_of(address) is not None


def may_listen_on(address: str) -> bool:
    """Whether a page may bind to / join on ``address`` without ``udp.allow_any_address``:
    loopback (nothing from other machines reaches it) or a multicast group (only that group's
    datagrams, on interfaces that are loopback too)."""
    ip = ip_of(address)
    return ip is not None and (ip.is_loopback or ip.is_multicast)


def check_listen_address(address: str, port: int | None, syscall: str, *, allow_any: bool) -> None:
    """:raises ErrnoError: ``EACCES`` for an address beyond loopback when not allowed."""
    if allow_any or may_listen_on(address):
        return
    raise ErrnoError.for_socket(
        errno_module.EACCES,
        syscall,
        address,
        port,
        hint="pages listen on loopback only unless [udp] allow_any_address = true",
    )


async def resolve(address: str, kind: SocketType) -> str:
    """The IP literal for ``address`` in ``kind``'s family: literals as they are, names through
    ``getaddrinfo`` (first answer), as Node's ``dns.lookup`` would.

    :raises ErrnoError: ``ENOTFOUND`` (``syscall: 'getaddrinfo'``, ``hostname``).
    """
    if is_ip(address):
        if (":" in address) != (kind == "udp6"):
            raise InvalidArgumentError(
                f"address {address!r} is not an {family_name(kind)} address for a {kind} socket",
                code="EINVAL",
                parameter="address",
            )
        return address
    if not address or len(address) > 253:
        raise _not_found(address)
    try:
        answers = await anyio.getaddrinfo(
            address, None, family=socket_family(kind), type=socket.SOCK_DGRAM
        )
    except socket.gaierror as error:
        raise ErrnoError.from_gaierror(error, address) from None
    except UnicodeError:
        raise _not_found(address) from None
    if not answers:
        raise _not_found(address)
    return str(answers[0][4][0])


def _not_found(hostname: str) -> ErrnoError:
    return ErrnoError.from_gaierror(socket.gaierror(socket.EAI_NONAME, "no address"), hostname)
