"""The trio instrument behind :class:`~oro_framework.host.watchdog.LoopWatchdog`, in its own
module so that only a host that runs imports trio."""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, final

import trio

from oro_framework.host.task_step import step, work

if TYPE_CHECKING:
    from oro_framework.host.watchdog import LoopWatchdog

__all__ = ["StepTimer", "on_trio"]


def on_trio() -> bool:
    """Whether the calling task runs on trio (the only backend with per-step hooks)."""
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return False
    return True


@final
class StepTimer(trio.abc.Instrument):
    """The trio instrument behind :class:`LoopWatchdog`.

    A step ends where the next one begins, or where the loop goes back to wait for I/O: timing
    it there rather than in ``after_task_step`` halves the instrument's calls, which every
    task step of every IPC call pays for.
    """

    def __init__(self, watchdog: LoopWatchdog) -> None:
        self._watchdog = watchdog
        # Installed in the middle of a step: that step's start is unknown, so it is not timed.
        self._task: trio.lowlevel.Task | None = None

    def add(self) -> None:
        trio.lowlevel.add_instrument(self)

    def remove(self) -> None:
        # trio drops an instrument that raised on its own; removing it again is a KeyError.
        with contextlib.suppress(KeyError):
            trio.lowlevel.remove_instrument(self)

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        if self._task is not None:
            self._end_step(self._task)
        step.spent.clear()
        step.inner.clear()
        self._task = task
        step.started = time.perf_counter()

    def before_io_wait(self, timeout: float) -> None:
        if self._task is not None:
            self._end_step(self._task)
            self._task = None

    def _end_step(self, task: trio.lowlevel.Task) -> None:
        elapsed = time.perf_counter() - step.started
        if elapsed < self._watchdog.threshold:
            return
        spent = dict(step.spent)
        still_open = task.context.get(work)
        if still_open is not None:
            spent[still_open.label] = spent.get(still_open.label, 0.0) + (
                still_open.spent_outside_inner()
            )
        label = max(spent, key=spent.__getitem__) if spent else f"task {task.name!r}"
        self._watchdog.report(label, elapsed)
