"""What oro-dns keeps per host, ``host.stash[STATE]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, final

import dns.resolver

from oro_dns.servers import DEFAULT_PORT, Server, parse_servers
from oro_dns.settings import DnsSettings
from oro_framework import Host, StashKey

__all__ = ["STATE", "DnsState", "system_servers"]


def system_servers() -> list[Server]:
    """The system's DNS servers (``/etc/resolv.conf``; the registry on Windows), none when
    there is no configuration: queries then fail with ``ECONNREFUSED``, as in Node."""
    try:
        resolver = dns.resolver.Resolver(configure=True)
    except (dns.resolver.NoResolverConfiguration, OSError):
        return []
    return [Server(str(address), DEFAULT_PORT) for address in resolver.nameservers]


@final
@dataclass(eq=False)
class DnsState:
    """oro-dns's state for one host, made by ``oro_configure``."""

    settings: DnsSettings
    servers: list[Server]
    """The servers resolve*/reverse ask when a request names none: ``dns.servers`` or the
    system's, read once when the host is configured."""
    lookups: int = 0
    queries: int = 0

    @classmethod
    def from_host(cls, host: Host) -> DnsState:
        """The state for ``host``, whose config is loaded (``dns.servers`` already validated)."""
        settings = DnsSettings.from_config(host.config)
        servers = parse_servers(settings.servers) if settings.servers else system_servers()
        return cls(settings, servers)

    def diagnostics(self) -> dict[str, Any]:
        """What ``diagnostics.query`` shows under this plugin's name."""
        return {
            "lookups": self.lookups,
            "queries": self.queries,
            "servers": [str(server) for server in self.servers],
        }


STATE: Final = StashKey[DnsState]("dns")
"""Where a host keeps oro-dns's :class:`DnsState`."""
