"""The file operations, blocking, each on what a sandbox walk checked (run them in a thread).

Every function takes the caller's path strings, places them with :meth:`Sandbox.locate`, walks to
them and operates relative to the walk's directory descriptor. OS errors leave as
:class:`~oro_framework.ErrnoError` with Node's ``code``/``errno``/``syscall``/``path``. Every
descriptor opened here is held by an :class:`~oro_fs.owned.OwnedDescriptor` (or an
:class:`AtomicFile`), so it is closed exactly once, whatever fails.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final, Self, final

from oro_framework import ErrnoError, InvalidArgumentError, OutOfRangeError
from oro_fs.owned import OwnedDescriptor
from oro_fs.sandbox import MAX_COMPONENT_BYTES, Sandbox, Target, Walked, printable, refuse

__all__ = [
    "COPY_CHUNK",
    "TEMP_MARK",
    "AtomicFile",
    "access",
    "begin_atomic",
    "chmod",
    "copy_file",
    "cp",
    "dirent",
    "is_atomic_temp",
    "link",
    "list_dir",
    "mkdir",
    "mkdtemp",
    "open_dir",
    "open_file",
    "read_all",
    "readlink",
    "realpath",
    "rename",
    "rm",
    "rmdir",
    "stat_path",
    "stats",
    "symlink",
    "syscall",
    "truncate",
    "unlink",
    "utimes",
    "write_all",
    "write_file",
]

COPY_CHUNK: Final = 1 << 20
_CLOEXEC: Final = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK: Final = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)
_DIR_FLAGS: Final = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC
_MUTATING: Final = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
TEMP_MARK: Final = ".oro-tmp-"
"""In the name of an atomic write's temporary file: ``.<name>.oro-tmp-<12 hex digits>``."""
_TEMP_NAME: Final = re.compile(r"\..*\.oro-tmp-[0-9a-f]{12}", re.DOTALL)
# Oro's UV_DIRENT_* numbering, which the JS side turns into Dirent.isFile()...
_DIRENT_TYPES: Final = (
    (stat.S_ISREG, 1),
    (stat.S_ISDIR, 2),
    (stat.S_ISLNK, 3),
    (stat.S_ISFIFO, 4),
    (stat.S_ISSOCK, 5),
    (stat.S_ISCHR, 6),
    (stat.S_ISBLK, 7),
)


@contextmanager
def syscall(name: str, path: str) -> Iterator[None]:
    """Turn an :class:`OSError` raised inside into Node's error for ``name`` on ``path``."""
    try:
        yield
    except OSError as error:
        raise ErrnoError.from_os_error(error, syscall=name, path=path) from None
    except OverflowError as error:
        # A number the route accepted that this platform's C types cannot hold (time_t, off_t).
        raise OutOfRangeError(
            f"ERR_OUT_OF_RANGE: a number is out of range for {name} on this host ({error}), "
            f"'{path}'",
            syscall=name,
            path=path,
        ) from None


def _error(number: int, name: str, path: str) -> ErrnoError:
    return ErrnoError.from_os_error(OSError(number, os.strerror(number)), syscall=name, path=path)


@contextmanager
def _walk(
    sandbox: Sandbox, path: str, name: str, *, follow: bool, write: bool = False
) -> Iterator[Walked]:
    target = sandbox.locate(path)
    with syscall(name, path), sandbox.walk(target, follow_last=follow, shown=path) as walked:
        if write:
            sandbox.check_writable(walked.target, path)
        yield walked


def _replaceable(walked: Walked, path: str) -> None:
    if not walked.name:
        raise refuse("a sandbox root cannot be removed or replaced", path)


# ----------------------------------------------------------------------------------------------
# Metadata
# ----------------------------------------------------------------------------------------------


def stats(info: os.stat_result) -> dict[str, Any]:
    """Node's Stats fields; times in ms; ``birthtimeMs`` is ctime where there is no birth time."""
    birth = getattr(info, "st_birthtime", None)
    return {
        "dev": info.st_dev,
        "ino": info.st_ino,
        "mode": info.st_mode,
        "nlink": info.st_nlink,
        "uid": info.st_uid,
        "gid": info.st_gid,
        "rdev": getattr(info, "st_rdev", 0),
        "size": info.st_size,
        "blksize": getattr(info, "st_blksize", 4096),
        "blocks": getattr(info, "st_blocks", 0),
        "atimeMs": info.st_atime_ns / 1e6,
        "mtimeMs": info.st_mtime_ns / 1e6,
        "ctimeMs": info.st_ctime_ns / 1e6,
        "birthtimeMs": (birth * 1000) if birth is not None else info.st_ctime_ns / 1e6,
    }


