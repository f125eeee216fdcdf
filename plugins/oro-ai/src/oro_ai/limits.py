"""Admission limits shared by every request: concurrency and a requests-per-second token
bucket. A request over a limit is refused at once (429 with ``Retry-After``); a running request
is never interrupted."""

from __future__ import annotations

import math
import time
from typing import Final

from oro_ai.errors import APIError

TOP_K_RANGE: Final = (0, 1000)
"""The ``top_k`` a request (and ``ai.llm.default_top_k``) may set; 0 turns it off."""

__all__ = ["TOP_K_RANGE", "RateLimiter"]


class RateLimiter:
    """``concurrency``: requests running at once (0: no limit); ``rps`` and ``burst``: a token
    bucket refilled at ``rps`` tokens per second holding at most ``burst`` (0: no limit)."""

    def __init__(self, *, concurrency: int, rps: float, burst: int) -> None:
        self.concurrency = concurrency
        self.rps = rps
        self.burst = max(burst, 1) if rps > 0 else 0
        self._tokens = float(self.burst)
        self._stamp = time.monotonic()
        self.running = 0
        self.refused = 0

    def acquire(self) -> None:
        """Take a slot, or raise the 429 to answer.

        :raises APIError: a limit is reached.
        """
        if self.concurrency and self.running >= self.concurrency:
            self.refused += 1
            raise APIError.rate_limited(
                f"Too many concurrent requests (ai.llm.rate_limit_concurrency = "
                f"{self.concurrency}); retry later",
                retry_after=1,
            )
        if self.rps > 0:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rps)
            self._stamp = now
            if self._tokens < 1:
                self.refused += 1
                wait = math.ceil((1 - self._tokens) / self.rps)
                raise APIError.rate_limited(
                    f"Request rate over ai.llm.rate_limit_rps = {self.rps}; retry in {wait} s",
                    retry_after=wait,
                )
            self._tokens -= 1
        self.running += 1

    def release(self) -> None:
        self.running -= 1
