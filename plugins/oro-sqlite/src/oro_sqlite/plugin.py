"""The oro-sqlite plugin (``sqlite``): hook implementations only."""

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
from oro_sqlite.routes import ROUTES
from oro_sqlite.settings import SQLiteSettings
from oro_sqlite.state import SERVICE_NAME, STATE, Databases

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add_group(ROUTES)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add_settings(SQLiteSettings, section="sqlite")


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = Databases.from_host(host)


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
        doc="Closes the databases of a page that went away, and every database when the app stops.",
    )


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    host.stash[STATE].close_window(window)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    # The service has stopped by now and closed every database with it.
    host.stash.pop(STATE)
