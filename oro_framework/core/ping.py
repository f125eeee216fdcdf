"""The ``ping`` route: the cheapest round trip, for liveness checks and transport benchmarks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from oro_framework import hookimpl

if TYPE_CHECKING:
    from oro_framework import Request, RouteTable


async def ping(request: Request) -> str:
    """Answer "pong"."""
    return "pong"


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add("ping", ping, permission="runtime")
