"""The ``fs.*`` route handlers: parameters in, blocking work on the I/O limiter's threads, Node's
answers out. The contract with the JS side is the route table in ``docs/fs.md``."""

from __future__ import annotations

import contextlib
import functools
import os
import stat
from collections.abc import Callable
from typing import Any, Final, TypeVar, final

import anyio

from oro_framework import (
    ByteStream,
    InvalidArgumentError,
    NotFoundError,
    OutOfRangeError,
    Request,
    RouteGroup,
)
from oro_fs import ops
from oro_fs.descriptors import Descriptor, Handle, Kind
from oro_fs.owned import OwnedDescriptor
from oro_fs.state import STATE, FsState
from oro_fs.watch import Watch

__all__ = ["CHUNK_BYTES", "CONSTANTS", "ROUTES"]

T = TypeVar("T")

CHUNK_BYTES: Final = 1 << 20
"""Size of the chunks a streamed fs.readFile answers (memory stays bounded by a few of them)."""
_MAX_OFFSET: Final = (1 << 63) - 1
"""The largest file position or length (``off_t``); past it the OS could not even be asked."""
_MAX_SECONDS: Final = float(1 << 63)
"""Times must lie within ``(-_MAX_SECONDS, _MAX_SECONDS)`` (``time_t``) for fs.utimes."""

_OPEN_FLAG_NAMES: Final = (
    "O_RDONLY",
    "O_WRONLY",
    "O_RDWR",
    "O_CREAT",
    "O_EXCL",
    "O_NOCTTY",
    "O_TRUNC",
    "O_APPEND",
    "O_DIRECTORY",
    "O_NOATIME",
    "O_NOFOLLOW",
    "O_SYNC",
    "O_DSYNC",
    "O_DIRECT",
    "O_NONBLOCK",
)
_MODE_NAMES: Final = (
    "S_IFREG",
    "S_IFDIR",
    "S_IFCHR",
    "S_IFBLK",
    "S_IFIFO",
    "S_IFLNK",
    "S_IFSOCK",
    "S_IRWXU",
    "S_IRUSR",
    "S_IWUSR",
    "S_IXUSR",
    "S_IRWXG",
    "S_IRGRP",
    "S_IWGRP",
    "S_IXGRP",
    "S_IRWXO",
    "S_IROTH",
    "S_IWOTH",
    "S_IXOTH",
)
CONSTANTS: Final[dict[str, int]] = {
    **{name: getattr(os, name) for name in _OPEN_FLAG_NAMES if hasattr(os, name)},
    # stat.S_IFMT is a function in Python; Node's constant is the mask it applies.
    "S_IFMT": 0o170000,
    **{name: getattr(stat, name) for name in _MODE_NAMES},
    "F_OK": os.F_OK,
    "R_OK": os.R_OK,
    "W_OK": os.W_OK,
    "X_OK": os.X_OK,
    "COPYFILE_EXCL": 1,
    "COPYFILE_FICLONE": 2,
    "COPYFILE_FICLONE_FORCE": 4,
    "UV_FS_COPYFILE_EXCL": 1,
    "UV_FS_COPYFILE_FICLONE": 2,
    "UV_FS_COPYFILE_FICLONE_FORCE": 4,
    "UV_DIRENT_UNKNOWN": 0,
    "UV_DIRENT_FILE": 1,
    "UV_DIRENT_DIR": 2,
    "UV_DIRENT_LINK": 3,
    "UV_DIRENT_FIFO": 4,
    "UV_DIRENT_SOCKET": 5,
    "UV_DIRENT_CHAR": 6,
    "UV_DIRENT_BLOCK": 7,
}
"""``fs.constants`` with this host's values, so that JS and Python agree on open flags."""
_ALLOWED_FLAGS: Final = functools.reduce(
    lambda a, b: a | b, (getattr(os, n) for n in _OPEN_FLAG_NAMES if hasattr(os, n))
)


