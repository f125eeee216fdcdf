"""The ``permissions.*`` routes: which runtime permissions the app's config leaves enabled."""

from __future__ import annotations

from typing import Any

from oro_framework import NotFoundError, Permission, Request, RouteTable, hookimpl


async def query(request: Request) -> dict[str, str]:
    """State of permission `name`: granted, or denied with the reason."""
    name = request.params.require_str("name")
    if name not in request.host.permissions:
        raise NotFoundError(f"Unknown permission '{name}'", permission=name)
    if request.host.is_permission_allowed(name):
        return {"name": name, "state": "granted"}
    return {
        "name": name,
        "state": "denied",
        "reason": f"Runtime permission is disabled for '{name}'",
    }


async def list_permissions(request: Request) -> list[dict[str, Any]]:
    """Every declared permission with its doc, plugin and state, by name."""
    host = request.host
    declared: list[Permission] = sorted(host.permissions, key=lambda permission: permission.name)
    return [
        {
            "name": permission.name,
            "doc": permission.doc,
            "plugin": permission.plugin,
            "state": "granted" if host.is_permission_allowed(permission.name) else "denied",
        }
        for permission in declared
    ]


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add("permissions.query", query, permission="runtime")
    routes.add("permissions.list", list_permissions, permission="runtime")