def stat_path(sandbox: Sandbox, path: str, *, follow: bool) -> dict[str, Any]:
    name = "stat" if follow else "lstat"
    with _walk(sandbox, path, name, follow=follow) as walked, syscall(name, path):
        return stats(os.stat(walked.at, dir_fd=walked.dir_fd, follow_symlinks=False))


def access(sandbox: Sandbox, path: str, mode: int) -> None:
    with _walk(sandbox, path, "access", follow=True) as walked, syscall("access", path):
        if mode & os.W_OK:
            sandbox.check_writable(walked.target, path)
        follow_free = os.access in os.supports_follow_symlinks
        kwargs: dict[str, Any] = {"follow_symlinks": False} if follow_free else {}
        os.stat(walked.at, dir_fd=walked.dir_fd, follow_symlinks=False)
        if not os.access(walked.at, mode, dir_fd=walked.dir_fd, **kwargs):
            raise _error(errno.EACCES, "access", path)


def realpath(sandbox: Sandbox, path: str) -> str:
    with _walk(sandbox, path, "realpath", follow=True) as walked, syscall("realpath", path):
        os.stat(walked.at, dir_fd=walked.dir_fd, follow_symlinks=False)
        return sandbox.display(walked.target, path)


def readlink(sandbox: Sandbox, path: str) -> str:
    with _walk(sandbox, path, "readlink", follow=False) as walked, syscall("readlink", path):
        return os.readlink(walked.at, dir_fd=walked.dir_fd)


def chmod(sandbox: Sandbox, path: str, mode: int) -> None:
    with _walk(sandbox, path, "chmod", follow=True, write=True) as walked, syscall("chmod", path):
        try:
            os.chmod(walked.at, mode & 0o7777, dir_fd=walked.dir_fd, follow_symlinks=False)
        except NotImplementedError:
            # Linux has no lchmod: change the mode through a descriptor of what the walk checked.
            with OwnedDescriptor.open(
                walked.at,
                getattr(os, "O_PATH", os.O_RDONLY) | _NOFOLLOW | _CLOEXEC,
                dir_fd=walked.dir_fd,
            ) as file:
                os.chmod(f"/proc/self/fd/{file.fd}", mode & 0o7777)


def utimes(sandbox: Sandbox, path: str, atime: float, mtime: float) -> None:
    with _walk(sandbox, path, "utime", follow=True, write=True) as walked, syscall("utime", path):
        os.utime(walked.at, (atime, mtime), dir_fd=walked.dir_fd, follow_symlinks=False)


def truncate(sandbox: Sandbox, path: str, length: int) -> None:
    flags = os.O_WRONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK
    with _walk(sandbox, path, "open", follow=True, write=True) as walked:
        with syscall("open", path):
            file = OwnedDescriptor.open(walked.at, flags, dir_fd=walked.dir_fd)
        with file, syscall("ftruncate", path):
            os.ftruncate(file.fd, length)


# ----------------------------------------------------------------------------------------------
# Directories
# ----------------------------------------------------------------------------------------------


def mkdir(sandbox: Sandbox, path: str, mode: int, *, recursive: bool) -> str | None:
    """Create ``path``; recursively: each missing parent, answering the first one created."""
    target = sandbox.locate(path)
    if not recursive:
        with (
            _walk(sandbox, path, "mkdir", follow=False, write=True) as walked,
            syscall("mkdir", path),
        ):
            if not walked.name:
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))
            os.mkdir(walked.at, mode & 0o7777, dir_fd=walked.dir_fd)
        return None
    first: str | None = None
    for depth in range(1, len(target.parts) + 1):
        step = Target(target.root, target.parts[:depth])
        with syscall("mkdir", path), sandbox.walk(step, follow_last=True, shown=path) as walked:
            sandbox.check_writable(walked.target, path)
            try:
                os.mkdir(walked.at, mode & 0o7777, dir_fd=walked.dir_fd)
            except FileExistsError:
                info = os.stat(walked.at, dir_fd=walked.dir_fd, follow_symlinks=False)
                if stat.S_ISDIR(info.st_mode):
                    continue
                if depth == len(target.parts):
                    raise
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)) from None
            if first is None:
                first = sandbox.display(step, path)
    return first


