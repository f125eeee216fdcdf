"""The ``dns.*`` routes: their handlers and :data:`ROUTES`, the group the plugin adds to the host.
The contract with the JS side is the route table in ``docs/dns.md``."""

from __future__ import annotations

from typing import Any, Final

from oro_dns import lookup as lookups
from oro_dns.permissions import DNS
from oro_dns.state import STATE
from oro_framework import Request, RouteGroup

__all__ = ["ROUTES"]


async def lookup(request: Request) -> dict[str, Any]:
    """Addresses of `hostname` from the system's resolver (getaddrinfo): `family`, `all`,
    `order`/`verbatim`, `hints`."""
    state = request.host.stash[STATE]
    state.lookups += 1
    return await lookups.lookup(request.params)


async def resolve(request: Request) -> dict[str, Any]:
    """DNS records of `rrtype` (A, AAAA, ANY, CNAME, MX, NS, PTR, SOA, SRV, TXT) for
    `hostname`, from `servers` or the configured ones."""
    # dnspython's resolver imports its DNS-over-HTTPS stack (httpx, h2): ~0.3 s that every
    # `oro` command paid at start-up. It is imported at the first query instead.
    from oro_dns import resolver

    state = request.host.stash[STATE]
    state.queries += 1
    return await resolver.resolve(request.params, state)


async def reverse(request: Request) -> dict[str, Any]:
    """Host names of the address `ip` (its PTR records)."""
    from oro_dns import resolver

    state = request.host.stash[STATE]
    state.queries += 1
    return await resolver.reverse(request.params, state)


async def servers(request: Request) -> dict[str, Any]:
    """The servers resolve and reverse ask by default, in Node's notation."""
    return {"servers": [str(server) for server in request.host.stash[STATE].servers]}


ROUTES: Final = RouteGroup.guarded(
    DNS,
    handlers={
        "dns.lookup": lookup,
        "dns.resolve": resolve,
        "dns.reverse": reverse,
        "dns.getServers": servers,
    },
)
"""Every ``dns.*`` route, guarded by the ``dns`` permission (``[permissions] allow_dns``)."""
