"""The ``[dns]`` config keys and the typed settings read from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, final

from oro_dns.servers import parse_servers
from oro_framework import Config, ConfigRegistry
from oro_framework.kernel.config import load_settings, positive

__all__ = ["DnsSettings", "declare"]

SECTION: Final = "dns"


def declare(config: ConfigRegistry) -> None:
    """Declare every ``dns.*`` key (``oro config list --describe`` shows them)."""
    config.add(
        "dns.servers",
        list,
        [],
        "DNS servers dns.resolve*/reverse ask ('1.2.3.4', '1.2.3.4:5353', '[::1]:53'); "
        "empty: the system's (/etc/resolv.conf). dns.lookup always uses the system's resolver.",
        validator=_servers,
    )
    config.add(
        "dns.timeout_ms",
        int,
        5000,
        "Milliseconds dns.resolve*/reverse wait for one answer before trying again.",
        validator=positive,
    )
    config.add(
        "dns.tries",
        int,
        4,
        "Attempts dns.resolve*/reverse make before failing with ETIMEOUT.",
        validator=positive,
    )


def _servers(value: list[str]) -> None:
    # Refused when the host is built, with the file and line, rather than at the first query.
    parse_servers(value)


@final
@dataclass(frozen=True)
class DnsSettings:
    """The ``dns.*`` values of one host: one field per key, named after it."""

    servers: list[str]
    timeout_ms: int
    tries: int

    @classmethod
    def from_config(cls, config: Config) -> DnsSettings:
        """Read the settings from a host's loaded config."""
        return load_settings(cls, config, SECTION)
