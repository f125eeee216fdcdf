"""The ``ping`` route: the cheapest round trip, for liveness checks and transport benchmarks."""

from __future__ import annotations

from oro_framework import Request, RouteTable, hookimpl


async def ping(request: Request) -> str:
    """Answer "pong"."""
    return "pong"


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add("ping", ping, permission="runtime")
