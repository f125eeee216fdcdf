"""The oro-tls plugin: hook implementations only."""

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
from oro_tls import routes as tls_routes
from oro_tls import settings
from oro_tls.service import SERVICE_NAME, TcpSockets
from oro_tls.state import STATE

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(
        tls_routes.PERMISSIONS["tcp"],
        "Open TCP connections and listen for them (oro:net, node:net).",
    )
    permissions.add(
        tls_routes.PERMISSIONS["tls"],
        "Open TLS connections and serve TLS, with certificate pins (oro:tls, node:tls).",
    )


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    settings.declare(config)


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = TcpSockets(
        host,
        settings.TcpSettings.from_config(host.config),
        settings.TlsSettings.from_config(host.config),
    )


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    tls_routes.register(routes)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    services.add(
        SERVICE_NAME,
        host.stash[STATE].serve,
        doc="Moves the pages' TCP and TLS bytes and accepts their servers' connections.",
    )


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    for name in ("net", "tls"):
        modules.add(
            f"oro:{name}",
            JS_DIRECTORY / f"{name}.js",
            aliases=(f"node:{name}",),
            declarations=JS_DIRECTORY / f"{name}.d.ts",
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
