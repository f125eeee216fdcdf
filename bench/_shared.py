"""Pieces the benchmarks share (imported as ``_shared``: bench scripts run with ``bench/`` on
``sys.path``)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

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


async def per_call(function: Callable[[], Awaitable[Any]], calls: int, rounds: int) -> float:
    """Median seconds per call over ``rounds`` rounds of ``calls`` calls."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            await function()
        samples.append((time.perf_counter() - started) / calls)
    return statistics.median(samples)


GOAL_WIDTH = 8
"""Width of the goal column every table ends with, after its ratio."""


def goal(bound: str | None) -> str:
    """The goal column for a ratio: ``"<=1.3"`` (ours at most 1.3 times the baseline), ``">=1"``
    (at least as fast), or ``None`` where a row has no goal (printed ``-``)."""
    return f"{bound or '-':>{GOAL_WIDTH}}"


def print_ratio_header() -> None:
    """The header of a table of :func:`print_ratio_row` rows."""
    print(
        f"{'case':<26}{'ours µs':>10}  {'baseline':<20}{'base µs':>11}{'ratio':>10}"
        f"{'goal':>{GOAL_WIDTH}}"
    )


def print_ratio_row(
    case: str, ours: float, baseline: str, base: float, bound: str | None = None
) -> None:
    """One row: our seconds per call against the baseline's, the ratio ours ÷ baseline, and
    the goal for that ratio (see :func:`goal`)."""
    print(
        f"{case:<26}{ours * 1e6:>10.2f}  {baseline:<20}{base * 1e6:>11.2f}{ours / base:>10.3g}"
        f"{goal(bound)}"
    )
