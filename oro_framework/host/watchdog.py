"""The loop-lag watchdog: who kept the event loop from serving everyone else.

Every request and every service shares one event loop, so an ``async def`` handler that calls
``time.sleep(5)`` or hashes a gigabyte stalls all of them. The watchdog times each step of each
task (a trio instrument: the time between two ``await`` points that really suspend) and logs
any step longer than ``ipc.loop_lag_warning_ms``, naming what ran in it: the route and its
plugin, or the service and its plugin, as marked with :func:`working_on`.

Only the trio backend (the host's) offers per-step hooks, so this module uses trio directly (as
docs/design.md lists); on another backend the watchdog does nothing, and
:attr:`LoopWatchdog.is_active` says so.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import Counter
from contextvars import ContextVar
from typing import Any, Final, final

import trio

__all__ = ["LoopWatchdog", "working_on"]

logger = logging.getLogger("oro_framework.watchdog")

DEFAULT_THRESHOLD: Final = 0.1


class _Step(threading.local):
    """Time spent by each piece of marked work in the loop thread's current task step. One
    step can run several pieces (a task that never suspends between two calls), so the report
    names the one that took longest, not the last one entered."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.spent: dict[str, float] = {}


_step = _Step()


@final
class working_on:  # used like a function: `with working_on(label):`
    """Mark the current task as running ``label`` (``route 'fs.stat' of plugin 'fs'``) so a
    blocking step is reported under that name. A class rather than ``@contextmanager``: it
    wraps every IPC call."""

    __slots__ = ("_entered_at", "_token", "label")

    def __init__(self, label: str) -> None:
        self.label = label

    def __enter__(self) -> None:
        self._entered_at = time.perf_counter()
        self._token = _work.set(self)

    def __exit__(self, *exc_info: object) -> None:
        _work.reset(self._token)
        _step.spent[self.label] = _step.spent.get(self.label, 0.0) + self.spent_in_step()

    def spent_in_step(self) -> float:
        return time.perf_counter() - max(self._entered_at, _step.started)


_work: ContextVar[working_on | None] = ContextVar("oro_framework_work", default=None)


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
        self._instrument: _StepTimer | None = None

    @property
    def is_active(self) -> bool:
        return self._instrument is not None

    def install(self) -> None:
        """Start timing steps; call from a task on the loop to watch."""
        if self._instrument is not None or not _on_trio():
            return
        self._instrument = _StepTimer(self)
        trio.lowlevel.add_instrument(self._instrument)

    def uninstall(self) -> None:
        """Stop timing steps; safe to call when not installed."""
        if self._instrument is None:
            return
        # trio drops an instrument that raised on its own; removing it again is a KeyError.
        with contextlib.suppress(KeyError):
            trio.lowlevel.remove_instrument(self._instrument)
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


def _on_trio() -> bool:
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return False
    return True


class _StepTimer(trio.abc.Instrument):
    """The trio instrument behind :class:`LoopWatchdog`.

    A step ends where the next one begins, or where the loop goes back to wait for I/O: timing
    it there rather than in ``after_task_step`` halves the instrument's calls, which every
    task step of every IPC call pays for.
    """

    def __init__(self, watchdog: LoopWatchdog) -> None:
        self._watchdog = watchdog
        # Installed in the middle of a step: that step's start is unknown, so it is not timed.
        self._task: trio.lowlevel.Task | None = None

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        if self._task is not None:
            self._end_step(self._task)
        _step.spent.clear()
        self._task = task
        _step.started = time.perf_counter()

    def before_io_wait(self, timeout: float) -> None:
        if self._task is not None:
            self._end_step(self._task)
            self._task = None

    def _end_step(self, task: trio.lowlevel.Task) -> None:
        elapsed = time.perf_counter() - _step.started
        if elapsed < self._watchdog.threshold:
            return
        spent = dict(_step.spent)
        still_open = task.context.get(_work)
        if still_open is not None:
            spent[still_open.label] = spent.get(still_open.label, 0.0) + still_open.spent_in_step()
        label = max(spent, key=spent.__getitem__) if spent else f"task {task.name!r}"
        self._watchdog.report(label, elapsed)
