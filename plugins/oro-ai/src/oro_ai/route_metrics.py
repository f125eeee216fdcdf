"""Per-endpoint request figures for debugging (``[ai.llm] debug_route_metrics``): how often each
endpoint was asked, how it answered, and which were asked lately. Shown as ``routes`` in
``/health`` (Oro's shape: ``counts``, ``recent``, ``status``) and in ``diagnostics.query``."""

from __future__ import annotations

import time
from collections import deque
from typing import Any, Final, final

__all__ = ["RECENT_CAP", "RouteMetrics", "status_class"]

RECENT_CAP: Final = 64
"""The most recent requests kept, whatever the time window."""


def status_class(status: int) -> str:
    """``2xx``, ``4xx``, ``5xx`` or ``other``: how an answer is counted."""
    if 200 <= status < 300:
        return "2xx"
    if 400 <= status < 500:
        return "4xx"
    if 500 <= status < 600:
        return "5xx"
    return "other"


@final
class RouteMetrics:
    """The figures of one ``/ai/llama`` app. Endpoints are named by their full path
    (``/ai/llama/v1/completions``); a request for no endpoint counts as ``unrouted`` so that
    the figures cannot grow with whatever paths a client makes up.

    :param enabled: off, nothing is recorded and :meth:`snapshot` is ``None``.
    :param recent_ms: how far back :meth:`snapshot`'s ``recent`` goes; 0: no time limit.
    :param top_k: endpoints in ``counts`` and ``status``, the most asked first; 0: all.
    """

    def __init__(self, *, enabled: bool, recent_ms: int = 300_000, top_k: int = 32) -> None:
        self.enabled = enabled
        self.recent_ms = recent_ms
        self.top_k = top_k
        self.counts: dict[str, int] = {}
        self.statuses: dict[str, dict[str, int]] = {}
        self._recent: deque[tuple[str, float]] = deque(maxlen=RECENT_CAP)

    def record(self, route: str) -> None:
        """A request for ``route`` arrived."""
        if not self.enabled:
            return
        self.counts[route] = self.counts.get(route, 0) + 1
        self._recent.append((route, time.monotonic()))

    def record_status(self, route: str, status: int) -> None:
        """``route`` answered ``status`` (the HTTP status it started its answer with)."""
        if not self.enabled:
            return
        buckets = self.statuses.setdefault(route, {})
        bucket = status_class(status)
        buckets[bucket] = buckets.get(bucket, 0) + 1

    def snapshot(self) -> dict[str, Any] | None:
        """``{"counts", "recent", "status"}``, or ``None`` when off."""
        if not self.enabled:
            return None
        if self.recent_ms > 0:
            cutoff = time.monotonic() - self.recent_ms / 1000
            while self._recent and self._recent[0][1] < cutoff:
                self._recent.popleft()
        ranked = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        if self.top_k > 0:
            ranked = ranked[: self.top_k]
        return {
            "counts": dict(ranked),
            "recent": [route for route, _ in self._recent],
            "status": {
                route: dict(self.statuses[route]) for route, _ in ranked if route in self.statuses
            },
        }
