"""The oro-hello plugin: hook implementations only.

The host finds this module through the entry point ``hello = "oro_hello.plugin"`` and calls the
functions below by name. Each hands the host what the plugin declares elsewhere: the permission
in ``permissions.py``, the route group it guards in ``routes.py``, the settings dataclass in
``settings.py``, the state in ``state.py``, the ES modules in ``js/`` (named by the ``@module``
headers of their ``.d.ts``).

Every ``oro`` command imports this module (``oro --help`` too), so it imports only ``hookimpl``:
each hook imports what it hands over when the host calls it.
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
    from oro_hello.permissions import HELLO

    permissions.declare(HELLO)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_hello.settings import HelloSettings

    config.add_settings(HelloSettings, section="hello")


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_hello.state import STATE, HelloState

    host.stash[STATE] = HelloState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_hello.routes import ROUTES

    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    from oro_hello import service
    from oro_hello.state import STATE

    services.add(
        service.NAME,
        host.stash[STATE].run,
        doc="Sends the hello.heartbeat event to every window.",
        stop_on_pause=True,
    )


@hookimpl
def oro_register_page_events(events: PageEventTable) -> None:
    from oro_hello.service import HEARTBEAT_EVENT

    # Only this plugin sends it: no page may send it to another window's page (window.send).
    events.add(HEARTBEAT_EVENT)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    from oro_hello.state import STATE

    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_hello.state import STATE

    # Every service and stream has stopped by now; the state holds nothing else to close.
    host.stash.pop(STATE)
