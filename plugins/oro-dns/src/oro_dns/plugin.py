"""The oro-dns plugin: hook implementations only."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from oro_dns import routes as dns_routes
from oro_dns import settings
from oro_dns.state import STATE, DnsState
from oro_framework import (
    ConfigRegistry,
    Host,
    JSModuleTable,
    PermissionRegistry,
    RouteTable,
    hookimpl,
)

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(
        dns_routes.PERMISSION,
        "Resolve host names and query DNS records (oro:dns, node:dns).",
    )


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    settings.declare(config)


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = DnsState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    dns_routes.register(routes)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    for name, stem in (("dns", "index"), ("dns/promises", "promises")):
        modules.add(
            f"oro:{name}",
            JS_DIRECTORY / f"{stem}.js",
            aliases=(f"node:{name}",),
            declarations=JS_DIRECTORY / f"{stem}.d.ts",
        )


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    # Queries hold no resources past their request; the state has only settings and counters.
    host.stash.pop(STATE, None)
