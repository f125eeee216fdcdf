"""Open files, directories and watchers, per window, with a cap (EMFILE past it).

Ids are chosen by the page; the OS descriptor never leaves the host. A descriptor closed while a
worker thread still uses it (the page went away mid-read) is closed by the OS only when that
thread is done, so a descriptor number is never reused under a running operation.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import field
from typing import Any, Literal, Protocol, final

import anyio

from oro_framework import ErrnoError, InvalidArgumentError, NotFoundError
from oro_framework.records import record
from oro_fs.text import printable

__all__ = ["Descriptor", "DescriptorTable", "Handle", "Kind"]

logger = logging.getLogger("oro_fs.descriptors")

Kind = Literal["file", "directory", "watcher"]


class Handle(Protocol):
    """What a descriptor holds open: an :class:`~oro_framework.OwnedDescriptor`, or an
    :class:`~oro_fs.ops.AtomicFile` (whose ``close`` discards the uncommitted write)."""

    @property
    def fd(self) -> int: ...

    def close(self) -> None: ...


@final
@record(frozen=False, eq=False)
class Descriptor:
    """One open thing of a window. ``handle`` owns the OS descriptor (``None`` for a watcher
    or while opening); ``entries`` the directory listing iterator; ``on_close`` stops a
    watcher."""

    id: str
    kind: Kind
    path: str
    number: int
    handle: Handle | None = None
    entries: Iterator[os.DirEntry[str]] | None = None
    on_close: Callable[[], None] | None = None
    closed: bool = False
    busy: int = 0
    lock: anyio.Lock = field(default_factory=anyio.Lock)

    @property
    def fd(self) -> int | None:
        """The OS descriptor, for one operation inside :meth:`use`."""
        return None if self.handle is None else self.handle.fd

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.kind, "path": self.path, "fd": self.number}

    def close(self) -> None:
        """Mark closed; release OS resources now, or when the last running operation ends."""
        if self.closed:
            return
        self.closed = True
        if self.on_close is not None:
            self.on_close()
        if self.busy == 0:
            self._release()

    def attach(self, handle: Handle, entries: Iterator[os.DirEntry[str]] | None = None) -> bool:
        """Give the reservation what it opened (it owns it from now on); ``False`` (and closed
        at once) when the descriptor was closed while it was being opened."""
        self.handle, self.entries = handle, entries
        if self.closed:
            self._release()
            return False
        return True

    def _release(self) -> None:
        entries, self.entries = self.entries, None
        if entries is not None:
            close = getattr(entries, "close", None)
            if close is not None:
                close()
        handle, self.handle = self.handle, None
        if handle is not None:
            try:
                handle.close()
            except OSError:
                logger.exception("closing descriptor %s (%s) failed", self.id, self.path)

    @asynccontextmanager
    async def use(self) -> AsyncIterator[Descriptor]:
        """Hold the descriptor for one operation (operations on it run one at a time, as the
        position of a file or directory listing is shared)."""
        async with self.lock:
            if self.closed:
                raise _not_open(self.id)
            self.busy += 1
            try:
                yield self
            finally:
                self.busy -= 1
                if self.closed and self.busy == 0:
                    self._release()


def _not_open(descriptor_id: str) -> NotFoundError:
    shown = printable(descriptor_id)
    return NotFoundError(f"No open descriptor with id '{shown}'", code="ENOTOPEN", id=shown)


@final
class DescriptorTable:
    """Every window's descriptors (a caller without a window has none: the routes refuse it
    with ``ERR_NO_WINDOW`` before they get here)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._windows: dict[int, dict[str, Descriptor]] = {}
        self._numbers: dict[int, int] = {}

    def reserve(self, window: int, descriptor_id: str, kind: Kind, path: str) -> Descriptor:
        """Claim ``descriptor_id`` before the (slow) open happens, so the cap holds under
        concurrent opens.

        :raises InvalidArgumentError: the id is empty, not valid Unicode, or already open in
            this window.
        :raises ErrnoError: EMFILE, the window holds ``limit`` descriptors.
        """
        if not descriptor_id:
            raise InvalidArgumentError.missing("id")
        if printable(descriptor_id) != descriptor_id:
            # Answers and listings carry the id back; one that cannot be encoded is refused.
            raise InvalidArgumentError(
                "Descriptor ids must be valid Unicode", code="ERR_INVALID_ARG_VALUE"
            )
        table = self._windows.setdefault(window, {})
        if descriptor_id in table:
            shown = printable(descriptor_id)
            raise InvalidArgumentError(
                f"Descriptor id '{shown}' is already open", code="ERR_INVALID_ARG_VALUE", id=shown
            )
        if len(table) >= self.limit:
            raise ErrnoError.from_os_error(
                OSError(errno.EMFILE, os.strerror(errno.EMFILE)),
                syscall="open",
                path=printable(path),
            )
        number = self._numbers.get(window, 2) + 1
        self._numbers[window] = number
        descriptor = Descriptor(descriptor_id, kind, printable(path), number)
        table[descriptor_id] = descriptor
        return descriptor

    def get(self, window: int, descriptor_id: str, kind: Kind | None = None) -> Descriptor:
        """:raises NotFoundError: ENOTOPEN, no such id (of that kind) in this window."""
        descriptor = self._windows.get(window, {}).get(descriptor_id)
        if descriptor is None or (kind is not None and descriptor.kind != kind):
            raise _not_open(descriptor_id)
        return descriptor

    def close(self, window: int, descriptor_id: str, kind: Kind | None = None) -> None:
        descriptor = self.get(window, descriptor_id, kind)
        self._forget(window, descriptor)
        descriptor.close()

    def discard(self, window: int, descriptor: Descriptor) -> None:
        """Drop a reservation whose open failed."""
        self._forget(window, descriptor)
        descriptor.close()

    def _forget(self, window: int, descriptor: Descriptor) -> None:
        table = self._windows.get(window, {})
        if table.get(descriptor.id) is descriptor:
            del table[descriptor.id]
        if not table:
            self._windows.pop(window, None)
            self._numbers.pop(window, None)

    def of(self, window: int) -> list[Descriptor]:
        return list(self._windows.get(window, {}).values())

    def all(self) -> list[Descriptor]:
        return [d for table in self._windows.values() for d in table.values()]

    def close_window(self, window: int) -> int:
        """Close every descriptor of ``window`` (its page went away); how many."""
        table = self._windows.pop(window, {})
        self._numbers.pop(window, None)
        for descriptor in table.values():
            descriptor.close()
        return len(table)

    def close_all(self) -> int:
        return sum(self.close_window(window) for window in list(self._windows))
