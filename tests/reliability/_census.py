"""What a process holds (descriptors, threads, resident memory) and a wait until it is back.

The reliability tests compare a census taken before a load or fault with one taken after the
host settled: a leak shows as descriptors or threads that never come back, not as a slow test.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Final

import anyio

PAGE_BYTES: Final = os.sysconf("SC_PAGE_SIZE")
SETTLE_SECONDS: Final = 15.0
"""How long released resources may take to come back: the server closes a finished connection
within its keep-alive timeout (5 s)."""


@dataclass(frozen=True)
class Census:
    descriptors: int
    threads: int
    rss_bytes: int

    @classmethod
    def of(cls, pid: int | None = None) -> Census:
        """This process (``None``), or process ``pid``, as /proc shows it."""
        proc = f"/proc/{pid or 'self'}"
        descriptors = len(os.listdir(f"{proc}/fd"))
        threads = threading.active_count() if pid is None else len(os.listdir(f"{proc}/task"))
        with open(f"{proc}/statm") as statm:
            rss_pages = int(statm.read().split()[1])
        return cls(descriptors, threads, rss_pages * PAGE_BYTES)

    def describe(self) -> str:
        return f"{self.descriptors} fds, {self.threads} threads, {self.rss_bytes / 2**20:.0f} MiB"


async def settled(
    baseline: Census, *, pid: int | None = None, slack_descriptors: int = 2, slack_threads: int = 0
) -> Census:
    """Poll until descriptors and threads are back within ``slack`` of ``baseline``; the last
    census either way (the caller asserts, so a failure shows the numbers)."""
    current = Census.of(pid)
    with anyio.move_on_after(SETTLE_SECONDS):
        while (
            current.descriptors > baseline.descriptors + slack_descriptors
            or current.threads > baseline.threads + slack_threads
        ):
            # Nothing signals "the kernel closed that socket": polling is the only way to see it.
            await anyio.sleep(0.05)
            current = Census.of(pid)
    return current