async def _io(fs: FsState, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await anyio.to_thread.run_sync(
        functools.partial(function, *args, **kwargs), limiter=fs.limiter
    )


def _flags(request: Request, default: int) -> int:
    flags = request.params.get_int("flags", default, minimum=0)
    if flags & ~_ALLOWED_FLAGS:
        raise InvalidArgumentError.invalid("flags", "a combination of fs.constants O_* flags")
    return flags


def _position(request: Request, name: str, default: int, minimum: int) -> int:
    return request.params.get_int(name, default, minimum=minimum, maximum=_MAX_OFFSET)


def _seconds(request: Request, name: str) -> float:
    seconds = request.params.require_float(name)
    if not -_MAX_SECONDS < seconds < _MAX_SECONDS:
        raise OutOfRangeError(
            f"'{name}' must be within (-2**63, 2**63) seconds, got {seconds:g}", parameter=name
        )
    return seconds


def _mode(request: Request, default: int | None = None) -> int:
    if default is None:
        return request.params.require_int("mode", minimum=0, maximum=0o7777)
    return request.params.get_int("mode", default, minimum=0, maximum=0o7777)


# ----------------------------------------------------------------------------------------------
# Descriptors
# ----------------------------------------------------------------------------------------------


async def open_file(request: Request) -> dict[str, Any]:
    """Open a file for the window under the page-chosen ``id`` (EMFILE past the cap).
    ``atomic``: writes go to a temporary file that ``fs.close`` with ``commit`` puts in the
    file's place whole (any other close discards it)."""
    fs = request.host.stash[STATE]
    descriptor_id = request.params.require_str("id")
    path = request.params.require_str("path")
    flags = _flags(request, os.O_RDONLY)
    mode = _mode(request, 0o666)
    atomic = request.params.get_bool("atomic", False)
    if atomic and not flags & (os.O_WRONLY | os.O_RDWR):
        raise InvalidArgumentError(
            "'atomic' needs a write flag (O_WRONLY or O_RDWR): it replaces the file's content",
            code="ERR_INVALID_ARG_VALUE",
            parameter="atomic",
        )
    opener = ops.begin_atomic if atomic else ops.open_file
    descriptor = fs.descriptors.reserve(request.window, descriptor_id, "file", path)
    try:
        handle: Handle
        handle, shown = await _io(fs, opener, fs.sandbox, path, flags, mode)
    except BaseException:
        fs.descriptors.discard(request.window, descriptor)
        raise
    descriptor.path = shown
    if not descriptor.attach(handle):
        fs.descriptors.get(request.window, descriptor_id)  # raises ENOTOPEN
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
            await _io(fs, pending.commit)
        finally:
            # Like close(2): the descriptor is gone whatever the commit answered (unless the
            # page went away meanwhile and closed it already).
            with contextlib.suppress(NotFoundError):
                fs.descriptors.close(request.window, descriptor.id, "file")
    return {"id": descriptor.id}


async def closedir(request: Request) -> dict[str, Any]:
    """Close a directory opened by fs.opendir."""
    return _close(request, "directory")


def _close(request: Request, kind: Kind) -> dict[str, Any]:
    descriptor_id = request.params.require_str("id")
    request.host.stash[STATE].descriptors.close(request.window, descriptor_id, kind)
    return {"id": descriptor_id}


def _descriptor(request: Request, kind: Kind) -> Descriptor:
    descriptor_id = request.params.require_str("id")
    return request.host.stash[STATE].descriptors.get(request.window, descriptor_id, kind)


async def read(request: Request) -> bytes:
    """Read up to ``size`` bytes at ``offset`` (or the current position); raw bytes."""
    fs = request.host.stash[STATE]
    limit = fs.settings.max_read_bytes
    size = min(request.params.get_int("size", 65536, minimum=0), limit)
    offset = _position(request, "offset", -1, minimum=-1)
    async with _descriptor(request, "file").use() as descriptor:
        return await _io(fs, _read_at, descriptor, size, offset)


def _read_at(descriptor: Descriptor, size: int, offset: int) -> bytes:
    assert descriptor.fd is not None
    with ops.syscall("read", descriptor.path):
        if offset >= 0:
            return os.pread(descriptor.fd, size, offset)
        return os.read(descriptor.fd, size)


async def write(request: Request) -> dict[str, int]:
    """Write the body at ``offset`` (or the current position / end for O_APPEND)."""
    fs = request.host.stash[STATE]
    offset = _position(request, "offset", -1, minimum=-1)
    async with _descriptor(request, "file").use() as descriptor:
        written = await _io(fs, _write_at, descriptor, request.body, offset)
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
        return await _io(fs, _on_fd, descriptor, "fstat", lambda fd: ops.stats(os.fstat(fd)))


async def ftruncate(request: Request) -> None:
    """Truncate an open file to ``length`` bytes."""
    fs = request.host.stash[STATE]
    length = _position(request, "length", 0, minimum=0)
    async with _descriptor(request, "file").use() as descriptor:
        await _io(fs, _on_fd, descriptor, "ftruncate", lambda fd: os.ftruncate(fd, length))


async def fsync(request: Request) -> None:
    """Flush an open file to disk."""
    fs = request.host.stash[STATE]
    async with _descriptor(request, "file").use() as descriptor:
        await _io(fs, _on_fd, descriptor, "fsync", os.fsync)


def _on_fd(descriptor: Descriptor, name: str, function: Callable[[int], T]) -> T:
    assert descriptor.fd is not None
    with ops.syscall(name, descriptor.path):
        return function(descriptor.fd)


async def opendir(request: Request) -> dict[str, Any]:
    """Open a directory for paged reading with fs.readdir ``id``."""
    fs = request.host.stash[STATE]
    descriptor_id = request.params.require_str("id")
    path = request.params.require_str("path")
    descriptor = fs.descriptors.reserve(request.window, descriptor_id, "directory", path)
    try:
        fd, shown, entries = await _io(fs, _open_listing, fs, path)
    except BaseException:
        fs.descriptors.discard(request.window, descriptor)
        raise
    descriptor.path = shown
    if not descriptor.attach(fd, entries):
        fs.descriptors.get(request.window, descriptor_id)
    return {"id": descriptor_id}


def _open_listing(fs: FsState, path: str) -> tuple[OwnedDescriptor, str, Any]:
    directory, shown = ops.open_dir(fs.sandbox, path)
    with directory, ops.syscall("opendir", path):
        entries = os.scandir(directory.fd)  # iterates a duplicate; ``directory`` stays ours
        return directory.hand_over(), shown, entries


async def readdir(request: Request) -> list[dict[str, Any]]:
    """With ``id``: the next ``entries`` of an open directory ([] when done). With ``path``
    only: the whole listing in one round trip."""
    fs = request.host.stash[STATE]
    if request.params.get("id") is None:
        path = request.params.require_str("path")
        return await _io(fs, ops.list_dir, fs.sandbox, path)
    count = request.params.get_int("entries", 256, minimum=1, maximum=65536)
    async with _descriptor(request, "directory").use() as descriptor:
        return await _io(fs, _next_entries, descriptor, count)


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
    return [d.to_json() for d in request.host.stash[STATE].descriptors.of(request.window)]


async def close_open_descriptors(request: Request) -> dict[str, int]:
    """Close everything the calling window holds open."""
    return {"closed": request.host.stash[STATE].descriptors.close_window(request.window)}


# ----------------------------------------------------------------------------------------------
# Paths
# ----------------------------------------------------------------------------------------------


async def stat_(request: Request) -> dict[str, Any]:
    """Stats of ``path``, following symlinks."""
    fs = request.host.stash[STATE]
    return await _io(fs, ops.stat_path, fs.sandbox, request.params.require_str("path"), follow=True)


async def lstat(request: Request) -> dict[str, Any]:
    """Stats of ``path`` itself (a symlink is not followed)."""
    fs = request.host.stash[STATE]
    path = request.params.require_str("path")
    return await _io(fs, ops.stat_path, fs.sandbox, path, follow=False)


async def access(request: Request) -> None:
    """Check that ``path`` exists and allows ``mode`` (F_OK, R_OK | W_OK | X_OK)."""
    fs = request.host.stash[STATE]
    mode = request.params.get_int("mode", os.F_OK, minimum=0, maximum=7)
    await _io(fs, ops.access, fs.sandbox, request.params.require_str("path"), mode)


async def mkdir(request: Request) -> dict[str, Any]:
    """Create a directory; ``recursive`` creates parents and answers the first one created."""
    fs = request.host.stash[STATE]
    path = request.params.require_str("path")
    recursive = request.params.get_bool("recursive", False)
    first = await _io(fs, ops.mkdir, fs.sandbox, path, _mode(request, 0o777), recursive=recursive)
    return {"path": first}


async def rmdir(request: Request) -> None:
    """Remove an empty directory."""
    fs = request.host.stash[STATE]
    await _io(fs, ops.rmdir, fs.sandbox, request.params.require_str("path"))


async def unlink(request: Request) -> None:
    """Remove a file or symlink."""
    fs = request.host.stash[STATE]
    await _io(fs, ops.unlink, fs.sandbox, request.params.require_str("path"))


async def rm(request: Request) -> None:
    """Remove a file, or a tree with ``recursive``; ``force`` ignores a missing path."""
    fs = request.host.stash[STATE]
    await _io(
        fs,
        ops.rm,
        fs.sandbox,
        request.params.require_str("path"),
        recursive=request.params.get_bool("recursive", False),
        force=request.params.get_bool("force", False),
    )


async def rename(request: Request) -> None:
    """Rename ``src`` to ``dest`` (both in writable roots)."""
    fs = request.host.stash[STATE]
    src, dest = request.params.require_str("src"), request.params.require_str("dest")
    await _io(fs, ops.rename, fs.sandbox, src, dest)


async def copy_file(request: Request) -> None:
    """Copy file ``src`` to ``dest``; ``flags`` COPYFILE_EXCL refuses an existing dest."""
    fs = request.host.stash[STATE]
    src, dest = request.params.require_str("src"), request.params.require_str("dest")
    flags = request.params.get_int("flags", 0, minimum=0, maximum=7)
    await _io(fs, ops.copy_file, fs.sandbox, src, dest, exclusive=bool(flags & 1))


async def cp(request: Request) -> None:
    """Copy a file or (``recursive``) a tree in one round trip."""
    fs = request.host.stash[STATE]
    params = request.params
    await _io(
        fs,
        ops.cp,
        fs.sandbox,
        params.require_str("src"),
        params.require_str("dest"),
        recursive=params.get_bool("recursive", False),
        force=params.get_bool("force", True),
        error_on_exist=params.get_bool("errorOnExist", False),
    )


async def link(request: Request) -> None:
    """Create hard link ``dest`` to ``src``."""
    fs = request.host.stash[STATE]
    src, dest = request.params.require_str("src"), request.params.require_str("dest")
    await _io(fs, ops.link, fs.sandbox, src, dest)


async def symlink(request: Request) -> None:
    """Create symlink ``dest`` pointing at ``src``; a target outside the sandbox is refused."""
    fs = request.host.stash[STATE]
    src, dest = request.params.require_str("src"), request.params.require_str("dest")
    await _io(fs, ops.symlink, fs.sandbox, src, dest)


async def readlink(request: Request) -> dict[str, str]:
    """The target a symlink holds."""
    fs = request.host.stash[STATE]
    return {"path": await _io(fs, ops.readlink, fs.sandbox, request.params.require_str("path"))}


async def realpath(request: Request) -> dict[str, str]:
    """``path`` with every symlink resolved (shown as the caller addressed it)."""
    fs = request.host.stash[STATE]
    return {"path": await _io(fs, ops.realpath, fs.sandbox, request.params.require_str("path"))}


async def chmod(request: Request) -> None:
    """Change the permission bits of ``path``."""
    fs = request.host.stash[STATE]
    await _io(fs, ops.chmod, fs.sandbox, request.params.require_str("path"), _mode(request))


async def truncate(request: Request) -> None:
    """Truncate ``path`` to ``length`` bytes."""
    fs = request.host.stash[STATE]
    length = _position(request, "length", 0, minimum=0)
    await _io(fs, ops.truncate, fs.sandbox, request.params.require_str("path"), length)


async def utimes(request: Request) -> None:
    """Set access and modification times (seconds since the epoch)."""
    fs = request.host.stash[STATE]
    atime, mtime = _seconds(request, "atime"), _seconds(request, "mtime")
    await _io(fs, ops.utimes, fs.sandbox, request.params.require_str("path"), atime, mtime)


async def mkdtemp(request: Request) -> dict[str, str]:
    """Create a unique directory whose name starts with ``prefix``."""
    fs = request.host.stash[STATE]
    return {"path": await _io(fs, ops.mkdtemp, fs.sandbox, request.params.require_str("prefix"))}


# ----------------------------------------------------------------------------------------------
# Whole files
# ----------------------------------------------------------------------------------------------


async def read_file(request: Request) -> bytes | ByteStream:
    """The file's bytes; past ``filesystem.stream_threshold_bytes`` a chunked stream."""
    fs = request.host.stash[STATE]
    path = request.params.require_str("path")
    flags = _flags(request, os.O_RDONLY)
    threshold = fs.settings.stream_threshold_bytes
    file, whole = await _io(fs, _open_and_read, fs, path, flags, threshold)
    if file is None:
        assert whole is not None
        return whole
    chunks = FileChunks(fs, file, path)
    fs.streams.add(chunks)
    return ByteStream(chunks)


def _open_and_read(
    fs: FsState, path: str, flags: int, threshold: int
) -> tuple[OwnedDescriptor | None, bytes | None]:
    """The whole content, or past ``threshold`` the open file (rewound) to stream."""
    file, _ = ops.open_file(fs.sandbox, path, flags, 0)
    with file:
        whole = ops.read_all(file.fd, path, threshold)
        if whole is not None:
            return None, whole
        with ops.syscall("lseek", path):
            os.lseek(file.fd, 0, os.SEEK_SET)
        return file.hand_over(), None


@final
class FileChunks:
    """The chunks of a streamed fs.readFile; owns the file descriptor and closes it when read
    to the end, closed by the transport (``aclose``), or at host shutdown."""

    def __init__(self, fs: FsState, file: OwnedDescriptor, path: str) -> None:
        self._fs = fs
        self._file = file
        self._path = path

    def __aiter__(self) -> FileChunks:
        return self

    async def __anext__(self) -> bytes:
        if self._file.closed:
            raise StopAsyncIteration
        chunk = await _io(self._fs, _read_chunk, self._file.fd, self._path)
        if not chunk:
            self.close()
            raise StopAsyncIteration
        return chunk

    async def aclose(self) -> None:
        self.close()

    def close(self) -> None:
        self._fs.streams.discard(self)
        self._file.close()

    def __del__(self) -> None:
        # A transport that dropped the stream before its first chunk never calls aclose().
        self._file.close()


def _read_chunk(fd: int, path: str) -> bytes:
    with ops.syscall("read", path):
        return os.read(fd, CHUNK_BYTES)


async def write_file(request: Request) -> None:
    """Write the body to ``path`` (created/truncated; O_APPEND in ``flags`` appends).
    ``flush`` syncs it to disk before answering; ``atomic`` replaces the content whole or not
    at all (temporary file, fsync, rename, fsync of the directory)."""
    fs = request.host.stash[STATE]
    path = request.params.require_str("path")
    flags = _flags(request, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    mode = _mode(request, 0o666)
    flush = request.params.get_bool("flush", False)
    atomic = request.params.get_bool("atomic", False)
    await _io(
        fs, ops.write_file, fs.sandbox, path, flags, mode, request.body, flush=flush, atomic=atomic
    )


# ----------------------------------------------------------------------------------------------
# Watching
# ----------------------------------------------------------------------------------------------


async def watch(request: Request) -> dict[str, str]:
    """Watch ``path`` (``recursive`` for a whole tree); changes arrive as host events
    ``fs.watch`` ``{id, eventType, filename}`` on the calling window."""
    fs = request.host.stash[STATE]
    descriptor_id = request.params.require_str("id")
    path = request.params.require_str("path")
    recursive = request.params.get_bool("recursive", False)
    descriptor = fs.descriptors.reserve(request.window, descriptor_id, "watcher", path)
    try:
        absolute, shown = await _io(fs, _watch_target, fs, path)
    except BaseException:
        fs.descriptors.discard(request.window, descriptor)
        raise
    descriptor.path = shown
    window = request.window
    if descriptor.closed:
        fs.descriptors.get(window, descriptor_id)
    descriptor.on_close = lambda: fs.watchers.remove(window, descriptor_id)
    fs.watchers.add(Watch(window, descriptor_id, absolute, recursive))
    return {"id": descriptor_id}


def _watch_target(fs: FsState, path: str) -> tuple[str, str]:
    target = fs.sandbox.locate(path)
    with (
        ops.syscall("watch", path),
        fs.sandbox.walk(target, follow_last=True, shown=path) as walked,
    ):
        os.stat(walked.at, dir_fd=walked.dir_fd, follow_symlinks=False)
        return walked.target.absolute, fs.sandbox.display(walked.target, path)


async def stop_watch(request: Request) -> dict[str, str]:
    """Stop a watcher started by fs.watch."""
    return _close(request, "watcher")


async def constants(request: Request) -> dict[str, int]:
    """Open flags, mode bits, access modes and copy flags with this host's values."""
    return dict(CONSTANTS)


ROUTES: Final = RouteGroup(
    permission="filesystem",
    doc="Read and write files in the app's sandbox: its resources (read-only), data and temp "
    "directories and configured mounts (oro:fs, node:fs).",
    handlers={
        "fs.constants": constants,
        "fs.open": open_file,
        "fs.close": close,
        "fs.read": read,
        "fs.write": write,
        "fs.fstat": fstat,
        "fs.ftruncate": ftruncate,
        "fs.fsync": fsync,
        "fs.opendir": opendir,
        "fs.readdir": readdir,
        "fs.closedir": closedir,
        "fs.getOpenDescriptors": get_open_descriptors,
        "fs.closeOpenDescriptors": close_open_descriptors,
        "fs.stat": stat_,
        "fs.lstat": lstat,
        "fs.access": access,
        "fs.mkdir": mkdir,
        "fs.rmdir": rmdir,
        "fs.unlink": unlink,
        "fs.rm": rm,
        "fs.rename": rename,
        "fs.copyFile": copy_file,
        "fs.cp": cp,
        "fs.link": link,
        "fs.symlink": symlink,
        "fs.readlink": readlink,
        "fs.realpath": realpath,
        "fs.chmod": chmod,
        "fs.truncate": truncate,
        "fs.utimes": utimes,
        "fs.mkdtemp": mkdtemp,
        "fs.readFile": read_file,
        "fs.writeFile": write_file,
        "fs.watch": watch,
        "fs.stopWatch": stop_watch,
    },
)
"""Every ``fs.*`` route, guarded by ``filesystem`` (``[permissions] allow_filesystem``)."""
