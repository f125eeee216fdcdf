"""The ``permissions.*`` routes: which runtime permissions the app's config leaves enabled, and,
for what pages ask of the web platform (camera, microphone, screen, geolocation,
notifications), what the permission broker says for the asking page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oro_framework import PERMISSION_KINDS, NotFoundError, hookimpl

if TYPE_CHECKING:
    from oro_framework import Permission, Request, RouteTable


async def query(request: Request) -> dict[str, str]:
    """State of permission `name`: granted, denied with the reason, or prompt (the broker's
    kinds, for which the user will be asked)."""
    name = _declared(request)
    if name in PERMISSION_KINDS:
        broker = request.host.permission_broker
        return (await broker.state(name, _page_origin(request), request.window)).to_json()
    if request.host.is_permission_allowed(name):
        return {"name": name, "state": "granted"}
    return {
        "name": name,
        "state": "denied",
        "reason": f"Runtime permission is disabled for '{name}'",
    }


async def request_permission(request: Request) -> dict[str, str]:
    """Ask for permission `name` as the page's engine would (the broker's kinds: the app, what
    the user remembered, else a prompt over the asking window), then answer its state."""
    name = _declared(request)
    if name in PERMISSION_KINDS:
        broker = request.host.permission_broker
        origin = _page_origin(request)
        allowed = await broker.decide(broker.request([name], origin, request.window))
        state = await broker.state(name, origin, request.window)
        if state.state == "prompt":
            # Nobody could be asked (no window): this request is denied, the next may ask.
            return {"name": name, "state": "granted" if allowed else "denied"}
        return state.to_json()
    return await query(request)


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


def _declared(request: Request) -> str:
    name = request.params.require_str("name")
    if name not in request.host.permissions:
        raise NotFoundError(f"Unknown permission '{name}'", permission=name)
    return name


def _page_origin(request: Request) -> str:
    """The asking page's origin: pages that reach the routes are the app's own (other origins
    have no credential), so the app's."""
    return request.host.windows.origin or "app"


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add("permissions.query", query, permission="runtime")
    routes.add("permissions.request", request_permission, permission="runtime")
    routes.add("permissions.list", list_permissions, permission="runtime")
