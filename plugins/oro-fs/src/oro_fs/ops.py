"""The file operations, blocking, each on what a sandbox walk checked (run them in a thread).

Every function takes the caller's path strings, places them with :meth:`Sandbox.locate`, walks to
them and operates relative to the walk's directory descriptor. OS errors leave as
:class:`~oro_framework.ErrnoError` with Node's ``code``/``errno``/``syscall``/``path``.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from oro_framework import ErrnoError
from oro_fs.sandbox import Sandbox, Target, Walked, refuse

__all__ = [
    "COPY_CHUNK",
    "access",
    "chmod",
    "copy_file",
    "cp",
    "dirent",
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
]

COPY_CHUNK: Final = 1 << 20
_CLOEXEC: Final = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK: Final = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)
_DIR_FLAGS: Final = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC
_MUTATING: Final = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
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
            fd = os.open(
                walked.at,
                getattr(os, "O_PATH", os.O_RDONLY) | _NOFOLLOW | _CLOEXEC,
                dir_fd=walked.dir_fd,
            )
            try:
                os.chmod(f"/proc/self/fd/{fd}", mode & 0o7777)
            finally:
                os.close(fd)


def utimes(sandbox: Sandbox, path: str, atime: float, mtime: float) -> None:
    with _walk(sandbox, path, "utime", follow=True, write=True) as walked, syscall("utime", path):
        os.utime(walked.at, (atime, mtime), dir_fd=walked.dir_fd, follow_symlinks=False)


def truncate(sandbox: Sandbox, path: str, length: int) -> None:
    flags = os.O_WRONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK
    with _walk(sandbox, path, "open", follow=True, write=True) as walked:
        with syscall("open", path):
            fd = os.open(walked.at, flags, dir_fd=walked.dir_fd)
        try:
            with syscall("ftruncate", path):
                os.ftruncate(fd, length)
        finally:
            os.close(fd)


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
    fd = os.open(name, _DIR_FLAGS, dir_fd=parent_fd)
    try:
        with os.scandir(fd) as entries:
            children = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
        for child, is_dir in children:
            if is_dir:
                _remove_tree(fd, child)
            else:
                os.unlink(child, dir_fd=fd)
    finally:
        os.close(fd)
    os.rmdir(name, dir_fd=parent_fd)


def dirent(name: str, dir_fd: int) -> dict[str, Any]:
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except OSError:
        return {"name": name, "type": 0}
    kind = next((number for test, number in _DIRENT_TYPES if test(mode)), 0)
    return {"name": name, "type": kind}


def open_dir(sandbox: Sandbox, path: str) -> tuple[int, str]:
    """A directory descriptor of ``path`` and its display path."""
    with _walk(sandbox, path, "opendir", follow=True) as walked, syscall("opendir", path):
        fd = os.open(walked.at, _DIR_FLAGS, dir_fd=walked.dir_fd)
        return fd, sandbox.display(walked.target, path)


def list_dir(sandbox: Sandbox, path: str) -> list[dict[str, Any]]:
    fd, _ = open_dir(sandbox, path)
    try:
        with syscall("scandir", path), os.scandir(fd) as entries:
            names = sorted(entry.name for entry in entries)
        return [dirent(name, fd) for name in names]
    finally:
        os.close(fd)


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
    if sandbox.owning(resolved) is None:
        raise refuse("symlink target is outside the app's sandbox", shown)


def symlink(sandbox: Sandbox, target: str, dest: str) -> None:
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


def open_file(sandbox: Sandbox, path: str, flags: int, mode: int) -> tuple[int, str]:
    """An OS descriptor of ``path`` opened with ``flags`` (never following a final symlink the
    walk did not check), and its display path."""
    exclusive = flags & os.O_CREAT and flags & os.O_EXCL
    write = bool(flags & _MUTATING)
    with _walk(sandbox, path, "open", follow=not exclusive, write=write) as walked:
        with syscall("open", path):
            if not walked.name and write:
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            fd = os.open(
                walked.at, flags | _NOFOLLOW | _CLOEXEC, mode & 0o7777, dir_fd=walked.dir_fd
            )
        return fd, sandbox.display(walked.target, path)


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
        source = os.open(src, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK, dir_fd=src_dir)
        try:
            info = os.fstat(source)
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW | _CLOEXEC
            if exclusive:
                flags |= os.O_EXCL
            sink = os.open(dest, flags, stat.S_IMODE(info.st_mode), dir_fd=dest_dir)
            try:
                while chunk := os.read(source, COPY_CHUNK):
                    write_all(sink, chunk, path)
            finally:
                os.close(sink)
        finally:
            os.close(source)


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
    copied as symlinks (their targets re-checked), never followed."""
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
        _copy_node(
            sandbox,
            (old.dir_fd, old.at),
            (new.dir_fd, new.at, sink),
            src,
            force=force,
            error_on_exist=error_on_exist,
        )


def _copy_node(
    sandbox: Sandbox,
    source: tuple[int, str],
    sink: tuple[int, str, Target],
    path: str,
    *,
    force: bool,
    error_on_exist: bool,
) -> None:
    src_dir, src = source
    dest_dir, dest, where = sink
    with syscall("cp", path):
        info = os.stat(src, dir_fd=src_dir, follow_symlinks=False)
        try:
            existing: os.stat_result | None = os.stat(dest, dir_fd=dest_dir, follow_symlinks=False)
        except FileNotFoundError:
            existing = None
        if stat.S_ISDIR(info.st_mode):
            if existing is None:
                os.mkdir(dest, stat.S_IMODE(info.st_mode) | 0o700, dir_fd=dest_dir)
            elif not stat.S_ISDIR(existing.st_mode):
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
            src_fd = os.open(src, _DIR_FLAGS, dir_fd=src_dir)
            try:
                dest_fd = os.open(dest, _DIR_FLAGS, dir_fd=dest_dir)
                try:
                    with os.scandir(src_fd) as entries:
                        names = sorted(entry.name for entry in entries)
                    for name in names:
                        child = Target(where.root, (*where.parts, name))
                        _copy_node(
                            sandbox,
                            (src_fd, name),
                            (dest_fd, name, child),
                            path,
                            force=force,
                            error_on_exist=error_on_exist,
                        )
                finally:
                    os.close(dest_fd)
            finally:
                os.close(src_fd)
            return
        if existing is not None:
            if error_on_exist and not force:
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))
            if not force:
                return
            if stat.S_ISLNK(existing.st_mode) or stat.S_ISLNK(info.st_mode):
                os.unlink(dest, dir_fd=dest_dir)
        if stat.S_ISLNK(info.st_mode):
            text = os.readlink(src, dir_fd=src_dir)
            check_link_target(sandbox, text, where, path)
            os.symlink(text, dest, dir_fd=dest_dir)
            return
    _copy_regular(src_dir, src, dest_dir, dest, exclusive=False, path=path)
