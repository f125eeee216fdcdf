"""The oro-dns plugin: hook implementations only.

Every command loads this module to collect the plugins' hooks (``oro --help`` too): it imports
nothing but ``hookimpl``, and each hook imports what it hands the host, so a command that never
builds a host never imports the routes, their state or the settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from oro_framework import hookimpl

if TYPE_CHECKING:
    from oro_framework import ConfigRegistry, Host, JSModuleTable, PermissionRegistry, RouteTable

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    from oro_dns.permissions import DNS

    permissions.declare(DNS)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_dns.settings import DnsSettings

    config.add_settings(DnsSettings, section="dns")


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_dns.state import STATE, DnsState

    host.stash[STATE] = DnsState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_dns.routes import ROUTES

    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    from oro_dns.state import STATE

    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_dns.state import STATE

    # Queries hold no resources past their request; the state has only settings and counters.
    host.stash.pop(STATE)
