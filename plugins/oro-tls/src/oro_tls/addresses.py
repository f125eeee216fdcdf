"""Ports, families and addresses: what Node accepts, where the host lets pages listen, and the
addresses a host name connects to."""

from __future__ import annotations

import errno as errno_module
import socket

import anyio

from oro_framework import ErrnoError, InvalidArgumentError
from oro_framework.network import ip_of
from oro_tls.errors import bad_port

__all__ = [
    "Endpoint",
    "check_listen_address",
    "endpoint_of",
    "family_name",
    "listen_address",
    "parse_family",
    "parse_port",
    "resolve",
]

Endpoint = tuple[str, int, str]
"""``(address, port, family)`` with Node's family names ``IPv4``/``IPv6``."""


def parse_port(value: object, *, name: str = "port", allow_zero: bool = True) -> int:
    """A port 0-65535 (1-65535 unless ``allow_zero``) from an int or a digit string."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 5:
        value = int(value.strip())
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value < 65536
        or (value == 0 and not allow_zero)
    ):
        raise bad_port(value, name)
    return value


def parse_family(value: object) -> socket.AddressFamily:
    """Node's ``family`` option: 0 (either), 4 or 6."""
    if value in (None, 0, "0"):
        return socket.AF_UNSPEC
    if value in (4, "4", "IPv4"):
        return socket.AF_INET
    if value in (6, "6", "IPv6"):
        return socket.AF_INET6
    raise InvalidArgumentError(
        f"The argument 'family' must be one of: 0, 4, 6. Received {value!r}",
        code="ERR_INVALID_ARG_VALUE",
        parameter="family",
    )


def family_name(family: int) -> str:
    return "IPv6" if family == socket.AF_INET6 else "IPv4"


def endpoint_of(sockname: tuple[object, ...], family: int) -> Endpoint:
    """``getsockname()``/``getpeername()`` as Node reports them."""
    return str(sockname[0]), int(str(sockname[1])), family_name(family)


def socket_endpoints(raw: socket.socket) -> tuple[Endpoint, Endpoint]:
    """Both ends of a connected socket. Taken as soon as it is connected: once the peer has
    reset it (a TLS server refusing the client's certificate right after the handshake),
    ``getpeername()`` fails with ENOTCONN."""
    return endpoint_of(raw.getsockname(), raw.family), endpoint_of(raw.getpeername(), raw.family)


def listen_address(address: str | None, *, allow_any: bool) -> str:
    """Where ``listen()`` listens: the address asked for, else Node's wildcard ``::`` when pages
    may listen beyond loopback, else ``127.0.0.1``."""
    if address:
        return address
    return "::" if allow_any else "127.0.0.1"


def check_listen_address(address: str, port: int, *, allow_any: bool) -> None:
    """:raises ErrnoError: ``EACCES`` for an address beyond loopback when not allowed."""
    ip = ip_of(address)
    if allow_any or (ip is not None and ip.is_loopback) or address == "localhost":
        return
    raise ErrnoError.for_socket(
        errno_module.EACCES,
        "listen",
        address,
        port,
        hint="pages listen on loopback only unless [tcp] allow_any_address = true",
    )


async def resolve(host: str, family: int = socket.AF_UNSPEC) -> list[tuple[int, str]]:
    """The ``(family, ip)`` pairs ``host`` connects to, in the resolver's order (literals as
    they are), as Node's ``dns.lookup`` with ``all: true``.

    :raises ErrnoError: ``ENOTFOUND`` and the other ``getaddrinfo`` failures.
    """
    ip = ip_of(host)
    if ip is not None:
        found = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
        if family not in (socket.AF_UNSPEC, found):
            raise InvalidArgumentError(
                f"address {host!r} is not an {family_name(family)} address",
                code="EINVAL",
                parameter="address",
            )
        return [(found, host)]
    try:
        answers = await anyio.getaddrinfo(host, None, family=family, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ErrnoError.from_gaierror(error, host) from None
    except UnicodeError:
        answers = []
    if not answers:
        raise ErrnoError.from_gaierror(socket.gaierror(socket.EAI_NONAME, "no address"), host)
    pairs: list[tuple[int, str]] = []
    for answer in answers:
        pair = (int(answer[0]), str(answer[4][0]))
        if pair not in pairs:
            pairs.append(pair)
    return pairs
