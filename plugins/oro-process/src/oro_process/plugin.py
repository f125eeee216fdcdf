"""The oro-process plugin (``child_process``): hook implementations only.

Every command loads this module to collect the plugins' hooks (``oro --help`` too): it imports
nothing but ``hookimpl``, and each hook imports what it hands the host, so a command that never
builds a host never imports the routes, their state or the settings.
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
        PageEventTable,
        PermissionRegistry,
        RouteTable,
        ServiceRegistry,
    )

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    from oro_process.permissions import BACKEND_PROCESS, CHILD_PROCESS

    permissions.declare(CHILD_PROCESS)
    permissions.declare(BACKEND_PROCESS)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_process.settings import BackendSettings, ProcessSettings

    config.add_settings(ProcessSettings, section="process")
    config.add_settings(BackendSettings, section="process.backend")


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_process.backend import BACKEND, BackendProcess
    from oro_process.state import STATE, ChildProcesses

    children = ChildProcesses.from_host(host)
    host.stash[STATE] = children
    host.stash[BACKEND] = BackendProcess.from_host(host, children)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_process.backend_routes import BACKEND_ROUTES
    from oro_process.routes import ROUTES

    routes.add_group(ROUTES)
    routes.add_group(BACKEND_ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_register_page_events(events: PageEventTable) -> None:
    from oro_process.backend import EVENTS

    events.add(*EVENTS)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    from oro_process.state import SERVICE_NAME, STATE

    services.add(
        SERVICE_NAME,
        host.stash[STATE].run,
        doc="Watches the pages' child processes and the backend process; ends every child's "
        "process group when the app stops.",
    )


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    from oro_process.state import STATE

    host.stash[STATE].close_window(window)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    from oro_process.backend import BACKEND
    from oro_process.state import STATE

    return {**host.stash[STATE].diagnostics(), "backend": host.stash[BACKEND].diagnostics()}


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_process.backend import BACKEND
    from oro_process.state import STATE

    # The service has stopped by now, and ended every child (the backend too) with it.
    host.stash.pop(BACKEND)
    host.stash.pop(STATE)
