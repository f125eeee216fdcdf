"""Directories and removal: creating, listing and removing entries, whole trees included."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from typing import Any, Final

from oro_framework import ErrnoError, OwnedDescriptor, Sandbox, SandboxTarget
from oro_fs.ops.files import is_atomic_temp
from oro_fs.ops.walking import (
    DIR_FLAGS,
    check_replaceable,
    errno_error,
    syscall,
    walk_to,
)

__all__ = [
    "dirent",
    "list_dir",
    "mkdir",
    "mkdtemp",
    "open_dir",
    "remove_tree",
    "rm",
    "rmdir",
    "unlink",
]

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


def mkdir(sandbox: Sandbox, path: str, mode: int, *, recursive: bool) -> str | None:
    """Create ``path``; recursively: each missing parent, answering the first one created."""
    target = sandbox.locate(path)
    if not recursive:
        with (
            walk_to(sandbox, path, "mkdir", follow=False, write=True) as walked,
            syscall("mkdir", path),
        ):
            if not walked.name:
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))
            os.mkdir(walked.at, mode & 0o7777, dir_fd=walked.dir_fd)
        return None
    first: str | None = None
    for depth in range(1, len(target.parts) + 1):
        step = SandboxTarget(target.root, target.parts[:depth])
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
    with walk_to(sandbox, path, "rmdir", follow=False, write=True) as walked:
        check_replaceable(walked, path)
        with syscall("rmdir", path):
            os.rmdir(walked.at, dir_fd=walked.dir_fd)


def unlink(sandbox: Sandbox, path: str) -> None:
    with walk_to(sandbox, path, "unlink", follow=False, write=True) as walked:
        check_replaceable(walked, path)
        with syscall("unlink", path):
            os.unlink(walked.at, dir_fd=walked.dir_fd)


def rm(sandbox: Sandbox, path: str, *, recursive: bool, force: bool) -> None:
    """Node's ``fs.rm``: files, and whole trees with ``recursive`` (symlinks removed, never
    followed); ``force`` ignores a missing path."""
    try:
        with walk_to(sandbox, path, "rm", follow=False, write=True) as walked:
            check_replaceable(walked, path)
            with syscall("rm", path):
                info = os.stat(walked.at, dir_fd=walked.dir_fd, follow_symlinks=False)
                if not stat.S_ISDIR(info.st_mode):
                    os.unlink(walked.at, dir_fd=walked.dir_fd)
                elif not recursive:
                    raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
                else:
                    remove_tree(walked.dir_fd, walked.at)
    except ErrnoError as error:
        if not (force and error.code == "ENOENT"):
            raise


def remove_tree(parent_fd: int, name: str) -> None:
    """Remove directory ``name`` of ``parent_fd`` and everything below it (symlinks unfollowed)."""
    with OwnedDescriptor.open(name, DIR_FLAGS, dir_fd=parent_fd) as directory:
        with os.scandir(directory.fd) as entries:
            children = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
        for child, is_dir in children:
            if is_dir:
                remove_tree(directory.fd, child)
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
    with walk_to(sandbox, path, "opendir", follow=True) as walked, syscall("opendir", path):
        directory = OwnedDescriptor.open(walked.at, DIR_FLAGS, dir_fd=walked.dir_fd)
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


def mkdtemp(sandbox: Sandbox, prefix: str) -> str:
    with walk_to(sandbox, prefix + "X", "mkdtemp", follow=False, write=True) as walked:
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
            return sandbox.display(SandboxTarget(walked.target.root, parts), prefix + "X")
    raise errno_error(errno.EEXIST, "mkdtemp", prefix)
