"""Descriptor bookkeeping for the oro-fs tests: a ledger of every ``os.open``/``os.close`` made
inside a block (which descriptors are open at all: ``oro_framework.testing.opened_since``).

A descriptor closed twice is the worst bug a file layer can have: once its number has been reused
by another thread, the second close takes that thread's file away (and its next write lands
wherever the number points then). The ledger catches it on the first close that names a number
the block did not open (or already closed), before the real ``os.close`` could do that damage.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Ledger", "ledger"]


class Ledger:
    """What ``os.open``/``os.close`` did while :func:`ledger` was active.

    :ivar foreign_closes: numbers closed that the block had not opened (or closed already).
    :ivar live: descriptors opened by the block and not closed yet.
    :ivar before_open: called with the running count and the path before each ``os.open``, so a
        test can change the tree at an exact point of an operation (a deterministic race).
    """

    def __init__(self) -> None:
        self.live: set[int] = set()
        self.foreign_closes: list[int] = []
        self.opens = 0
        self.before_open: Callable[[int, object], None] | None = None
        self._lock = threading.Lock()

    def assert_clean(self) -> None:
        closes = self.foreign_closes
        assert closes == [], f"closed descriptors it did not own: {closes}"
        assert self.live == set(), f"left descriptors open: {sorted(self.live)}"


@contextmanager
def ledger() -> Iterator[Ledger]:
    """Record every ``os.open``/``os.close`` of the block (all threads) in a :class:`Ledger`.

    A close of a number the block does not hold is recorded and refused with ``EBADF`` instead
    of reaching the OS: it would close a descriptor of pytest, hypothesis or another thread.
    """
    record = Ledger()
    real_open, real_close = os.open, os.close

    def spy_open(path: object, *args: Any, **kwargs: Any) -> int:
        if record.before_open is not None:
            record.before_open(record.opens, path)
        record.opens += 1
        fd = real_open(path, *args, **kwargs)
        with record._lock:
            record.live.add(fd)
        return fd

    def spy_close(fd: int) -> None:
        with record._lock:
            if fd not in record.live:
                record.foreign_closes.append(fd)
                raise OSError(errno.EBADF, os.strerror(errno.EBADF))
            record.live.discard(fd)
        real_close(fd)

    os.open, os.close = spy_open, spy_close  # type: ignore[assignment]
    try:
        yield record
    finally:
        os.open, os.close = real_open, real_close  # type: ignore[assignment]
