"""The oro-conduit plugin: hook implementations only."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from oro_conduit import routes as _routes
from oro_conduit.server import LOOPBACK, ConduitServer
from oro_conduit.settings import ConduitSettings, declare_config
from oro_conduit.state import STATE_KEY, server_of
from oro_framework import (
    ConfigRegistry,
    Host,
    JSModuleTable,
    PermissionRegistry,
    RouteTable,
    ServiceRegistry,
    hookimpl,
)

JS_DIRECTORY = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(
        "conduit", "The Conduit WebSocket channel: status, start/stop, shared key (oro-conduit)."
    )


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    declare_config(config)


@hookimpl
def oro_configure(host: Host) -> None:
    host.state[STATE_KEY] = ConduitServer(host, ConduitSettings.from_config(host.config))


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    table = routes
    table.add("internal.conduit.status", _routes.status, permission="conduit")
    table.add("internal.conduit.start", _routes.start, permission="conduit")
    table.add("internal.conduit.stop", _routes.stop, permission="conduit")
    table.add("internal.conduit.getSharedKey", _routes.get_shared_key, permission="conduit")
    table.add("internal.conduit.setSharedKey", _routes.set_shared_key, permission="conduit")


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add(
        "oro:conduit",
        JS_DIRECTORY / "conduit.js",
        declarations=JS_DIRECTORY / "conduit.d.ts",
        preload=True,
    )
    modules.add(
        "oro:conduit/codec", JS_DIRECTORY / "codec.js", declarations=JS_DIRECTORY / "codec.d.ts"
    )


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    services.add(
        "conduit",
        server_of(host).run,
        doc="The Conduit WebSocket server on 127.0.0.1 (oro-conduit).",
        stop_on_pause=True,
    )


@hookimpl
def oro_page_args(host: Host, origin: str) -> Mapping[str, Any] | None:
    server = server_of(host)
    server.origins.add(origin)
    if not server.is_active or server.port is None:
        return None
    return {"conduit": {"hostname": LOOPBACK, "port": server.port, "key": server.key}}


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any] | None:
    return server_of(host).diagnostics()
