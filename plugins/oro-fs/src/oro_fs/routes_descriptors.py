"""The ``fs.*`` routes on what a window holds open: files (read, write, stats, atomic commit),
directories read page by page, and watchers; all kept per window in ``FsState.descriptors``."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import Any, TypeVar

from oro_framework import (
    InvalidArgumentError,
    MemoryReservation,
    NotFoundError,
    OwnedDescriptor,
    Request,
    Sandbox,
)
from oro_fs import ops
from oro_fs.descriptors import Descriptor, Handle, Kind
from oro_fs.routes_common import (
    READ_PURPOSE,
    read_flags,
    read_mode,
    read_position,
    read_seconds,
    run_blocking,
    sandbox_for,
)
from oro_fs.state import STATE
from oro_fs.watch import Watch

__all__ = [
    "close",
    "close_open_descriptors",
    "closedir",
    "fstat",
    "fsync",
    "ftruncate",
    "futimes",
    "get_open_descriptors",
    "open_file",
    "opendir",
    "read",
    "readdir",
    "stop_watch",
    "watch",
    "write",
]

T = TypeVar("T")


# ----------------------------------------------------------------------------------------------
# Files and directories
# ----------------------------------------------------------------------------------------------


async def open_file(request: Request) -> dict[str, Any]:
    """Open a file for the window under the page-chosen ``id`` (EMFILE past the cap).
    ``atomic``: writes go to a temporary file that ``fs.close`` with ``commit`` puts in the
    file's place whole (any other close discards it)."""
    fs = request.host.stash[STATE]
    window = request.require_window()
    descriptor_id = request.params.require_str("id")
    path = request.params.require_str("path")
    flags = read_flags(request, os.O_RDONLY)
    mode = read_mode(request, 0o666)
    atomic = request.params.get_bool("atomic", False)
    if atomic and not flags & (os.O_WRONLY | os.O_RDWR):
        raise InvalidArgumentError(
            "'atomic' needs a write flag (O_WRONLY or O_RDWR): it replaces the file's content",
            code="ERR_INVALID_ARG_VALUE",
            parameter="atomic",
        )
    opener = ops.begin_atomic if atomic else ops.open_file
    descriptor = fs.descriptors.reserve(window, descriptor_id, "file", path)
    try:
        handle: Handle
        handle, shown = await run_blocking(fs, opener, sandbox_for(fs, request), path, flags, mode)
    except BaseException:
        fs.descriptors.discard(window, descriptor)
        raise
    descriptor.path = shown
    if not descriptor.attach(handle):
        fs.descriptors.get(window, descriptor_id)  # raises ENOTOPEN
    return {"id": descriptor_id, "fd": descriptor.number}


async def close(request: Request) -> dict[str, Any]:
    """Close a file opened by fs.open; ``commit`` first puts an atomic write in place (the
    descriptor is closed whether that works or not)."""
    if not request.params.get_bool("commit", False):
        return _close(request, "file")
    fs = request.host.stash[STATE]
    descriptor = _descriptor(request, "file")
    async with descriptor.use():
        try:
            pending = descriptor.handle
            if not isinstance(pending, ops.AtomicFile):
                raise InvalidArgumentError(
                    "'commit' is for a descriptor opened with 'atomic'",
                    code="ERR_INVALID_ARG_VALUE",
                    parameter="commit",
                )
            await run_blocking(fs, pending.commit)
        finally:
            # Like close(2): the descriptor is gone whatever the commit answered (unless the
            # page went away meanwhile and closed it already).
            with contextlib.suppress(NotFoundError):
                fs.descriptors.close(request.require_window(), descriptor.id, "file")
    return {"id": descriptor.id}


async def closedir(request: Request) -> dict[str, Any]:
    """Close a directory opened by fs.opendir."""
    return _close(request, "directory")


def _close(request: Request, kind: Kind) -> dict[str, Any]:
    window = request.require_window()
    descriptor_id = request.params.require_str("id")
    request.host.stash[STATE].descriptors.close(window, descriptor_id, kind)
    return {"id": descriptor_id}


