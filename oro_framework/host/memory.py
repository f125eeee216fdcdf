"""One memory budget for everything the host buffers on a page's behalf.

Every route caps what one call may hold (``ipc.max_body_bytes``, ``zlib.max_output_bytes``,
``process`` ``maxBuffer``...), but caps per call do not bound their sum: 64 concurrent calls
each under their cap can still take the host to gigabytes and meet the OOM killer. Plugins
therefore reserve what they are about to buffer from :attr:`Host.memory
<oro_framework.Host.memory>` first, and grow the reservation as a buffer grows; a reservation
that would pass the budget is refused with :class:`~oro_framework.OutOfMemoryError` before the
memory is taken, and the host keeps serving everyone else.

The budget counts bytes the plugins say they hold, not the process's RSS: it is a promise
among plugins, cheap enough to take on every chunk (no lock, no system call; the host runs one
event loop, and worker threads reserve through the same object under the GIL).
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Final, final

from oro_framework.host.errors import OutOfMemoryError

__all__ = ["DEFAULT_MEMORY_BUDGET", "MemoryBudget", "MemoryReservation"]

DEFAULT_MEMORY_BUDGET: Final = 512 * 1024 * 1024
"""``ipc.memory_budget_bytes`` when ``oro.toml`` does not say: 512 MiB."""


@final
class MemoryBudget:
    """The bytes all plugins together may buffer for pages at once.

    :param limit: the budget in bytes (``ipc.memory_budget_bytes``).
    """

    def __init__(self, limit: int = DEFAULT_MEMORY_BUDGET) -> None:
        if limit <= 0:
            raise ValueError(f"memory budget must be positive, not {limit}")
        self.limit: Final = limit
        self._used = 0
        self._peak = 0
        self._refusals = 0
        # Reservations are taken from worker threads too (sqlite, zlib, sync handlers).
        self._lock = threading.Lock()

    @property
    def used(self) -> int:
        """Bytes reserved now."""
        return self._used

    @property
    def available(self) -> int:
        """Bytes that may still be reserved."""
        return self.limit - self._used

    def reserve(self, size: int, *, purpose: str) -> MemoryReservation:
        """Reserve ``size`` bytes (``0`` is allowed: a reservation to :meth:`grow
        <MemoryReservation.grow>` later). Use it as a context manager, or call
        :meth:`~MemoryReservation.release` when the buffer is gone.

        :param size: bytes about to be buffered.
        :param purpose: what for, named in the error (``"process output"``, ``"sqlite rows"``).
        :raises OutOfMemoryError: the budget does not have ``size`` bytes left.
        """
        reservation = MemoryReservation(self, purpose)
        reservation.grow(size)
        return reservation

    def clamp(self, requested: float | None, maximum: int) -> int:
        """A page's size limit (``maxBuffer``, ``maxOutputLength``) made safe: ``None``,
        ``Infinity``, NaN, negatives and anything above ``maximum`` become ``maximum``, and
        nothing exceeds the whole budget; a fraction is rounded down.

        :param requested: the page's value.
        :param maximum: the configured most a page may ask for.
        """
        ceiling = min(maximum, self.limit)
        if requested is None or requested != requested or requested <= 0:
            return ceiling
        if requested >= ceiling:
            return ceiling
        return int(requested)

    def snapshot(self) -> dict[str, int]:
        """``limit``, ``used``, ``peak`` and ``refusals`` (for diagnostics)."""
        return {
            "limit": self.limit,
            "used": self._used,
            "peak": self._peak,
            "refusals": self._refusals,
        }

    def _take(self, size: int, purpose: str) -> None:
        with self._lock:
            if size > self.limit - self._used:
                self._refusals += 1
                available = max(0, self.limit - self._used)
                raise OutOfMemoryError(
                    f"Not enough memory for {purpose}: {size} more bytes would pass the host's "
                    f"budget (ipc.memory_budget_bytes = {self.limit}; {available} available)",
                    requested=size,
                    available=available,
                )
            self._used += size
            self._peak = max(self._peak, self._used)

    def _give_back(self, size: int) -> None:
        with self._lock:
            self._used -= size


@final
class MemoryReservation:
    """Bytes held from a :class:`MemoryBudget`; released on :meth:`release` or when its
    ``with`` block ends. Releasing twice is harmless."""

    def __init__(self, budget: MemoryBudget, purpose: str) -> None:
        self._budget = budget
        self.purpose: Final = purpose
        self.size = 0

    def grow(self, size: int) -> None:
        """Hold ``size`` more bytes (a buffer that grew by a chunk).

        :raises OutOfMemoryError: the budget does not have them; the reservation keeps what it
            held, so the caller decides whether to drop the buffer.
        """
        if size < 0:
            raise ValueError(f"cannot grow a reservation by {size} bytes")
        if size:
            self._budget._take(size, self.purpose)
            self.size += size

    def shrink(self, size: int) -> None:
        """Give back ``size`` bytes (part of the buffer was handed on)."""
        size = min(size, self.size)
        if size > 0:
            self._budget._give_back(size)
            self.size -= size

    def resize(self, size: int) -> None:
        """Hold exactly ``size`` bytes.

        :raises OutOfMemoryError: as :meth:`grow`.
        """
        if size > self.size:
            self.grow(size - self.size)
        else:
            self.shrink(self.size - size)

    def release(self) -> None:
        """Give everything back."""
        self.shrink(self.size)

    def __enter__(self) -> MemoryReservation:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    def __del__(self) -> None:
        # A reservation dropped without release (a handler cancelled between two awaits) must
        # not leak budget for the rest of the run.
        if self.size:
            self.release()
