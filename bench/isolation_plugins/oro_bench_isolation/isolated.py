"""The bench routes under ``bench.isolated``: the plugin bench/isolation.py runs in a process
of its own."""

from __future__ import annotations

from oro_framework import RouteTable, hookimpl

from .routes import register


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    register(routes, "bench.isolated")
