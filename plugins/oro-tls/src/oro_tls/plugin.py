"""The oro-tls plugin: hook implementations only.

Every command loads this module to collect the plugins' hooks (``oro --help`` too): it imports
nothing but ``hookimpl``, and each hook imports what it hands the host, so a command that never
builds a host never imports the routes, the service or the settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from oro_framework import hookimpl

if TYPE_CHECKING:
    from oro_framework import (
        ConfigRegistry,
        Host,
        JSModuleTable,
        PermissionRegistry,
        RouteTable,
        ServiceRegistry,
    )

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    from oro_tls.permissions import TCP, TLS

    permissions.declare(TCP)
    permissions.declare(TLS)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_tls.settings import TcpSettings, TlsSettings

    config.add_settings(TcpSettings, section="tcp")
    config.add_settings(TlsSettings, section="tls")


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_tls.service import TcpSockets
    from oro_tls.state import STATE

    host.stash[STATE] = TcpSockets.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_tls.routes import TCP_ROUTES, TLS_ROUTES

    routes.add_group(TCP_ROUTES)
    routes.add_group(TLS_ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    from oro_tls.service import SERVICE_NAME
    from oro_tls.state import STATE

    services.add(
        SERVICE_NAME,
        host.stash[STATE].run,
        doc="Moves the pages' TCP and TLS bytes and accepts their servers' connections.",
    )


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    from oro_tls.state import STATE

    host.stash[STATE].close_window(window)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    from oro_tls.state import STATE

    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_tls.state import STATE

    sockets = host.stash.pop(STATE)
    if sockets is not None:
        sockets.close_all()
