"""``dns.lookup``: getaddrinfo with Node's options and answers."""

from __future__ import annotations

import socket
from typing import Any, Final

import anyio

from oro_framework import ErrnoError, InvalidArgumentError, Params

__all__ = ["HINTS", "lookup"]

HINTS: Final[dict[int, int]] = {32: socket.AI_ADDRCONFIG, 8: socket.AI_V4MAPPED, 16: socket.AI_ALL}
"""Node's ``dns.ADDRCONFIG``/``V4MAPPED``/``ALL`` (the values ``oro:dns`` exports, Linux's) as
this system's ``AI_*`` flags, which differ on macOS and Windows."""
_FAMILIES: Final[dict[str, int]] = {"0": 0, "4": 4, "6": 6, "ipv4": 4, "ipv6": 6}
_SOCKET_FAMILIES: Final[dict[int, socket.AddressFamily]] = {
    0: socket.AF_UNSPEC,
    4: socket.AF_INET,
    6: socket.AF_INET6,
}
_ORDERS: Final = ("ipv4first", "ipv6first", "verbatim")


def _invalid(name: str, message: str) -> InvalidArgumentError:
    return InvalidArgumentError(message, code="ERR_INVALID_ARG_VALUE", parameter=name)


def family(params: Params) -> int:
    """``family``: 0, 4, 6 (numbers or their text) or ``'ipv4'``/``'ipv6'`` in any case."""
    value = params.get("family")
    if value is None:
        return 0
    text = value.lower() if isinstance(value, str) else value
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    if isinstance(text, str) and text in _FAMILIES:
        return _FAMILIES[text]
    raise _invalid(
        "family", f"The property 'options.family' must be one of: 0, 4, 6. Received {value!r}"
    )


def hints(params: Params) -> int:
    """``hints`` (a combination of Node's constants) as this system's ``AI_*`` flags."""
    value = params.get_int("hints", 0)
    if value & ~sum(HINTS):
        raise _invalid("hints", f"The argument 'hints' is invalid. Received {value}")
    return sum(flag for node_flag, flag in HINTS.items() if value & node_flag)


def order(params: Params) -> str:
    """``order`` wins over ``verbatim``, as in Node; without either, IPv4 first (Oro's rule)."""
    chosen = params.get_str("order")
    if chosen is None:
        return "verbatim" if params.get_bool("verbatim") else "ipv4first"
    if chosen not in _ORDERS:
        raise _invalid(
            "order",
            f"The property 'options.order' must be one of: 'verbatim', 'ipv4first', "
            f"'ipv6first'. Received {chosen!r}",
        )
    return chosen


async def lookup(params: Params) -> dict[str, Any]:
    """Resolve ``hostname`` the way the system does (``/etc/hosts``, then DNS...)."""
    hostname = params.require_str("hostname")
    if "\0" in hostname:
        raise _invalid("hostname", "The argument 'hostname' must not contain null bytes")
    wanted, flags, sequence = family(params), hints(params), order(params)
    want_all = params.get_bool("all")
    try:
        infos = await anyio.getaddrinfo(
            hostname, None, family=_SOCKET_FAMILIES[wanted], type=socket.SOCK_STREAM, flags=flags
        )
    except socket.gaierror as error:
        raise ErrnoError.from_gaierror(error, hostname) from None
    except UnicodeError:
        # A name IDNA cannot encode (an empty or over-long label): no resolver could find it.
        raise ErrnoError.from_gaierror(
            socket.gaierror(socket.EAI_NONAME, "idna"), hostname
        ) from None
    addresses: list[dict[str, Any]] = []
    seen: set[str] = set()
    for info_family, _type, _proto, _canonical, sockaddr in infos:
        address = str(sockaddr[0])
        if address in seen or info_family not in (socket.AF_INET, socket.AF_INET6):
            continue
        seen.add(address)
        addresses.append({"address": address, "family": 4 if info_family == socket.AF_INET else 6})
    if sequence != "verbatim":
        first = 4 if sequence == "ipv4first" else 6
        # sorted() is stable: the resolver's order holds within each family.
        addresses.sort(key=lambda entry: entry["family"] != first)
    if want_all:
        return {"addresses": addresses}
    if not addresses:
        raise ErrnoError.from_gaierror(socket.gaierror(socket.EAI_NONAME, "no address"), hostname)
    return addresses[0]
