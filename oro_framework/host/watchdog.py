"""The loop-lag watchdog: who kept the event loop from serving everyone else.

Every request and every service shares one event loop, so an ``async def`` handler that calls
``time.sleep(5)`` or hashes a gigabyte stalls all of them. The watchdog times each step of each
task (a trio instrument: the time between two ``await`` points that really suspend) and logs
any step longer than ``ipc.loop_lag_warning_ms``, naming what ran in it: the route and its
plugin, or the service and its plugin, as marked with :func:`working_on`. Marked work nests (the
Conduit's service runs the routes a page asks for over it): each piece is charged only the time
spent outside the pieces inside it, so a step is blamed on the innermost work that took it.

Only the trio backend (the host's) offers per-step hooks, so the watchdog uses trio directly (as
docs/design.md lists); on another backend it does nothing, and :attr:`LoopWatchdog.is_active`
says so. Its trio instrument lives in :mod:`oro_framework.host.step_timer`, imported when the
watchdog is installed: a command that builds a host without running it (``oro config get``)
never pays trio's import (~55 ms).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import TYPE_CHECKING, Any, Final, final

from oro_framework.host.task_step import step, work

if TYPE_CHECKING:
    from oro_framework.host.step_timer import StepTimer

__all__ = ["LoopWatchdog", "working_on"]

logger = logging.getLogger("oro_framework.watchdog")

DEFAULT_THRESHOLD: Final = 0.1


@final
class working_on:  # used like a function: `with working_on(label):`
    """Mark the current task as running ``label`` (``route 'fs.stat' of plugin 'fs'``) so a
    blocking step is reported under that name. A class rather than ``@contextmanager``: it
    wraps every IPC call."""

    __slots__ = ("_entered_at", "_outer", "_token", "label")

    def __init__(self, label: str) -> None:
        self.label = label

    def __enter__(self) -> None:
        self._entered_at = time.perf_counter()
        self._outer = work.get()
        self._token = work.set(self)

    def __exit__(self, *exc_info: object) -> None:
        work.reset(self._token)
        spent = self.spent_in_step()
        step.spent[self.label] = step.spent.get(self.label, 0.0) + spent - step.inner.pop(self, 0.0)
        if self._outer is not None:
            # The outer work did not spend this time itself: it ran this piece.
            step.inner[self._outer] = step.inner.get(self._outer, 0.0) + spent

    def spent_in_step(self) -> float:
        """Time spent in this step since it was entered, pieces inside it included."""
        return time.perf_counter() - max(self._entered_at, step.started)

    def spent_outside_inner(self) -> float:
        """Time spent in this step since it was entered, less the pieces inside it."""
        return self.spent_in_step() - step.inner.get(self, 0.0)


@final
class LoopWatchdog:
    """Times task steps on the running trio loop between :meth:`install` and :meth:`uninstall`.

    :param threshold: seconds a step may take before it is logged and counted.
    :ivar stalls: blocking steps per label.
    :ivar longest_ms: the longest blocking step per label, in milliseconds.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self.stalls: Counter[str] = Counter()
        self.longest_ms: dict[str, float] = {}
        self._instrument: StepTimer | None = None

    @property
    def is_active(self) -> bool:
        return self._instrument is not None

    def install(self) -> None:
        """Start timing steps; call from a task on the loop to watch."""
        if self._instrument is not None:
            return
        from oro_framework.host.step_timer import StepTimer, on_trio

        if not on_trio():
            return
        self._instrument = StepTimer(self)
        self._instrument.add()

    def uninstall(self) -> None:
        """Stop timing steps; safe to call when not installed."""
        if self._instrument is None:
            return
        self._instrument.remove()
        self._instrument = None

    def report(self, label: str, seconds: float) -> None:
        milliseconds = round(seconds * 1000, 1)
        self.stalls[label] += 1
        self.longest_ms[label] = max(self.longest_ms.get(label, 0.0), milliseconds)
        logger.warning(
            "%s blocked the event loop for %.0f ms (over %.0f ms); every other request waited",
            label,
            milliseconds,
            self.threshold * 1000,
        )

    def diagnostics(self) -> dict[str, Any]:
        """``{"thresholdMs", "stalls": {label: count}, "longestMs": {label: ms}}``."""
        return {
            "thresholdMs": self.threshold * 1000,
            "stalls": dict(self.stalls),
            "longestMs": dict(self.longest_ms),
        }
