"""The ``[udp]`` config keys, declared once as the fields of :class:`UdpSettings`."""

from __future__ import annotations

from typing import final

from oro_framework import setting, validators
from oro_framework.network import PrivateNetworkPolicy
from oro_framework.records import record

__all__ = ["UdpSettings"]


@final
@record
class UdpSettings:
    """The ``[udp]`` keys of one host (``config.add_settings(UdpSettings, section="udp")``)."""

    max_sockets_per_page: int = setting(
        64,
        "UDP sockets one page may have open at once; one more bind answers EMFILE.",
        validator=validators.positive,
    )
    max_queued_datagrams: int = setting(
        512,
        "Datagrams received for a socket but not yet handed to its page; a slower page loses "
        "the newest (counted as 'dropped' in diagnostics), as UDP would.",
        validator=validators.positive,
    )
    allow_any_address: bool = setting(
        False,
        "Let pages bind to, and join multicast groups on, addresses other than loopback "
        "(the wildcard 0.0.0.0/:: included). Off: a bind without an address binds loopback.",
    )
    allow_private: list[str] = setting(
        [],
        "What udp.send and udp.connect may reach besides the public internet (loopback, "
        "link-local, private and shared ranges, the unspecified address, multicast groups, "
        "broadcast, cloud metadata): 'host[:port]' entries, each an IP address, a network "
        "(CIDR) or a host name ('127.0.0.1:5353', '[::1]:9000', '239.255.0.0/16', "
        "'printer.lan'). A metadata address needs an entry naming that address.",
        validator=PrivateNetworkPolicy.validate,
    )
