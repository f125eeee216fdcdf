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
from oro_udp.routes import ROUTES
from oro_udp.service import SERVICE_NAME, UdpSockets
from oro_udp.settings import UdpSettings
from oro_udp.state import STATE

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add_group(ROUTES)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add_settings(UdpSettings, section="udp")


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = UdpSockets.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    services.add(
        SERVICE_NAME,
        host.stash[STATE].run,
        doc="Moves the pages' UDP datagrams; its sockets close while the app is paused and "
        "are bound again on resume.",
        stop_on_pause=True,
    )


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    host.stash[STATE].close_window(window)


@hookimpl
def oro_diagnostics(host: Host, window: int | None) -> dict[str, Any]:
    return host.stash[STATE].diagnostics(window)


@hookimpl
def oro_unconfigure(host: Host) -> None:
    sockets = host.stash.pop(STATE)
    if sockets is not None:
        sockets.close_all()