def rmdir(sandbox: Sandbox, path: str) -> None:
    with _walk(sandbox, path, "rmdir", follow=False, write=True) as walked:
        _replaceable(walked, path)
        with syscall("rmdir", path):
            os.rmdir(walked.at, dir_fd=walked.dir_fd)


def unlink(sandbox: Sandbox, path: str) -> None:
    with _walk(sandbox, path, "unlink", follow=False, write=True) as walked:
        _replaceable(walked, path)
        with syscall("unlink", path):
            os.unlink(walked.at, dir_fd=walked.dir_fd)


def rm(sandbox: Sandbox, path: str, *, recursive: bool, force: bool) -> None:
    """Node's ``fs.rm``: files, and whole trees with ``recursive`` (symlinks removed, never
    followed); ``force`` ignores a missing path."""
    try:
        with _walk(sandbox, path, "rm", follow=False, write=True) as walked:
            _replaceable(walked, path)
            with syscall("rm", path):
                info = os.stat(walked.at, dir_fd=walked.dir_fd, follow_symlinks=False)
                if not stat.S_ISDIR(info.st_mode):
                    os.unlink(walked.at, dir_fd=walked.dir_fd)
                elif not recursive:
                    raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
                else:
                    _remove_tree(walked.dir_fd, walked.at)
    except ErrnoError as error:
        if not (force and error.code == "ENOENT"):
            raise


def _remove_tree(parent_fd: int, name: str) -> None:
    with OwnedDescriptor.open(name, _DIR_FLAGS, dir_fd=parent_fd) as directory:
        with os.scandir(directory.fd) as entries:
            children = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
        for child, is_dir in children:
            if is_dir:
                _remove_tree(directory.fd, child)
            else:
                os.unlink(child, dir_fd=directory.fd)
    os.rmdir(name, dir_fd=parent_fd)


def dirent(name: str, dir_fd: int) -> dict[str, Any]:
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except OSError:
        return {"name": name, "type": 0}
    kind = next((number for test, number in _DIRENT_TYPES if test(mode)), 0)
    return {"name": name, "type": kind}


def open_dir(sandbox: Sandbox, path: str) -> tuple[OwnedDescriptor, str]:
    """A directory descriptor of ``path`` (the caller owns it) and its display path."""
    with _walk(sandbox, path, "opendir", follow=True) as walked, syscall("opendir", path):
        directory = OwnedDescriptor.open(walked.at, _DIR_FLAGS, dir_fd=walked.dir_fd)
        return directory, sandbox.display(walked.target, path)


def list_dir(sandbox: Sandbox, path: str) -> list[dict[str, Any]]:
    """Every entry of ``path`` but atomic writes' temporary files, sorted by name."""
    directory, _ = open_dir(sandbox, path)
    concealed = sandbox.concealed_in(sandbox.locate(path))
    with directory:
        with syscall("scandir", path), os.scandir(directory.fd) as entries:
            names = sorted(
                entry.name
                for entry in entries
                if not is_atomic_temp(entry.name) and entry.name not in concealed
            )
        return [dirent(name, directory.fd) for name in names]


def is_atomic_temp(name: str) -> bool:
    """Whether ``name`` is an atomic write's temporary file, which listings and watchers do not
    show (one left behind by a killed host stays on disk, recognisable by its name)."""
    return _TEMP_NAME.fullmatch(name) is not None


def mkdtemp(sandbox: Sandbox, prefix: str) -> str:
    with _walk(sandbox, prefix + "X", "mkdtemp", follow=False, write=True) as walked:
        stem = walked.name[:-1]
        for _ in range(100):
            name = stem + secrets.token_hex(3)
            try:
                with syscall("mkdtemp", prefix):
                    os.mkdir(name, 0o700, dir_fd=walked.dir_fd)
            except ErrnoError as error:
                if error.code == "EEXIST":
                    continue
                raise
            parts = (*walked.target.parts[:-1], name)
            return sandbox.display(Target(walked.target.root, parts), prefix + "X")
    raise _error(errno.EEXIST, "mkdtemp", prefix)


