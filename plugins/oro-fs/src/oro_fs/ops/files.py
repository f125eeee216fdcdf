"""A file's contents: opening it, reading it whole, writing it in place or atomically (a
temporary file beside it, renamed over it when complete)."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from typing import Final, Self, final

from oro_framework import OwnedDescriptor, Sandbox, SandboxWalk
from oro_fs.ops.walking import CLOEXEC, NOFOLLOW, NONBLOCK, lstat_at, syscall, walk_to

__all__ = [
    "COPY_CHUNK",
    "TEMP_MARK",
    "AtomicFile",
    "begin_atomic",
    "is_atomic_temp",
    "open_file",
    "read_all",
    "write_all",
    "write_file",
]

COPY_CHUNK: Final = 1 << 20
_MUTATING: Final = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
TEMP_MARK: Final = ".oro-tmp-"
"""In the name of an atomic write's temporary file: ``.<name>.oro-tmp-<12 hex digits>``."""
_TEMP_NAME: Final = re.compile(r"\..*\.oro-tmp-[0-9a-f]{12}", re.DOTALL)


def is_atomic_temp(name: str) -> bool:
    """Whether ``name`` is an atomic write's temporary file, which listings and watchers do not
    show (one left behind by a killed host stays on disk, recognisable by its name)."""
    return _TEMP_NAME.fullmatch(name) is not None


def open_file(sandbox: Sandbox, path: str, flags: int, mode: int) -> tuple[OwnedDescriptor, str]:
    """An OS descriptor of ``path`` opened with ``flags`` (never following a final symlink the
    walk did not check; the caller owns it), and its display path."""
    exclusive = flags & os.O_CREAT and flags & os.O_EXCL
    write = bool(flags & _MUTATING)
    with walk_to(sandbox, path, "open", follow=not exclusive, write=write) as walked:
        with syscall("open", path):
            if not walked.name and write:
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            file = OwnedDescriptor.open(
                walked.at, flags | NOFOLLOW | CLOEXEC, mode & 0o7777, dir_fd=walked.dir_fd
            )
        return file, sandbox.display(walked.target, path)


