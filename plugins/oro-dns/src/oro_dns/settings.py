"""The ``[dns]`` config keys, declared once as the fields of :class:`DnsSettings`."""

from __future__ import annotations

from typing import final

from oro_dns.servers import parse_servers
from oro_framework import setting, validators
from oro_framework.records import record

__all__ = ["DnsSettings"]


def _servers(value: list[str]) -> None:
    # Refused when the host is built, with the file and line, rather than at the first query.
    parse_servers(value)


@final
@record
class DnsSettings:
    """The ``[dns]`` keys of one host (``config.add_settings(DnsSettings, section="dns")``)."""

    servers: list[str] = setting(
        [],
        "DNS servers dns.resolve*/reverse ask ('1.2.3.4', '1.2.3.4:5353', '[::1]:53'); "
        "empty: the system's (/etc/resolv.conf). dns.lookup always uses the system's resolver.",
        validator=_servers,
    )
    timeout_ms: int = setting(
        5000,
        "Milliseconds dns.resolve*/reverse wait for one answer before trying again.",
        validator=validators.positive,
    )
    tries: int = setting(
        4,
        "Attempts dns.resolve*/reverse make before failing with ETIMEOUT.",
        validator=validators.positive,
    )
