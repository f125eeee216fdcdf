"""The oro-udp plugin: hook implementations only."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from oro_framework import (
    ConfigRegistry,
    Host,
    JSModuleTable,
    PermissionRegistry,
    RouteTable,
    ServiceRegistry,
    hookimpl,
)
from oro_udp import routes as udp_routes
from oro_udp import settings
from oro_udp.service import SERVICE_NAME, UdpSockets
from oro_udp.state import STATE

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(
        udp_routes.PERMISSION,
        "Send and receive UDP datagrams: unicast, broadcast, multicast (oro:dgram, node:dgram).",
    )


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    settings.declare(config)


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = UdpSockets(host, settings.UdpSettings.from_config(host.config))


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    udp_routes.register(routes)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    services.add(
        SERVICE_NAME,
        host.stash[STATE].serve,
        doc="Moves the pages' UDP datagrams; its sockets close while the app is paused and "
        "are bound again on resume.",
        stop_on_pause=True,
    )


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add(
        "oro:dgram",
        JS_DIRECTORY / "dgram.js",
        aliases=("node:dgram",),
        declarations=JS_DIRECTORY / "dgram.d.ts",
    )


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    host.stash[STATE].close_window(window)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    sockets = host.stash.pop(STATE, None)
    if sockets is not None:
        sockets.close_all()
