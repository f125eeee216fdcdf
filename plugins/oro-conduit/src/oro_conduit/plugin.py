"""The oro-conduit plugin: hook implementations only.

Every command loads this module to collect the plugins' hooks (``oro --help`` too): it imports
nothing but ``hookimpl``, and each hook imports what it hands the host, so a command that never
builds a host never imports the routes, the server or the settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from oro_framework import hookimpl

if TYPE_CHECKING:
    from oro_framework import (
        ConfigRegistry,
        Host,
        JSModuleTable,
        PageEventTable,
        PermissionRegistry,
        RouteTable,
        ServiceRegistry,
    )

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    from oro_conduit.permissions import CONDUIT

    permissions.declare(CONDUIT)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_conduit.settings import ConduitSettings

    config.add_settings(ConduitSettings, section="conduit")


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_conduit.server import ConduitServer
    from oro_conduit.settings import ConduitSettings
    from oro_conduit.state import STATE

    host.stash[STATE] = ConduitServer(host, host.settings(ConduitSettings))


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_conduit.routes import ROUTES

    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    # oro:conduit installs itself as oro:ipc's transport in every page.
    modules.add_directory(JS_DIRECTORY, preload=["oro:conduit"])


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    from oro_conduit.state import STATE

    services.add(
        "conduit",
        host.stash[STATE].run,
        doc="The Conduit WebSocket server on 127.0.0.1 (oro-conduit).",
        stop_on_pause=True,
    )


@hookimpl
def oro_register_page_events(events: PageEventTable) -> None:
    from oro_conduit.server import FALLBACK_EVENT

    events.add(FALLBACK_EVENT)


@hookimpl
def oro_page_args(host: Host, origin: str) -> Mapping[str, Any] | None:
    from oro_conduit.state import STATE

    return host.stash[STATE].page_args(origin)


@hookimpl
def oro_diagnostics(host: Host, window: int | None) -> dict[str, Any] | None:
    from oro_conduit.state import STATE

    return host.stash[STATE].diagnostics(window)


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_conduit.state import STATE

    # The server holds nothing outside its service, which has stopped by now.
    host.stash.pop(STATE)
