"""The oro-hello plugin: hook implementations only.

The host finds this module through the entry point ``hello = "oro_hello.plugin"`` and calls the
functions below by name; each one calls into the module that does the work.
"""

from __future__ import annotations

import functools
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

from oro_hello import routes as hello_routes
from oro_hello import service, settings
from oro_hello.state import STATE, HelloState

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(hello_routes.PERMISSION, "Greet the user and count out loud (oro-hello).")


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    settings.declare(config)


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = HelloState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    hello_routes.register(routes)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add("oro:hello", JS_DIRECTORY / "hello.js", declarations=JS_DIRECTORY / "hello.d.ts")


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    services.add(
        service.NAME,
        functools.partial(service.run, host),
        doc="Sends the hello.heartbeat event to every window.",
        stop_on_pause=True,
    )


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    # Every service and stream has stopped by now; the state holds nothing else to close.
    host.stash.pop(STATE)
