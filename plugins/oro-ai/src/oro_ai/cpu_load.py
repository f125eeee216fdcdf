"""How many threads a context may use when ``[ai.llm] threads`` is 0 (auto): the cores other
programs leave free, measured from Linux's ``/proc`` while the worker waits for work and between
its steps, so that a generation gives way to a busy neighbour instead of spinning against it.

llama.cpp's threads wait for each other at every operation of a step; one of them descheduled
by another program stalls the others (they spin on a core they do not get): one busy process on
a 2-core machine made an answer 3-6x slower with two threads, and barely slower with one. So the
thread count follows the free cores, and the host logs once per episode why generation slowed.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Final

__all__ = ["CoreWatch", "ThreadBudget"]

logger = logging.getLogger("oro_ai")

_INTERVAL: Final = 0.5
"""Seconds between two measurements: a few dozen tokens of a small model, and enough clock ticks
(100 a second per core) for a stable figure."""
_RECHECK: Final = 0.2
"""...and while generating with fewer threads: a neighbour that stopped (another model's answer
that ended as this one began) gives the cores back within a fifth of a second."""
_BUSY_FROM: Final = 0.5
"""A core counts as taken once other programs use half of it: our own spinning threads leave a
busy neighbour only part of its core, so a full core never shows while we compete for it."""
_FREE_BELOW: Final = 0.25
"""...and as free again only once they use less than a quarter of it (no flapping between two
counts when a neighbour hovers around half a core)."""


def _cpu_ticks(cores: list[int]) -> int | None:
    """Busy clock ticks (not idle, not waiting for I/O) of ``cores`` since boot."""
    try:
        lines = Path("/proc/stat").read_text().splitlines()
    except OSError:
        return None
    wanted = {f"cpu{core}" for core in cores}
    busy = 0
    for line in lines:
        name, _, rest = line.partition(" ")
        if name in wanted:
            # user nice system idle iowait irq softirq steal (guest time is inside user)
            fields = [int(value) for value in rest.split()[:8]]
            busy += sum(fields) - fields[3] - fields[4]
    return busy


def _ticks_of(pid: int | str) -> int | None:
    """Clock ticks process ``pid``'s threads have run since it started."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces: the fields counted from after its closing parenthesis.
    fields = text.rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += [int(child) for child in task.read_text().split()]
        except OSError:
            continue  # a thread that ended
    return children


def _own_ticks() -> int | None:
    """Clock ticks this app's processes have run: this one (llama.cpp's threads included), the
    processes it started (the window's WebKitWebProcess, which draws the tokens) and the one
    that started it (a client reading the stream): their work follows ours, and counting it as
    another program's would take threads away from the answer they wait for."""
    own = _ticks_of("self")
    if own is None:
        return None
    family = [os.getppid()]
    pending = _children(os.getpid())
    while pending:
        pid = pending.pop()
        family.append(pid)
        pending += _children(pid)
    return own + sum(_ticks_of(pid) or 0 for pid in family)


class CoreWatch:
    """Cores (this process's CPU set unless ``cores`` says) and how much of them other programs
    use."""

    def __init__(self, cores: list[int] | None = None) -> None:
        affinity = getattr(os, "sched_getaffinity", None)  # Linux only, as /proc
        if cores is None:
            cores = sorted(affinity(0)) if affinity else list(range(os.cpu_count() or 1))
        self.cores = cores
        self._hz = os.sysconf("SC_CLK_TCK")
        self._last = self._sample()

    def _sample(self) -> tuple[float, int, int] | None:
        total = _cpu_ticks(self.cores)
        own = _own_ticks()
        if total is None or own is None:
            return None
        return time.monotonic(), total, own

    def others(self) -> float | None:
        """Cores' worth of CPU other programs used since the previous call (or since this watch
        was made); ``None`` where ``/proc`` cannot tell (not Linux) or no time has passed."""
        previous, self._last = self._last, self._sample()
        if previous is None or self._last is None:
            return None
        seconds = self._last[0] - previous[0]
        if seconds <= 0:
            return None
        ticks = (self._last[1] - previous[1]) - (self._last[2] - previous[2])
        return max(0.0, ticks / (seconds * self._hz))


class ThreadBudget:
    """The thread count every context of one model uses, shared by them and re-measured at most
    every :data:`_INTERVAL` seconds (thread-safe: each worker asks before its steps).

    :param most: the count on a quiet machine (the cores divided among the contexts).
    :param contexts: contexts sharing the free cores.
    """

    def __init__(self, most: int, *, contexts: int, watch: CoreWatch | None = None) -> None:
        self.most = most
        self.contexts = contexts
        self.watch = watch or CoreWatch()
        self.current = most
        self._next = time.monotonic() + _INTERVAL
        self._lock = threading.Lock()

    def threads(self) -> int:
        """The thread count for the next step."""
        now = time.monotonic()
        if now < self._next or not self._lock.acquire(blocking=False):
            return self.current
        try:
            others = self.watch.others()
            if others is not None:
                self._update(others)
            self._next = now + (_INTERVAL if self.current == self.most else _RECHECK)
            return self.current
        finally:
            self._lock.release()

    def _fit(self, others: float, threshold: float) -> int:
        taken = int(others + 1 - threshold)
        free = max(1, len(self.watch.cores) - taken)
        return max(1, min(self.most, free // self.contexts))

    def _update(self, others: float) -> None:
        fewer = self._fit(others, _BUSY_FROM)
        more = self._fit(others, _FREE_BELOW)
        previous = self.current
        if fewer < previous:
            self.current = fewer
        elif more > previous:
            self.current = more
        if self.current == previous:
            return
        cores = len(self.watch.cores)
        if previous == self.most:
            # Once per episode: the reason an answer slowed, where the developer looks.
            logger.warning(
                "other programs are using %d of %d cores; generating with %d thread(s) per "
                "context instead of %d (set [ai.llm] threads to choose)",
                min(cores, int(others + 1 - _BUSY_FROM)),
                cores,
                self.current,
                self.most,
            )
        elif self.current == self.most:
            logger.info("the cores are free again; generating with %d thread(s)", self.most)
