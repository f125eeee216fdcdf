"""The oro-dns plugin: hook implementations only."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from oro_dns.routes import ROUTES
from oro_dns.settings import DnsSettings
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
    permissions.add_group(ROUTES)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add_settings(DnsSettings, section="dns")


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = DnsState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    # Queries hold no resources past their request; the state has only settings and counters.
    host.stash.pop(STATE)