def _descriptor(request: Request, kind: Kind) -> Descriptor:
    """The calling window's descriptor ``id``: descriptors are per window, and a request
    without a window has none (``ERR_NO_WINDOW``)."""
    window = request.require_window()
    descriptor_id = request.params.require_str("id")
    return request.host.stash[STATE].descriptors.get(window, descriptor_id, kind)


async def read(request: Request) -> bytes:
    """Read up to ``size`` bytes at ``offset`` (or the current position); raw bytes."""
    fs = request.host.stash[STATE]
    limit = fs.settings.max_read_bytes
    size = min(request.params.get_int("size", 65536, minimum=0), limit)
    offset = read_position(request, "offset", -1, minimum=-1)
    async with _descriptor(request, "file").use() as descriptor:
        # Held until the bytes are handed on.
        with request.host.memory.reserve(0, purpose=READ_PURPOSE) as held:
            return await run_blocking(fs, _read_at, descriptor, size, offset, held)


def _read_at(descriptor: Descriptor, size: int, offset: int, held: MemoryReservation) -> bytes:
    """Reserves on the I/O thread, when it is this read's turn (a read waiting for a thread
    holds nothing), and before anything is read: refused, the position has not moved."""
    held.grow(size)
    assert descriptor.fd is not None
    with ops.syscall("read", descriptor.path):
        if offset >= 0:
            return os.pread(descriptor.fd, size, offset)
        return os.read(descriptor.fd, size)


async def write(request: Request) -> dict[str, int]:
    """Write the body at ``offset`` (or the current position / end for O_APPEND)."""
    fs = request.host.stash[STATE]
    offset = read_position(request, "offset", -1, minimum=-1)
    async with _descriptor(request, "file").use() as descriptor:
        written = await run_blocking(fs, _write_at, descriptor, request.body, offset)
    return {"bytesWritten": written}


def _write_at(descriptor: Descriptor, data: bytes, offset: int) -> int:
    assert descriptor.fd is not None
    if offset < 0:
        return ops.write_all(descriptor.fd, data, descriptor.path)
    view = memoryview(data)
    written = 0
    with ops.syscall("write", descriptor.path):
        while written < len(view):
            written += os.pwrite(descriptor.fd, view[written:], offset + written)
    return written


async def fstat(request: Request) -> dict[str, Any]:
    """Stats of an open file."""
    fs = request.host.stash[STATE]
    async with _descriptor(request, "file").use() as descriptor:
        return await run_blocking(
            fs, _on_fd, descriptor, "fstat", lambda fd: ops.stats(os.fstat(fd))
        )


async def ftruncate(request: Request) -> None:
    """Truncate an open file to ``length`` bytes."""
    fs = request.host.stash[STATE]
    length = read_position(request, "length", 0, minimum=0)
    async with _descriptor(request, "file").use() as descriptor:
        await run_blocking(fs, _on_fd, descriptor, "ftruncate", lambda fd: os.ftruncate(fd, length))


async def futimes(request: Request) -> None:
    """Set the access and modification times of an open file (seconds since the epoch)."""
    fs = request.host.stash[STATE]
    atime, mtime = read_seconds(request, "atime"), read_seconds(request, "mtime")
    async with _descriptor(request, "file").use() as descriptor:
        await run_blocking(
            fs, _on_fd, descriptor, "futime", lambda fd: ops.futimes(fd, atime, mtime)
        )


async def fsync(request: Request) -> None:
    """Flush an open file to disk."""
    fs = request.host.stash[STATE]
    async with _descriptor(request, "file").use() as descriptor:
        await run_blocking(fs, _on_fd, descriptor, "fsync", os.fsync)


def _on_fd(descriptor: Descriptor, name: str, function: Callable[[int], T]) -> T:
    assert descriptor.fd is not None
    with ops.syscall(name, descriptor.path):
        return function(descriptor.fd)


