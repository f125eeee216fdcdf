"""The ``[udp]`` config keys and the typed settings read from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, final

from oro_framework import Config, ConfigRegistry
from oro_framework.kernel.config import load_settings, positive

__all__ = ["UdpSettings", "declare"]

SECTION: Final = "udp"


def declare(config: ConfigRegistry) -> None:
    """Declare every ``udp.*`` key (``oro config list --describe`` shows them)."""
    config.add(
        "udp.max_sockets_per_page",
        int,
        64,
        "UDP sockets one page may have open at once; one more bind answers EMFILE.",
        validator=positive,
    )
    config.add(
        "udp.max_queued_datagrams",
        int,
        512,
        "Datagrams received for a socket but not yet handed to its page; a slower page loses "
        "the newest (counted as 'dropped' in diagnostics), as UDP would.",
        validator=positive,
    )
    config.add(
        "udp.allow_any_address",
        bool,
        False,
        "Let pages bind to, and join multicast groups on, addresses other than loopback "
        "(the wildcard 0.0.0.0/:: included). Off: a bind without an address binds loopback.",
    )


@final
@dataclass(frozen=True)
class UdpSettings:
    """The ``udp.*`` values of one host: one field per key, named after it."""

    max_sockets_per_page: int
    max_queued_datagrams: int
    allow_any_address: bool

    @classmethod
    def from_config(cls, config: Config) -> UdpSettings:
        """Read the settings from a host's loaded config."""
        return load_settings(cls, config, SECTION)
