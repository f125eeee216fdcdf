"""What oro-dns keeps per host, ``host.stash[STATE]``."""

from __future__ import annotations

import functools
from typing import Any, Final, final

from oro_dns.servers import DEFAULT_PORT, Server, parse_servers
from oro_dns.settings import DnsSettings
from oro_framework import Host, StashKey
from oro_framework.records import record

__all__ = ["STATE", "DnsState", "system_servers"]


def system_servers() -> list[Server]:
    """The system's DNS servers (``/etc/resolv.conf``; the registry on Windows), none when
    there is no configuration: queries then fail with ``ECONNREFUSED``, as in Node."""
    # Imported here: dnspython's resolver imports its DNS-over-HTTPS stack (httpx, h2), about
    # 0.3 s that every `oro` command paid at start-up when this was at the top.
    import dns.resolver

    try:
        resolver = dns.resolver.Resolver(configure=True)
    except (dns.resolver.NoResolverConfiguration, OSError):
        return []
    return [Server(str(address), DEFAULT_PORT) for address in resolver.nameservers]


@final
@record(frozen=False, eq=False)
class DnsState:
    """oro-dns's state for one host, made by ``oro_configure``."""

    settings: DnsSettings
    lookups: int = 0
    queries: int = 0

    @functools.cached_property
    def servers(self) -> list[Server]:
        """The servers resolve*/reverse ask when a request names none: ``dns.servers`` or the
        system's, read once, when first needed."""
        if self.settings.servers:
            return parse_servers(self.settings.servers)
        return system_servers()

    @classmethod
    def from_host(cls, host: Host) -> DnsState:
        """The state for ``host``, whose config is loaded (``dns.servers`` already validated)."""
        return cls(host.settings(DnsSettings))

    def diagnostics(self) -> dict[str, Any]:
        """What ``diagnostics.query`` shows under this plugin's name."""
        return {
            "lookups": self.lookups,
            "queries": self.queries,
            "servers": [str(server) for server in self.servers],
        }


STATE: Final = StashKey[DnsState]("dns")
"""Where a host keeps oro-dns's :class:`DnsState`."""
