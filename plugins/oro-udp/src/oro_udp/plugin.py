"""The oro-udp plugin: hook implementations only.

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
    from oro_udp.permissions import UDP

    permissions.declare(UDP)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_udp.settings import UdpSettings

    config.add_settings(UdpSettings, section="udp")


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_udp.service import UdpSockets
    from oro_udp.state import STATE

    host.stash[STATE] = UdpSockets.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_udp.routes import ROUTES

    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    from oro_udp.service import SERVICE_NAME
    from oro_udp.state import STATE

    services.add(
        SERVICE_NAME,
        host.stash[STATE].run,
        doc="Moves the pages' UDP datagrams; its sockets close while the app is paused and "
        "are bound again on resume.",
        stop_on_pause=True,
    )


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    from oro_udp.state import STATE

    host.stash[STATE].close_window(window)


@hookimpl
def oro_diagnostics(host: Host, window: int | None) -> dict[str, Any]:
    from oro_udp.state import STATE

    return host.stash[STATE].diagnostics(window)


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_udp.state import STATE

    sockets = host.stash.pop(STATE)
    if sockets is not None:
        sockets.close_all()
