"""A port of Oro's test extension ``simple-ipc-ping`` (test/src/extensions/simple/ipc-ping.cc):
the route ``simple.ping`` answers the ``value`` it is sent."""

from __future__ import annotations

from typing import Any, Final

from oro_framework import PermissionRegistry, Request, RouteGroup, RouteTable, hookimpl


async def ping(request: Request) -> Any:
    """Answer the `value` parameter (Oro's sapi_ipc_message_get_value)."""
    return request.params.get("value")


ROUTES: Final = RouteGroup(
    permission="simple_ipc_ping",
    doc="The simple IPC ping extension's route.",
    handlers={"simple.ping": ping},
)


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add_group(ROUTES)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add_group(ROUTES)
