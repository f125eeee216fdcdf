"""One owner per OS descriptor: :class:`OwnedDescriptor`.

A bare ``int`` does not say who must close it, and a descriptor closed twice is worse than one
leaked: by the second close its number may belong to a file another thread just opened, which
then loses its file (and its next ``dir_fd=`` call resolves against whatever reuses the number).
Every descriptor the sandbox walk (:mod:`.sandbox`) and oro-fs open is therefore held by exactly
one :class:`OwnedDescriptor` at a time, which closes it exactly once: when replaced by another (a
walk stepping into a child directory), when its ``with`` block ends, or never, once handed on to
a new owner. Plugins use it as ``oro_framework.OwnedDescriptor``.
"""

from __future__ import annotations

import os
from typing import Self, final

__all__ = ["OwnedDescriptor"]


@final
class OwnedDescriptor:
    """Sole owner of one OS descriptor (or of none, once closed or handed on).

    ::

        with OwnedDescriptor.open(path, os.O_RDONLY) as file:
            data = os.read(file.fd, 100)
            if keep:
                return file.hand_over()  # the caller owns it now; the block closes nothing

    Not for sharing between threads: one owner uses it at a time.
    """

    __slots__ = ("_fd",)

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    @classmethod
    def open(
        cls, path: str, flags: int, mode: int = 0o777, *, dir_fd: int | None = None
    ) -> OwnedDescriptor:
        """``os.open`` whose result is owned from the start (nothing can fail in between)."""
        return cls(os.open(path, flags, mode, dir_fd=dir_fd))

    @property
    def fd(self) -> int:
        """The descriptor, for the duration of a call; never store it.

        :raises ValueError: closed or handed on.
        """
        if self._fd is None:
            raise ValueError("the descriptor was closed or handed on")
        return self._fd

    @property
    def closed(self) -> bool:
        """Whether this owns nothing any more."""
        return self._fd is None

    def replace(self, fd: int) -> None:
        """Own ``fd`` from now on and close the descriptor held so far. ``fd`` is owned before
        the old one is closed, so even a failing close cannot leave either without an owner."""
        old, self._fd = self._fd, fd
        if old is not None:
            os.close(old)

    def hand_over(self) -> OwnedDescriptor:
        """A new owner of the descriptor; this one owns nothing afterwards."""
        return OwnedDescriptor(self.detach())

    def detach(self) -> int:
        """Give up ownership: the caller must close the returned descriptor.

        :raises ValueError: closed or handed on.
        """
        fd = self.fd
        self._fd = None
        return fd

    def close(self) -> None:
        """Close the descriptor if this still owns one; a second call does nothing."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"OwnedDescriptor({'closed' if self._fd is None else self._fd})"
