"""The oro-sqlite plugin (``sqlite``): hook implementations only.

Every command loads this module to collect the plugins' hooks (``oro --help`` too): it imports
nothing but ``hookimpl``, and each hook imports what it hands the host, so a command that never
builds a host never imports the routes, sqlite3 or the settings.
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
    from oro_sqlite.permissions import SQLITE

    permissions.declare(SQLITE)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_sqlite.settings import SQLiteSettings

    config.add_settings(SQLiteSettings, section="sqlite")


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_sqlite.state import STATE, Databases

    host.stash[STATE] = Databases.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_sqlite.routes import ROUTES

    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    from oro_sqlite.state import SERVICE_NAME, STATE

    services.add(
        SERVICE_NAME,
        host.stash[STATE].run,
        doc="Closes the databases of a page that went away, and every database when the app stops.",
    )


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    from oro_sqlite.state import STATE

    host.stash[STATE].close_window(window)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    from oro_sqlite.state import STATE

    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_sqlite.state import STATE

    # The service has stopped by now and closed every database with it.
    host.stash.pop(STATE)
