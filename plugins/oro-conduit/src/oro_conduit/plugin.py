"""The oro-conduit plugin: hook implementations only."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from oro_conduit import routes as conduit_routes
from oro_conduit import settings
from oro_conduit.server import ConduitServer
from oro_conduit.settings import ConduitSettings
from oro_conduit.state import STATE
from oro_framework import (
    ConfigRegistry,
    Host,
    JSModuleTable,
    PermissionRegistry,
    RouteTable,
    ServiceRegistry,
    hookimpl,
)

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(
        conduit_routes.PERMISSION,
        "The Conduit WebSocket channel: status, start/stop, shared key (oro-conduit).",
    )


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    settings.declare(config)


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = ConduitServer(host, ConduitSettings.from_config(host.config))


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    conduit_routes.register(routes)


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
        host.stash[STATE].run,
        doc="The Conduit WebSocket server on 127.0.0.1 (oro-conduit).",
        stop_on_pause=True,
    )


@hookimpl
def oro_page_args(host: Host, origin: str) -> Mapping[str, Any] | None:
    return host.stash[STATE].page_args(origin)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any] | None:
    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    # The server holds nothing outside its service, which has stopped by now.
    host.stash.pop(STATE)
