"""Public: which addresses a page's raw sockets may reach, decided as browsers' Private Network
Access decides it for ``fetch``: a page reaches the public internet, and nothing of this machine
or its networks (loopback, link-local, private and shared ranges, the unspecified address,
multicast and broadcast, the clouds' metadata services) unless the app's ``oro.toml`` names it.

One policy for every plugin that opens sockets for pages (oro-tls's ``tcp.connect`` and
``tls.connect``, oro-udp's ``udp.send`` and ``udp.connect``), each with its own allow-list key::

    policy = PrivateNetworkPolicy(settings.allow_private, key="tcp.allow_private")
    for family, ip in await resolve(name):          # resolve once...
        policy.check(ip, port, name=name, syscall="connect", reserved_ports=app_ports(host))
        ...                                         # ...and connect to that very ``ip``

The check is on the address the socket then uses, never on the name a page gave: a name that
resolves to loopback is loopback (DNS rebinding gains nothing).
"""

from __future__ import annotations

import errno as errno_module
import ipaddress
import re
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Final, Literal, NamedTuple, final
from urllib.parse import urlsplit

from oro_framework.host.errors import ErrnoError

if TYPE_CHECKING:
    from oro_framework.host.app import Host

__all__ = [
    "METADATA_ADDRESSES",
    "AddressSpace",
    "PrivateNetworkPolicy",
    "address_space",
    "app_ports",
    "ip_of",
    "parse_allow_entry",
    "same_address",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

AddressSpace = Literal[
    "public",
    "loopback",
    "unspecified",
    "link-local",
    "private",
    "metadata",
    "multicast",
    "broadcast",
]
"""Where an address leads. Every space but ``public`` needs an allow-list entry."""

METADATA_ADDRESSES: Final = frozenset(
    ipaddress.ip_address(text)
    for text in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, Oracle... instance metadata
        "169.254.170.2",  # AWS ECS task metadata and credentials
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure WireServer (a public address, so named here)
        "192.0.0.192",  # Oracle Cloud (legacy)
        "fd00:ec2::254",  # AWS over IPv6
    )
)
"""Cloud metadata services: reached only through an allow-list entry naming the address itself
(never through a range or a host name), since they hand out the machine's credentials."""

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network
_V4_SPACES: Final[tuple[tuple[ipaddress.IPv4Network, AddressSpace], ...]] = (
    (_V4("0.0.0.0/8"), "unspecified"),  # connect(0.0.0.0) reaches this machine
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("255.255.255.255/32"), "broadcast"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("169.254.0.0/16"), "link-local"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("100.64.0.0/10"), "private"),  # carrier-grade NAT: the provider's network
    (_V4("198.18.0.0/15"), "private"),  # benchmarking, private in Private Network Access
)
_V6_SPACES: Final[tuple[tuple[ipaddress.IPv6Network, AddressSpace], ...]] = (
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("ff00::/8"), "multicast"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fc00::/7"), "private"),  # unique local
    (_V6("fec0::/10"), "private"),  # site-local (deprecated, still routed by some)
)
# IPv6 forms that carry an IPv4 address the packet reaches: IPv4-mapped (::ffff:0:0/96, what a
# dual-stack socket sends to an IPv4 peer), IPv4-compatible (::/96, deprecated) and NAT64's
# well-known prefix (64:ff9b::/96, translated to that IPv4 address by the network).
_V4_IN_V6: Final = (
    ipaddress.IPv6Network("::ffff:0:0/96"),
    ipaddress.IPv6Network("::/96"),
    ipaddress.IPv6Network("64:ff9b::/96"),
)
_NAME: Final = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9_.])?")
_HOSTS_ONLY: Final = frozenset({"unspecified", "loopback"})


