"""The oro-hello plugin: hook implementations only.

The host finds this module through the entry point ``hello = "oro_hello.plugin"`` and calls the
functions below by name; each registers something from :mod:`oro_hello.handlers`.
"""

from __future__ import annotations

from typing import Any

from oro_framework import (
    ConfigRegistry,
    Host,
    PermissionRegistry,
    RouteTable,
    ServiceRegistry,
    hookimpl,
)

from oro_hello import handlers


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add("hello", "Greet the user and count out loud (oro-hello).")


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add(
        "hello.greeting",
        str,
        "Hello",
        "Word hello.greet puts before the name.",
        validator=handlers.check_greeting,
    )
    config.add(
        "hello.max_count",
        int,
        100,
        "Largest 'to' hello.count accepts.",
        validator=handlers.check_positive,
    )
    config.add(
        "hello.heartbeat_ms",
        int,
        1000,
        "Milliseconds between two hello.heartbeat events.",
        validator=handlers.check_positive,
    )


@hookimpl
def oro_configure(host: Host) -> None:
    host.state[handlers.STATE_KEY] = handlers.HelloState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add("hello.greet", handlers.greet, permission="hello")
    routes.add("hello.count", handlers.count, permission="hello")


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    services.add(
        "hello.heartbeat",
        handlers.heartbeat(host),
        doc="Sends the hello.heartbeat event to every window.",
        stop_on_pause=True,
    )


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    return handlers.diagnostics(host)


@hookimpl
def oro_unconfigure(host: Host) -> None:
    host.state.pop(handlers.STATE_KEY, None)
