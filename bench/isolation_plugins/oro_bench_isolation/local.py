"""The bench routes under ``bench.local``: the plugin bench/isolation.py runs in the host."""

from __future__ import annotations

from oro_framework import RouteTable, hookimpl

from .routes import register


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    register(routes, "bench.local")
