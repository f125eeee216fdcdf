"""The terminal end of a page's console (docs/debugging.md): every window's console messages
and uncaught errors, as the engines report them, printed to the standard error of ``oro run``
and ``oro dev`` as ``oro: window 3: error: <text> (<source>:<line>)``.

A page is untrusted: its control characters (an ANSI escape would drive the terminal), line
breaks and bidirectional controls are written as escapes (``\\x1b``, ``\\n``, ``\\u202e``:
:func:`~oro_framework.host.terminal.terminal_safe`) and its text is cut to :data:`MAX_LINE`
characters, and a flood is cut to :data:`LINES_PER_SECOND` lines a second per window, then one
line saying how many were dropped. The engines report on the GUI thread:
:meth:`ConsolePrinter.submit` only queues (a bounded queue; a full one drops), and a thread of
its own writes, so a slow terminal never holds up a page or the host.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import Final, TextIO, final

from oro_framework.host.terminal import terminal_safe
from oro_framework.host.windows.debugging import ConsoleLevel, ConsoleMessage

__all__ = [
    "HIDDEN_PAGE_BUDGET",
    "LINES_PER_SECOND",
    "MAX_LINE",
    "ConsolePrinter",
    "console_line",
    "printed_levels",
]

MAX_LINE: Final = 2000
"""Characters of a message's text printed; the rest becomes ``…``."""

LINES_PER_SECOND: Final = 50
"""Lines a window may print in a second; the others are counted and said dropped."""

HIDDEN_PAGE_BUDGET: Final = 10_000
"""Console messages a document of a headless app (its windows never shown: what its pages log,
a test run's TAP, is all there is to see of it) passes on in a second, where a shown window's
passes on 100; still a bound on what a flood costs the GUI thread."""

QUEUE_SIZE: Final = 1000
"""Lines waiting for the terminal; more are dropped (counted) rather than held in memory."""

QUIET: Final[frozenset[ConsoleLevel]] = frozenset()
DEFAULT: Final[frozenset[ConsoleLevel]] = frozenset({"error", "warning"})
VERBOSE: Final[frozenset[ConsoleLevel]] = frozenset({"error", "warning", "info", "log", "debug"})


def printed_levels(*, verbose: bool, quiet: bool) -> frozenset[ConsoleLevel]:
    """The levels printed: warnings and errors; ``verbose`` adds log, info and debug;
    ``quiet`` prints none."""
    if quiet:
        return QUIET
    return VERBOSE if verbose else DEFAULT


def _clean(text: str, limit: int) -> str:
    cleaned = terminal_safe(text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def console_line(message: ConsoleMessage) -> str:
    """``message`` as the one terminal line printed for it, cleaned."""
    text = _clean(message.text, MAX_LINE)
    where = ""
    if message.source:
        where = f" ({_clean(message.source, 500)}:{message.line})"
    return f"oro: window {message.index}: {message.level}: {text}{where}"


@final
class _Budget:
    """One window's lines in the current second."""

    def __init__(self, second: float) -> None:
        self.second = second
        self.printed = 0
        self.dropped = 0


@final
class ConsolePrinter:
    """Prints the messages of ``levels`` to ``stream`` (standard error) on a daemon thread.

    :param clock: seconds, monotonic (a test's own clock).
    :param limited: cut a window's flood to :data:`LINES_PER_SECOND` lines a second; off for a
        headless app, whose pages' output (a test run's TAP) is all there is to see of it.
    """

    def __init__(
        self,
        levels: frozenset[ConsoleLevel],
        stream: TextIO | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        limited: bool = True,
    ) -> None:
        self._levels = levels
        self._limited = limited
        self._stream = stream
        self._clock = clock
        self._lock = threading.Lock()
        self._budgets: dict[int, _Budget] = {}
        self._lines: queue.Queue[str] = queue.Queue(QUEUE_SIZE)
        self._thread: threading.Thread | None = None

    def submit(self, message: ConsoleMessage) -> None:
        """Queue ``message`` for the terminal; never waits."""
        if message.level not in self._levels:
            return
        with self._lock:
            lines = self._admit(message.index)
            if lines:
                lines.append(console_line(message))
            for line in lines:
                self._put(message.index, line)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._write, name="oro-page-console", daemon=True
                )
                self._thread.start()

    def _admit(self, index: int) -> list[str]:
        """Lines to print before window ``index``'s next message (a count of those dropped the
        second before), in a list that is empty when this message is to be dropped too."""
        now = self._clock()
        budget = self._budgets.get(index)
        lines: list[str] = []
        if budget is None or now - budget.second >= 1.0:
            if budget is not None and budget.dropped:
                lines.append(_dropped(index, budget.dropped))
            budget = self._budgets[index] = _Budget(now)
        if self._limited and budget.printed >= LINES_PER_SECOND:
            budget.dropped += 1
            return []
        budget.printed += 1
        lines.append("")  # a slot: the caller appends the message's own line
        return lines

    def _put(self, index: int, line: str) -> None:
        if not line:
            return
        try:
            self._lines.put_nowait(line)
        except queue.Full:
            budget = self._budgets.get(index)
            if budget is not None:
                budget.dropped += 1

    def flush_dropped(self) -> None:
        """Say how many lines each window had dropped in a second now over (the writer calls
        this when idle, so that a flood that stopped is still reported)."""
        now = self._clock()
        with self._lock:
            for index, budget in self._budgets.items():
                if budget.dropped and now - budget.second >= 1.0:
                    self._put(index, _dropped(index, budget.dropped))
                    budget.dropped = 0

    def drain(self) -> None:
        """Write what is still queued, now: at exit, where the writer thread (a daemon) stops
        with the interpreter, so that the error a page hit just before the app ended shows."""
        while True:
            try:
                line = self._lines.get_nowait()
            except queue.Empty:
                return
            if not self._print(line):
                return

    def _write(self) -> None:
        while True:
            try:
                line = self._lines.get(timeout=1.0)
            except queue.Empty:
                self.flush_dropped()
                continue
            if not self._print(line):
                return

    def _print(self, line: str) -> bool:
        stream = self._stream or sys.stderr
        try:
            stream.write(line + "\n")
            stream.flush()
        except (OSError, ValueError):  # the terminal went away: nobody reads any more
            return False
        return True


def _dropped(index: int, count: int) -> str:
    return f"oro: window {index}: {count} console messages dropped (more than {LINES_PER_SECOND}/s)"
