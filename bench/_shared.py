"""Pieces the page-driven benchmarks share (imported as ``_shared``: bench scripts run with
``bench/`` on ``sys.path``)."""

from __future__ import annotations

import statistics

from oro_framework import Request, RouteTable, hookimpl


class EchoPlugin:
    """Route ``bench.echo``: the request body straight back."""

    name = "bench-echo"

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        async def echo(request: Request) -> bytes:
            return request.body

        routes.add("bench.echo", echo, permission="runtime")


def p50_p99(times: list[float]) -> tuple[float, float]:
    """Median and 99th percentile of ``times``."""
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
