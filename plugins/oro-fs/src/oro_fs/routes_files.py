"""The ``fs.*`` routes on whole files: ``fs.readFile`` (streamed in chunks past a threshold) and
``fs.writeFile``.

What a read holds for the page comes from the host's memory budget (``host.memory``) first: a
whole file its size twice over (the pieces and the joined copy), a stream the chunk it handed
on until the next one is asked for. Past the budget the read is ``RangeError``
``ERR_OUT_OF_MEMORY`` before anything is read."""

from __future__ import annotations

import errno
import os
import stat
from typing import Final, final

from oro_framework import (
    ByteStream,
    ErrnoError,
    MemoryBudget,
    MemoryReservation,
    OutOfMemoryError,
    OwnedDescriptor,
    Request,
    Sandbox,
)
from oro_fs import ops
from oro_fs.routes_common import READ_PURPOSE, read_flags, read_mode, run_blocking, sandbox_for
from oro_fs.state import STATE, FsState

__all__ = ["CHUNK_BYTES", "FileChunks", "read_file", "write_file"]

CHUNK_BYTES: Final = 1 << 20
"""Size of the chunks a streamed fs.readFile answers (memory stays bounded by a few of them)."""


async def read_file(request: Request) -> bytes | ByteStream:
    """The file's bytes; past ``filesystem.stream_threshold_bytes`` a chunked stream. A
    regular file's stream is the size ``fstat`` gave when it was opened, as Node reads it, and
    declares it up front (``ByteStream.length``: over HTTP a ``Content-Length``, which WebKit
    reads into one buffer instead of collecting chunks) with the file to send it from
    (``ByteStream.file``: ``sendfile``, no copy through Python)."""
    fs = request.host.stash[STATE]
    path = request.params.require_str("path")
    flags = read_flags(request, os.O_RDONLY)
    threshold = fs.settings.stream_threshold_bytes
    sandbox = sandbox_for(fs, request)
    budget = request.host.memory
    with budget.reserve(0, purpose=READ_PURPOSE) as held:
        opened = await run_blocking(fs, _open_and_read, sandbox, path, flags, threshold, held)
        file, whole, size = opened
        if file is None:
            assert whole is not None
            return whole
    chunks = FileChunks(fs, file, path, budget, size)
    fs.streams.add(chunks)
    # Of known size, the HTTP bridge sends it straight from the file (sendfile) as a static
    # file goes; the Conduit hands it over to fetch unread (bulk=), or reads the chunks.
    return ByteStream(chunks, length=size, file=None if size is None else chunks)


def _open_and_read(
    sandbox: Sandbox, path: str, flags: int, threshold: int, held: MemoryReservation
) -> tuple[OwnedDescriptor | None, bytes | None, int | None]:
    """The whole content, or past ``threshold`` the open file (rewound) to stream, with its
    size when ``fstat`` knows it (a regular file past ``threshold``: a FIFO or a device says
    0, a file that grew past ``threshold`` since is read to its end). Reserves in ``held``
    what the content needs twice (its pieces and their joined copy) before reading it; the
    copy stays reserved."""
    file, _ = ops.open_file(sandbox, path, flags, 0)
    with file:
        with ops.syscall("fstat", path):
            status = os.fstat(file.fd)
        size = status.st_size
        held.grow(2 * (min(size, threshold) + 1))
        whole = ops.read_all(file.fd, path, threshold)
        held.resize(0 if whole is None else len(whole))
        if whole is not None:
            return None, whole, len(whole)
        with ops.syscall("lseek", path):
            os.lseek(file.fd, 0, os.SEEK_SET)
        known = stat.S_ISREG(status.st_mode) and size > threshold
        return file.hand_over(), None, size if known else None


@final
class FileChunks:
    """The chunks of a streamed fs.readFile: exactly ``size`` bytes when given, the size
    declared to the transport (a file that grew meanwhile is cut there, as Node's readFile
    does; one that shrank ends the stream with ``EIO``, which breaks the connection rather
    than answering a short file as whole), else every byte to the end. Owns
    the file descriptor and closes it when read to the end, closed by the transport
    (``aclose``), or at host shutdown."""

    def __init__(
        self,
        fs: FsState,
        file: OwnedDescriptor,
        path: str,
        budget: MemoryBudget,
        size: int | None = None,
    ) -> None:
        self._fs = fs
        self._file = file
        self._path = path
        self._left = size
        self._held: MemoryReservation = budget.reserve(0, purpose=READ_PURPOSE)
        """The chunk handed on last, until the consumer asks for the next."""

    def fileno(self) -> int:
        """The descriptor, for a transport that sends from the file itself."""
        return self._file.fd

    def __aiter__(self) -> FileChunks:
        return self

    async def __anext__(self) -> bytes:
        self._held.release()
        if self._file.closed or self._left == 0:
            self.close()
            raise StopAsyncIteration
        wanted = CHUNK_BYTES if self._left is None else min(CHUNK_BYTES, self._left)
        try:
            self._held.grow(wanted)
        except OutOfMemoryError:
            self.close()
            raise
        chunk = await run_blocking(self._fs, _read_chunk, self._file.fd, self._path, wanted)
        self._held.resize(len(chunk))
        if not chunk:
            self.close()
            if self._left is None:
                raise StopAsyncIteration
            raise ErrnoError.from_os_error(
                OSError(errno.EIO, "shrank"), syscall="read", path=self._path
            )
        if self._left is not None:
            self._left -= len(chunk)
        return chunk

    async def aclose(self) -> None:
        self.close()

    def close(self) -> None:
        self._held.release()
        self._fs.streams.discard(self)
        self._file.close()

    def __del__(self) -> None:
        # A transport that dropped the stream before its first chunk never calls aclose().
        self._file.close()


def _read_chunk(fd: int, path: str, size: int) -> bytes:
    with ops.syscall("read", path):
        return os.read(fd, size)


async def write_file(request: Request) -> None:
    """Write the body to ``path`` (created/truncated; O_APPEND in ``flags`` appends).
    ``flush`` syncs it to disk before answering; ``atomic`` replaces the content whole or not
    at all (temporary file, fsync, rename, fsync of the directory)."""
    fs = request.host.stash[STATE]
    path = request.params.require_str("path")
    flags = read_flags(request, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    mode = read_mode(request, 0o666)
    flush = request.params.get_bool("flush", False)
    atomic = request.params.get_bool("atomic", False)
    sandbox = sandbox_for(fs, request)
    await run_blocking(
        fs, ops.write_file, sandbox, path, flags, mode, request.body, flush=flush, atomic=atomic
    )