# ----------------------------------------------------------------------------------------------
# Names
# ----------------------------------------------------------------------------------------------


def rename(sandbox: Sandbox, src: str, dest: str) -> None:
    with (
        _walk(sandbox, src, "rename", follow=False, write=True) as old,
        _walk(sandbox, dest, "rename", follow=False, write=True) as new,
    ):
        _replaceable(old, src)
        _replaceable(new, dest)
        with syscall("rename", src):
            os.rename(old.at, new.at, src_dir_fd=old.dir_fd, dst_dir_fd=new.dir_fd)


def link(sandbox: Sandbox, src: str, dest: str) -> None:
    # A hard link from a writable root to a read-only file would make it writable: both checked.
    with (
        _walk(sandbox, src, "link", follow=False, write=True) as old,
        _walk(sandbox, dest, "link", follow=False, write=True) as new,
        syscall("link", src),
    ):
        os.link(old.at, new.at, src_dir_fd=old.dir_fd, dst_dir_fd=new.dir_fd, follow_symlinks=False)


def check_link_target(sandbox: Sandbox, link_target: str, location: Target, shown: str) -> None:
    """Refuse to create a symlink whose target (read from where it will live) lies outside
    every root. Following it later is checked again by the walk; this keeps the tree clean."""
    if "\0" in link_target or not link_target:
        raise refuse("invalid symlink target", shown)
    base = os.path.dirname(location.absolute)
    resolved = os.path.normpath(os.path.join(base, link_target))
    # Lexically inside is not enough: the target may itself be a link (or pass through one)
    # that leads out, and the new link would then resolve outside too.
    if sandbox.owning(resolved) is None or sandbox.owning(os.path.realpath(resolved)) is None:
        raise refuse("symlink target is outside the app's sandbox", shown)


def symlink(sandbox: Sandbox, target: str, dest: str) -> None:
    try:
        target.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(
            "symlink target must be valid Unicode",
            code="ERR_INVALID_ARG_VALUE",
            path=printable(target),
        ) from None
    located = sandbox.locate(target) if _is_rooted(sandbox, target) else None
    with _walk(sandbox, dest, "symlink", follow=False, write=True) as new:
        # A prefixed or absolute target is stored as the real absolute path it denotes.
        text = located.absolute if located is not None else target
        check_link_target(sandbox, text, new.target, target)
        with syscall("symlink", target):
            os.symlink(text, new.at, dir_fd=new.dir_fd)


def _is_rooted(sandbox: Sandbox, path: str) -> bool:
    return os.path.isabs(path) or path.partition(":")[0] in sandbox.roots


# ----------------------------------------------------------------------------------------------
# Contents
# ----------------------------------------------------------------------------------------------


