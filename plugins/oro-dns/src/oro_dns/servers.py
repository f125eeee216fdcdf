"""DNS server addresses in Node's notation (``dns.setServers``): ``'1.2.3.4'``,
``'1.2.3.4:5353'``, ``'::1'``, ``'[::1]:5353'``."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Final, NamedTuple, final

__all__ = ["DEFAULT_PORT", "Server", "parse_server", "parse_servers"]

DEFAULT_PORT: Final = 53
_BRACKETED: Final = re.compile(r"^\[(?P<address>[^\]]+)\](?::(?P<port>\d{1,5}))?$")
_WITH_PORT: Final = re.compile(r"^(?P<address>[0-9.]+):(?P<port>\d{1,5})$")


@final
class Server(NamedTuple):
    """One server: a numeric IPv4 or IPv6 address and a UDP/TCP port."""

    address: str
    port: int

    def __str__(self) -> str:
        """Node's ``getServers()`` form: the port only when it is not 53, IPv6 in brackets
        then."""
        if self.port == DEFAULT_PORT:
            return self.address
        if ":" in self.address:
            return f"[{self.address}]:{self.port}"
        return f"{self.address}:{self.port}"


def parse_server(text: str) -> Server:
    """``text`` as a :class:`Server`.

    :raises ValueError: not an IP address with an optional port in Node's notation (a host name
        is refused, as Node refuses it: asking a server for its own address would need DNS).
    """
    address, port = text, DEFAULT_PORT
    match = _BRACKETED.match(text) or _WITH_PORT.match(text)
    if match is not None:
        address = match["address"]
        if match["port"] is not None:
            port = int(match["port"])
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        raise ValueError(f"Invalid IP address: {text}") from None
    if not 0 < port < 65536:
        raise ValueError(f"Invalid IP address: {text}")
    return Server(str(parsed), port)


def parse_servers(texts: Iterable[str]) -> list[Server]:
    """Every entry of ``texts`` parsed; the first bad one raises ``ValueError``."""
    return [parse_server(text) for text in texts]
