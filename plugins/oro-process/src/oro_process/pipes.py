"""The parent's ends of a child's stdio pipes, read and written without blocking the loop.

anyio has no stream over a pipe it did not open itself, so these wait on the descriptor with
``anyio.wait_readable``/``wait_writable`` and call ``os.read``/``os.write`` in between. A reader
reads only when asked: nothing is read ahead, so a slow consumer leaves the bytes in the pipe and
the child blocks on its next write (backpressure, host memory bounded by one chunk).

An output pipe holds :data:`PIPE_BYTES` rather than Linux's default 64 KiB, so that one read
takes what a fast child wrote while the last chunk travelled to the page: each read, frame and
page event has a fixed cost, which 64 KiB reads paid sixteen times per MiB.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from typing import Final, final

import anyio

__all__ = ["PIPE_BYTES", "PipeReader", "PipeWriter"]

PIPE_BYTES: Final = 512 * 1024
"""The capacity asked for an output pipe: a whole chunk (``routes.CHUNK_BYTES``), under Linux's
``pipe-max-size`` (1 MiB), which needs no privilege. Not more: a user's pipes share
``pipe-user-pages-soft`` (64 MiB), past which Linux gives each new pipe of theirs one page."""


class _Pipe:
    def __init__(self, fd: int) -> None:
        os.set_blocking(fd, False)
        self._fd = fd
        self.closed = False

    def close(self) -> None:
        """Close the descriptor; a task waiting on it gets ``ClosedResourceError``. Idempotent."""
        if self.closed:
            return
        self.closed = True
        # notify_closing wakes a waiting task before the number can be reused by another open.
        anyio.notify_closing(self._fd)
        os.close(self._fd)


@final
class PipeReader(_Pipe):
    """The read end of a child's stdout or stderr."""

    def __init__(self, fd: int) -> None:
        super().__init__(fd)
        # Refused past the user's share of pipe memory (pipe-user-pages-soft, EPERM) or a
        # lowered pipe-max-size: the pipe keeps its capacity, and reads are only smaller.
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)

    async def read(self, max_bytes: int) -> bytes:
        """Up to ``max_bytes`` bytes as soon as some are there; ``b""`` at EOF or once closed."""
        while True:
            if self.closed:
                # Checked right before each read, with no await in between: the number of a
                # closed descriptor may already belong to another file.
                return b""
            try:
                return os.read(self._fd, max_bytes)
            except BlockingIOError:
                pass
            try:
                await anyio.wait_readable(self._fd)
            except anyio.ClosedResourceError:
                return b""


@final
class PipeWriter(_Pipe):
    """The write end of a child's stdin."""

    async def write_all(self, data: bytes) -> int:
        """Write all of ``data``, waiting while the pipe is full.

        :raises BrokenPipeError: the child closed its stdin (or exited).
        :raises anyio.ClosedResourceError: the pipe was closed meanwhile.
        """
        view = memoryview(data)
        written = 0
        while written < len(view):
            if self.closed:
                raise anyio.ClosedResourceError
            try:
                written += os.write(self._fd, view[written:])
                continue
            except BlockingIOError:
                pass
            await anyio.wait_writable(self._fd)
        return written