def open_file(sandbox: Sandbox, path: str, flags: int, mode: int) -> tuple[OwnedDescriptor, str]:
    """An OS descriptor of ``path`` opened with ``flags`` (never following a final symlink the
    walk did not check; the caller owns it), and its display path."""
    exclusive = flags & os.O_CREAT and flags & os.O_EXCL
    write = bool(flags & _MUTATING)
    with _walk(sandbox, path, "open", follow=not exclusive, write=write) as walked:
        with syscall("open", path):
            if not walked.name and write:
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            file = OwnedDescriptor.open(
                walked.at, flags | _NOFOLLOW | _CLOEXEC, mode & 0o7777, dir_fd=walked.dir_fd
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
        flags = os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK
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
    with _walk(sandbox, path, "open", follow=not exclusive, write=True) as walked:
        with syscall("open", path):
            if not walked.name:
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            existing = _lstat_at(walked.dir_fd, walked.name)
            if existing is None and not flags & os.O_CREAT:
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
            if existing is not None and exclusive:
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))
            if existing is not None and stat.S_ISDIR(existing.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            access = os.O_RDWR if flags & os.O_ACCMODE == os.O_RDWR else os.O_WRONLY
            temp_flags = access | (flags & os.O_APPEND) | os.O_CREAT | os.O_EXCL
            temp, file = _create_temp(walked, temp_flags | _NOFOLLOW | _CLOEXEC, mode, existing)
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
    walked: Walked, flags: int, mode: int, existing: os.stat_result | None
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
    room = MAX_COMPONENT_BYTES - 1 - len(suffix)
    # Cut a long name on a character boundary: the result must stay valid UTF-8.
    stem = name.encode("utf-8")[:room].decode("utf-8", "ignore")
    return f".{stem}{suffix}"


def _adopt_owner_and_mode(fd: int, existing: os.stat_result) -> None:
    if (existing.st_uid, existing.st_gid) != (os.getuid(), os.getgid()):
        # Only root may give a file away; anyone else's replacement is theirs, as with editors.
        with contextlib.suppress(PermissionError):
            os.fchown(fd, existing.st_uid, existing.st_gid)
    os.fchmod(fd, stat.S_IMODE(existing.st_mode))


def _lstat_at(dir_fd: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


# ----------------------------------------------------------------------------------------------
# Copies
# ----------------------------------------------------------------------------------------------


def copy_file(sandbox: Sandbox, src: str, dest: str, *, exclusive: bool) -> None:
    with (
        _walk(sandbox, src, "copyfile", follow=True) as old,
        _walk(sandbox, dest, "copyfile", follow=not exclusive, write=True) as new,
    ):
        _copy_regular(old.dir_fd, old.at, new.dir_fd, new.at, exclusive=exclusive, path=src)


def _copy_regular(
    src_dir: int, src: str, dest_dir: int, dest: str, *, exclusive: bool, path: str
) -> None:
    with syscall("copyfile", path):
        flags = os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK
        with OwnedDescriptor.open(src, flags, dir_fd=src_dir) as source:
            info = os.fstat(source.fd)
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW | _CLOEXEC
            if exclusive:
                flags |= os.O_EXCL
            mode = stat.S_IMODE(info.st_mode)
            with OwnedDescriptor.open(dest, flags, mode, dir_fd=dest_dir) as sink:
                while chunk := os.read(source.fd, COPY_CHUNK):
                    write_all(sink.fd, chunk, path)


def cp(
    sandbox: Sandbox,
    src: str,
    dest: str,
    *,
    recursive: bool,
    force: bool,
    error_on_exist: bool,
) -> None:
    """Node's ``fs.cp``: a file, or a tree with ``recursive``; symlinks inside the tree are
    copied as symlinks (their targets re-checked), never followed. Everything that would be
    refused is looked for before anything is created; what fails anyway (the tree changed
    meanwhile, a read error) removes again what this call created."""
    with (
        _walk(sandbox, src, "cp", follow=True) as old,
        _walk(sandbox, dest, "cp", follow=True, write=True) as new,
    ):
        source, sink = old.target, new.target
        if source.root == sink.root and sink.parts[: len(source.parts)] == source.parts:
            raise _error(errno.EINVAL, "cp", dest)
        with syscall("cp", src):
            info = os.stat(old.at, dir_fd=old.dir_fd, follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode) and not recursive:
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        copy = _TreeCopy(sandbox, src, force=force, error_on_exist=error_on_exist)
        copy.check((old.dir_fd, old.at), (new.dir_fd, new.at, sink))
        copy.copy((old.dir_fd, old.at), (new.dir_fd, new.at, sink))


@final
class _TreeCopy:
    """One ``fs.cp``: :meth:`check` refuses what the copy would refuse, reading only; then
    :meth:`copy` copies, each directory level removing what it created if a later step fails."""

    def __init__(self, sandbox: Sandbox, path: str, *, force: bool, error_on_exist: bool) -> None:
        self.sandbox = sandbox
        self.path = path
        self.force = force
        self.error_on_exist = error_on_exist

    def check(self, source: tuple[int, str], sink: tuple[int | None, str, Target]) -> None:
        """Raise what :meth:`copy` would raise for this entry and below (``sink`` directory
        ``None``: its directory does not exist yet, so nothing is in the way)."""
        src_dir, src = source
        dest_dir, dest, where = sink
        with syscall("cp", self.path):
            info = os.stat(src, dir_fd=src_dir, follow_symlinks=False)
            existing = None if dest_dir is None else _lstat_at(dest_dir, dest)
            if stat.S_ISDIR(info.st_mode):
                if existing is not None and not stat.S_ISDIR(existing.st_mode):
                    raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
                with contextlib.ExitStack() as stack:
                    directory = stack.enter_context(
                        OwnedDescriptor.open(src, _DIR_FLAGS, dir_fd=src_dir)
                    )
                    child_dir: int | None = None
                    if existing is not None and dest_dir is not None:
                        child_dir = stack.enter_context(
                            OwnedDescriptor.open(dest, _DIR_FLAGS, dir_fd=dest_dir)
                        ).fd
                    for name in _names(directory.fd):
                        child = Target(where.root, (*where.parts, name))
                        self.check((directory.fd, name), (child_dir, name, child))
                return
            if not self._may_write(info, existing):
                return
            if existing is not None and stat.S_ISDIR(existing.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            if stat.S_ISLNK(info.st_mode):
                text = os.readlink(src, dir_fd=src_dir)
                check_link_target(self.sandbox, text, where, self.path)

    def _may_write(self, info: os.stat_result, existing: os.stat_result | None) -> bool:
        """Whether a file-like entry is written over ``existing``; ``False``: it is kept.

        :raises OSError: a socket or FIFO (Node's ERR_FS_CP_SOCKET, ERR_FS_CP_FIFO_PIPE), or
            ``EEXIST`` with ``errorOnExist`` and no ``force``.
        """
        if stat.S_ISSOCK(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        if existing is None:
            return True
        if self.error_on_exist and not self.force:
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))
        return self.force

    def copy(self, source: tuple[int, str], sink: tuple[int, str, Target]) -> bool:
        """Copy one entry (a directory with everything below); whether it created the
        destination entry (``False``: it was there and is reused or overwritten)."""
        src_dir, src = source
        dest_dir, dest, where = sink
        with syscall("cp", self.path):
            info = os.stat(src, dir_fd=src_dir, follow_symlinks=False)
            existing = _lstat_at(dest_dir, dest)
            if stat.S_ISDIR(info.st_mode):
                return self._copy_directory(source, sink, info, existing)
            if not self._may_write(info, existing):
                return False
            if existing is not None and (
                stat.S_ISLNK(existing.st_mode) or stat.S_ISLNK(info.st_mode)
            ):
                os.unlink(dest, dir_fd=dest_dir)
            if stat.S_ISLNK(info.st_mode):
                text = os.readlink(src, dir_fd=src_dir)
                check_link_target(self.sandbox, text, where, self.path)
                os.symlink(text, dest, dir_fd=dest_dir)
                return existing is None
        try:
            _copy_regular(src_dir, src, dest_dir, dest, exclusive=False, path=self.path)
        except BaseException:
            if existing is None:
                with contextlib.suppress(OSError):
                    os.unlink(dest, dir_fd=dest_dir)
            raise
        return existing is None

    def _copy_directory(
        self,
        source: tuple[int, str],
        sink: tuple[int, str, Target],
        info: os.stat_result,
        existing: os.stat_result | None,
    ) -> bool:
        src_dir, src = source
        dest_dir, dest, where = sink
        if existing is None:
            os.mkdir(dest, stat.S_IMODE(info.st_mode) | 0o700, dir_fd=dest_dir)
        elif not stat.S_ISDIR(existing.st_mode):
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        created: list[str] = []
        try:
            with (
                OwnedDescriptor.open(src, _DIR_FLAGS, dir_fd=src_dir) as source_dir,
                OwnedDescriptor.open(dest, _DIR_FLAGS, dir_fd=dest_dir) as sink_dir,
            ):
                try:
                    for name in _names(source_dir.fd):
                        child = Target(where.root, (*where.parts, name))
                        if self.copy((source_dir.fd, name), (sink_dir.fd, name, child)):
                            created.append(name)
                except BaseException:
                    if existing is not None:
                        _remove_entries(sink_dir.fd, created)
                    raise
        except BaseException:
            if existing is None:
                # Everything below a directory this call made was made by this call too.
                with contextlib.suppress(OSError):
                    _remove_tree(dest_dir, dest)
            raise
        return existing is None


def _names(dir_fd: int) -> list[str]:
    with os.scandir(dir_fd) as entries:
        return sorted(entry.name for entry in entries)


def _remove_entries(dir_fd: int, names: list[str]) -> None:
    """Remove what a failed copy created in a directory that was there before it (best effort:
    the copy's own error is what the caller needs to see)."""
    for name in reversed(names):
        with contextlib.suppress(OSError):
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                _remove_tree(dir_fd, name)
            else:
                os.unlink(name, dir_fd=dir_fd)