def read_all(fd: int, path: str, limit: int) -> bytes | None:
    """The whole file behind ``fd`` if it holds at most ``limit`` bytes, else ``None``."""
    with syscall("read", path):
        size = os.fstat(fd).st_size
        if size > limit:
            return None
        chunks = []
        total = 0
        while chunk := os.read(fd, max(COPY_CHUNK, size - total + 1)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                return None
        return b"".join(chunks)


def write_all(fd: int, data: bytes | memoryview, path: str) -> int:
    view = memoryview(data)
    written = 0
    with syscall("write", path):
        while written < len(view):
            written += os.write(fd, view[written:])
    return written


def write_file(
    sandbox: Sandbox,
    path: str,
    flags: int,
    mode: int,
    data: bytes,
    *,
    flush: bool = False,
    atomic: bool = False,
) -> None:
    """Node's ``writeFile``/``appendFile`` (``O_APPEND`` in ``flags``): ``flush`` syncs the data
    to disk before answering; ``atomic`` puts the whole new content in place at once or leaves
    the file as it was (see :func:`begin_atomic`)."""
    if atomic:
        pending, _ = begin_atomic(sandbox, path, flags, mode)
        with pending:
            write_all(pending.fd, data, path)
            pending.commit()
        return
    file, _ = open_file(sandbox, path, flags, mode)
    with file:
        write_all(file.fd, data, path)
        if flush:
            with syscall("fsync", path):
                os.fsync(file.fd)


# ----------------------------------------------------------------------------------------------
# Atomic writes
# ----------------------------------------------------------------------------------------------


@final
class AtomicFile:
    """A file being written under a temporary name beside its target (same directory, so the
    rename cannot cross file systems), put in its place whole by :meth:`commit` or removed by
    :meth:`close`. Owns the directory and the temporary file's descriptors."""

    def __init__(
        self,
        directory: OwnedDescriptor,
        name: str,
        temp: str,
        file: OwnedDescriptor,
        *,
        exclusive: bool,
        path: str,
    ) -> None:
        self._directory = directory
        self._name = name
        self._temp = temp
        self._file = file
        self._exclusive = exclusive
        self._path = path
        self._committed = False

    @property
    def fd(self) -> int:
        """The temporary file's descriptor, to write to."""
        return self._file.fd

    def commit(self) -> None:
        """Sync the data, rename the temporary file over the target, sync the directory (so
        the rename itself survives a crash); closes everything, whether it worked or not.

        :raises ErrnoError: ``EEXIST`` for an exclusive write whose target appeared meanwhile.
        """
        directory = self._directory.fd
        try:
            with syscall("fsync", self._path):
                os.fsync(self._file.fd)
            self._file.close()
            with syscall("rename", self._path):
                if self._exclusive:
                    # rename() would replace a file created meanwhile; link() refuses to.
                    os.link(
                        self._temp,
                        self._name,
                        src_dir_fd=directory,
                        dst_dir_fd=directory,
                        follow_symlinks=False,
                    )
                    self._committed = True
                    # The new file is in place: a temporary name left over is only hidden clutter.
                    with contextlib.suppress(OSError):
                        os.unlink(self._temp, dir_fd=directory)
                else:
                    os.replace(self._temp, self._name, src_dir_fd=directory, dst_dir_fd=directory)
                    self._committed = True
            with syscall("fsync", self._path):
                os.fsync(directory)
        finally:
            self.close()

    def load_target(self) -> None:
        """Copy the target's current content into the temporary file (an atomic append)."""
        flags = os.O_RDONLY | NOFOLLOW | CLOEXEC | NONBLOCK
        with syscall("open", self._path):
            source = OwnedDescriptor.open(self._name, flags, dir_fd=self._directory.fd)
        with source, syscall("read", self._path):
            while chunk := os.read(source.fd, COPY_CHUNK):
                write_all(self._file.fd, chunk, self._path)

    def close(self) -> None:
        """Remove the temporary file unless committed, and close; a second call does nothing."""
        self._file.close()
        if not self._committed and not self._directory.closed:
            # Best effort: a temporary file that cannot be removed stays hidden from listings.
            with contextlib.suppress(OSError):
                os.unlink(self._temp, dir_fd=self._directory.fd)
        self._directory.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def begin_atomic(sandbox: Sandbox, path: str, flags: int, mode: int) -> tuple[AtomicFile, str]:
    """Start an atomic write of ``path``: a temporary file ``.<name>.oro-tmp-<random>`` in the
    target's directory, holding the target's current content when ``flags`` has ``O_APPEND``,
    with the target's mode (and owner, where allowed) when it exists, ``mode`` otherwise.
    ``O_CREAT`` and ``O_EXCL`` mean what they mean for ``open``; the new content replaces the
    old whole (other flags, like ``O_TRUNC``, change nothing). A final symlink is followed: the
    file it names is replaced, the link stays.

    :returns: the pending write (the caller writes to ``.fd``, then commits or closes it) and
        the display path.
    """
    exclusive = bool(flags & os.O_CREAT and flags & os.O_EXCL)
    with walk_to(sandbox, path, "open", follow=not exclusive, write=True) as walked:
        with syscall("open", path):
            if not walked.name:
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            existing = lstat_at(walked.dir_fd, walked.name)
            if existing is None and not flags & os.O_CREAT:
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
            if existing is not None and exclusive:
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))
            if existing is not None and stat.S_ISDIR(existing.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            access = os.O_RDWR if flags & os.O_ACCMODE == os.O_RDWR else os.O_WRONLY
            temp_flags = access | (flags & os.O_APPEND) | os.O_CREAT | os.O_EXCL
            temp, file = _create_temp(walked, temp_flags | NOFOLLOW | CLOEXEC, mode, existing)
        # From here the pending write owns the directory and the temporary file: whatever
        # fails closes both and removes the temporary file.
        pending = AtomicFile(
            walked.directory.hand_over(), walked.name, temp, file, exclusive=exclusive, path=path
        )
        shown = sandbox.display(walked.target, path)
    try:
        if existing is not None:
            with syscall("open", path):
                _adopt_owner_and_mode(pending.fd, existing)
            if flags & os.O_APPEND:
                pending.load_target()
    except BaseException:
        pending.close()
        raise
    return pending, shown


def _create_temp(
    walked: SandboxWalk, flags: int, mode: int, existing: os.stat_result | None
) -> tuple[str, OwnedDescriptor]:
    # A new file gets the caller's mode (less the umask, as open() does); a replaced one keeps
    # its own, set by _adopt_owner_and_mode, so meanwhile only the owner can read the data.
    initial = mode & 0o7777 if existing is None else 0o600
    for _ in range(100):
        temp = _temp_name(walked.name)
        try:
            return temp, OwnedDescriptor.open(temp, flags, initial, dir_fd=walked.dir_fd)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))


def _temp_name(name: str) -> str:
    suffix = f"{TEMP_MARK}{secrets.token_hex(6)}"
    room = Sandbox.MAX_COMPONENT_BYTES - 1 - len(suffix)
    # Cut a long name on a character boundary: the result must stay valid UTF-8.
    stem = name.encode("utf-8")[:room].decode("utf-8", "ignore")
    return f".{stem}{suffix}"


def _adopt_owner_and_mode(fd: int, existing: os.stat_result) -> None:
    if (existing.st_uid, existing.st_gid) != (os.getuid(), os.getgid()):
        # Only root may give a file away; anyone else's replacement is theirs, as with editors.
        with contextlib.suppress(PermissionError):
            os.fchown(fd, existing.st_uid, existing.st_gid)
    os.fchmod(fd, stat.S_IMODE(existing.st_mode))
