"""What the loop thread's current task step spent, and on what: written by
:class:`~oro_framework.host.watchdog.working_on` around each piece of marked work, started, ended
and read by :class:`~oro_framework.host.step_timer.StepTimer`. Apart from both, so that neither
imports the other."""

from __future__ import annotations

import threading
import time
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oro_framework.host.watchdog import working_on

__all__ = ["step", "work"]


class _Step(threading.local):
    """Time spent by each piece of marked work in the loop thread's current task step. One
    step can run several pieces (a task that never suspends between two calls), so the report
    names the one that took longest, not the last one entered."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.spent: dict[str, float] = {}
        self.inner: dict[working_on, float] = {}
        """Per piece of work still open, the time pieces inside it spent in this step."""


step = _Step()
"""The loop thread's current task step."""

work: ContextVar[working_on | None] = ContextVar("oro_framework_work", default=None)
"""The marked work the current task is in, if any."""