def ip_of(text: str) -> IPAddress | None:
    """The address an IP literal names (an IPv6 zone ``%eth0`` dropped), or ``None``."""
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def _effective(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 form carries (see ``_V4_IN_V6``), else ``ip``."""
    if isinstance(ip, ipaddress.IPv6Address) and int(ip) > 1:
        for network in _V4_IN_V6:
            if ip in network:
                return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def address_space(address: str | IPAddress) -> AddressSpace:
    """Where ``address`` (an IP literal or address) leads; IPv6 forms of an IPv4 address count
    as that address. A string that is no IP literal is ``public`` (names are resolved first)."""
    ip = ip_of(address) if isinstance(address, str) else address
    if ip is None:
        return "public"
    ip = _effective(ip)
    if ip in METADATA_ADDRESSES:
        return "metadata"
    spaces: Sequence[tuple[IPNetwork, AddressSpace]] = (
        _V4_SPACES if isinstance(ip, ipaddress.IPv4Address) else _V6_SPACES
    )
    for network, space in spaces:
        if ip in network:
            return space
    return "public"


def same_address(first: str, second: str) -> bool:
    """Whether two IP literals name one address (``::1`` and ``0:0::1``; zones ignored)."""
    ip = ip_of(first)
    return ip is not None and ip == ip_of(second)


def app_ports(host: Host) -> frozenset[int]:
    """The TCP ports of this machine's loopback that the app itself serves its pages on: the
    bridge's (known once it listens). A page never reaches them through a raw socket, whatever
    the allow-list says: it would speak to its own host as if it were another origin."""
    origin = host.windows.origin
    port = urlsplit(origin).port if origin else None
    return frozenset() if port is None else frozenset({port})


@final
class AllowEntry(NamedTuple):
    """One allow-list entry: a host name, an address or a network, and a port or any."""

    name: str | None
    network: IPNetwork | None
    port: int | None

    def matches(self, ip: IPAddress, port: int, name: str | None) -> bool:
        if self.port is not None and port != self.port:
            return False
        if self.name is not None:
            return name is not None and _normal_name(name) == self.name
        assert self.network is not None
        effective = _effective(ip)
        if address_space(effective) == "metadata":
            # Only the address itself opens a metadata service, never a range holding it.
            return self.network.num_addresses == 1 and effective in self.network
        return ip in self.network or (effective is not ip and effective in self.network)


def _normal_name(name: str) -> str:
    return name.rstrip(".").lower()


def _port(text: str, entry: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"allow-list entry {entry!r}: the port must be 1-65535")
    return int(text)


def _network(text: str, entry: str) -> IPNetwork | None:
    """The network an address or CIDR names (``None``: not one); a CIDR with host bits set is
    refused rather than widened."""
    if ip_of(text) is None and "/" not in text:
        return None
    try:
        network = ipaddress.ip_network(text.split("%", 1)[0], strict=True)
    except ValueError as error:
        raise ValueError(f"allow-list entry {entry!r}: {error}") from None
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen == 128:
        carried = _effective(network.network_address)
        if carried is not network.network_address:
            network = ipaddress.IPv4Network(carried)
    return network


def parse_allow_entry(entry: str) -> AllowEntry:
    """``host[:port]``: ``127.0.0.1``, ``127.0.0.1:5432``, ``[::1]:5432``, ``::1``,
    ``10.0.0.0/8``, ``10.0.0.0/8:5432``, ``[fd00::/8]:5432``, ``db.lan``, ``db.lan:5432``.

    :raises ValueError: it is none of those.
    """
    text = entry.strip()
    host, port_text = text, None
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise ValueError(f"allow-list entry {entry!r}: expected [address]:port")
        port_text = rest[1:] if rest else None
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    port = None if port_text is None else _port(port_text, entry)
    network = _network(host, entry)
    if network is not None:
        return AllowEntry(None, network, port)
    if not _NAME.fullmatch(host) or ".." in host:
        raise ValueError(
            f"allow-list entry {entry!r}: expected a host name, an IP address or a network "
            "(CIDR), with an optional :port"
        )
    return AllowEntry(_normal_name(host), None, port)


@final
class PrivateNetworkPolicy:
    """The addresses beyond the public internet that one kind of socket may reach.

    :param entries: the allow-list (see :func:`parse_allow_entry`).
    :param key: its config key (``tcp.allow_private``), named in refusals.
    :raises ValueError: an entry does not parse.
    """

    def __init__(self, entries: Sequence[str], *, key: str) -> None:
        self.entries = tuple(parse_allow_entry(entry) for entry in entries)
        self.key = key

    @staticmethod
    def validate(entries: Sequence[str]) -> None:
        """A config validator: refuses an allow-list that does not parse, naming the entry."""
        for entry in entries:
            parse_allow_entry(entry)

    def refusal(
        self,
        address: str,
        port: int,
        *,
        name: str | None = None,
        reserved_ports: Collection[int] = (),
    ) -> AddressSpace | None:
        """Why a socket may not reach ``address``:``port`` (its address space), or ``None``.

        :param name: the host name the page asked for, when ``address`` is its resolution: an
            entry naming it allows whatever it resolves to (a metadata address excepted).
        :param reserved_ports: ports of this machine no page may reach (:func:`app_ports`).
        :raises ValueError: ``address`` is no IP literal (resolve names first).
        """
        ip = ip_of(address)
        if ip is None:
            raise ValueError(f"not an IP address: {address!r}")
        space = address_space(ip)
        if space in _HOSTS_ONLY and port in reserved_ports:
            return space
        if space == "public":
            return None
        if name is not None and ip_of(name) is not None:
            name = None
        for entry in self.entries:
            if entry.name is not None and space == "metadata":
                continue
            if entry.matches(ip, port, name):
                return None
        return space

    def check(
        self,
        address: str,
        port: int,
        *,
        syscall: str,
        name: str | None = None,
        reserved_ports: Collection[int] = (),
    ) -> None:
        """:raises ErrnoError: ``EACCES`` (Node's ``connect EACCES 127.0.0.1:5432``, with
        ``addressSpace``) when :meth:`refusal` finds a reason.
        :raises ValueError: ``address`` is no IP literal."""
        space = self.refusal(address, port, name=name, reserved_ports=reserved_ports)
        if space is None:
            return
        if space in _HOSTS_ONLY and port in reserved_ports:
            why = "the app's own server: pages never reach it through a socket"
        else:
            why = f"{space} address: pages reach it only when {self.key} names it"
        node = ErrnoError.for_socket(
            errno_module.EACCES, syscall, address, port, addressSpace=space, hint=why
        )
        raise ErrnoError(f"{node.message} ({why})", code=node.code, **node.extra)