async def opendir(request: Request) -> dict[str, Any]:
    """Open a directory for paged reading with fs.readdir ``id``."""
    fs = request.host.stash[STATE]
    window = request.require_window()
    descriptor_id = request.params.require_str("id")
    path = request.params.require_str("path")
    descriptor = fs.descriptors.reserve(window, descriptor_id, "directory", path)
    try:
        sandbox = sandbox_for(fs, request)
        fd, shown, entries = await run_blocking(fs, _open_listing, sandbox, path)
    except BaseException:
        fs.descriptors.discard(window, descriptor)
        raise
    descriptor.path = shown
    if not descriptor.attach(fd, entries):
        fs.descriptors.get(window, descriptor_id)
    return {"id": descriptor_id}


def _open_listing(sandbox: Sandbox, path: str) -> tuple[OwnedDescriptor, str, Any]:
    directory, shown = ops.open_dir(sandbox, path)
    with directory, ops.syscall("opendir", path):
        entries = os.scandir(directory.fd)  # iterates a duplicate; ``directory`` stays ours
        return directory.hand_over(), shown, entries


async def readdir(request: Request) -> list[dict[str, Any]]:
    """With ``id``: the next ``entries`` of an open directory ([] when done). With ``path``
    only: the whole listing in one round trip."""
    fs = request.host.stash[STATE]
    if request.params.get("id") is None:
        path = request.params.require_str("path")
        return await run_blocking(fs, ops.list_dir, sandbox_for(fs, request), path)
    count = request.params.get_int("entries", 256, minimum=1, maximum=65536)
    async with _descriptor(request, "directory").use() as descriptor:
        return await run_blocking(fs, _next_entries, descriptor, count)


def _next_entries(descriptor: Descriptor, count: int) -> list[dict[str, Any]]:
    assert descriptor.fd is not None
    assert descriptor.entries is not None
    found = []
    with ops.syscall("readdir", descriptor.path):
        for entry in descriptor.entries:
            if ops.is_atomic_temp(entry.name):
                continue
            found.append(ops.dirent(entry.name, descriptor.fd))
            if len(found) >= count:
                break
    return found


async def get_open_descriptors(request: Request) -> list[dict[str, Any]]:
    """The calling window's open files, directories and watchers."""
    window = request.require_window()
    return [d.to_json() for d in request.host.stash[STATE].descriptors.of(window)]


async def close_open_descriptors(request: Request) -> dict[str, int]:
    """Close everything the calling window holds open."""
    window = request.require_window()
    return {"closed": request.host.stash[STATE].descriptors.close_window(window)}


# ----------------------------------------------------------------------------------------------
# Watching
# ----------------------------------------------------------------------------------------------


async def watch(request: Request) -> dict[str, str]:
    """Watch ``path`` (``recursive`` for a whole tree); changes arrive as host events
    ``fs.watch`` ``{id, eventType, filename}`` on the calling window."""
    fs = request.host.stash[STATE]
    window = request.require_window()
    descriptor_id = request.params.require_str("id")
    path = request.params.require_str("path")
    recursive = request.params.get_bool("recursive", False)
    descriptor = fs.descriptors.reserve(window, descriptor_id, "watcher", path)
    try:
        absolute, shown = await run_blocking(fs, _watch_target, sandbox_for(fs, request), path)
    except BaseException:
        fs.descriptors.discard(window, descriptor)
        raise
    descriptor.path = shown
    if descriptor.closed:
        fs.descriptors.get(window, descriptor_id)
    descriptor.on_close = lambda: fs.watchers.remove(window, descriptor_id)
    fs.watchers.add(Watch(window, descriptor_id, absolute, recursive))
    return {"id": descriptor_id}


def _watch_target(sandbox: Sandbox, path: str) -> tuple[str, str]:
    target = sandbox.locate(path)
    with (
        ops.syscall("watch", path),
        sandbox.walk(target, follow_last=True, shown=path) as walked,
    ):
        os.stat(walked.at, dir_fd=walked.dir_fd, follow_symlinks=False)
        return walked.target.absolute, sandbox.display(walked.target, path)


async def stop_watch(request: Request) -> dict[str, str]:
    """Stop a watcher started by fs.watch."""
    return _close(request, "watcher")
