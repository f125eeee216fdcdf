"""Reading and changing what a path's inode says: stats, access, links' targets, mode, times,
length."""

from __future__ import annotations

import errno
import os
from typing import Any

from oro_framework import OwnedDescriptor, Sandbox
from oro_fs.ops.walking import CLOEXEC, NOFOLLOW, NONBLOCK, errno_error, syscall, walk_to

__all__ = [
    "access",
    "chmod",
    "chown",
    "futimes",
    "readlink",
    "realpath",
    "stat_path",
    "stats",
    "truncate",
    "utimes",
]


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
    with walk_to(sandbox, path, name, follow=follow) as walked, syscall(name, path):
        return stats(os.stat(walked.at, dir_fd=walked.dir_fd, follow_symlinks=False))


def access(sandbox: Sandbox, path: str, mode: int) -> None:
    with walk_to(sandbox, path, "access", follow=True) as walked, syscall("access", path):
        if mode & os.W_OK:
            sandbox.check_writable(walked.target, path)
        follow_free = os.access in os.supports_follow_symlinks
        kwargs: dict[str, Any] = {"follow_symlinks": False} if follow_free else {}
        os.stat(walked.at, dir_fd=walked.dir_fd, follow_symlinks=False)
        if not os.access(walked.at, mode, dir_fd=walked.dir_fd, **kwargs):
            raise errno_error(errno.EACCES, "access", path)


def realpath(sandbox: Sandbox, path: str) -> str:
    with walk_to(sandbox, path, "realpath", follow=True) as walked, syscall("realpath", path):
        os.stat(walked.at, dir_fd=walked.dir_fd, follow_symlinks=False)
        return sandbox.display(walked.target, path)


def readlink(sandbox: Sandbox, path: str) -> str:
    with walk_to(sandbox, path, "readlink", follow=False) as walked, syscall("readlink", path):
        return os.readlink(walked.at, dir_fd=walked.dir_fd)


def chmod(sandbox: Sandbox, path: str, mode: int, *, follow: bool = True) -> None:
    """``follow=False`` is ``lchmod``: Linux cannot change a symlink's own mode (EOPNOTSUPP)."""
    name = "chmod" if follow else "lchmod"
    with walk_to(sandbox, path, name, follow=follow, write=True) as walked, syscall(name, path):
        try:
            os.chmod(walked.at, mode & 0o7777, dir_fd=walked.dir_fd, follow_symlinks=False)
        except (NotImplementedError, ValueError):
            # Linux has no lchmod: change the mode through a descriptor of what the walk checked
            # (for a symlink, CPython 3.11 words glibc's EOPNOTSUPP as a ValueError; the
            # descriptor route then answers the kernel's EOPNOTSUPP itself).
            with OwnedDescriptor.open(
                walked.at,
                getattr(os, "O_PATH", os.O_RDONLY) | NOFOLLOW | CLOEXEC,
                dir_fd=walked.dir_fd,
            ) as file:
                os.chmod(f"/proc/self/fd/{file.fd}", mode & 0o7777)


def utimes(sandbox: Sandbox, path: str, atime: float, mtime: float, *, follow: bool = True) -> None:
    """``follow=False`` is ``lutimes``: the times of a symlink itself."""
    name = "utime" if follow else "lutime"
    with walk_to(sandbox, path, name, follow=follow, write=True) as walked, syscall(name, path):
        os.utime(walked.at, (atime, mtime), dir_fd=walked.dir_fd, follow_symlinks=False)


def futimes(fd: int, atime: float, mtime: float) -> None:
    os.utime(fd, (atime, mtime))


def chown(sandbox: Sandbox, path: str, uid: int, gid: int, *, follow: bool = True) -> None:
    """``follow=False`` is ``lchown``; -1 keeps an id. The kernel decides who may give a file
    away (an unprivileged host gets EPERM for another owner)."""
    name = "chown" if follow else "lchown"
    with walk_to(sandbox, path, name, follow=follow, write=True) as walked, syscall(name, path):
        os.chown(walked.at, uid, gid, dir_fd=walked.dir_fd, follow_symlinks=False)


def truncate(sandbox: Sandbox, path: str, length: int) -> None:
    flags = os.O_WRONLY | NOFOLLOW | CLOEXEC | NONBLOCK
    with walk_to(sandbox, path, "open", follow=True, write=True) as walked:
        with syscall("open", path):
            file = OwnedDescriptor.open(walked.at, flags, dir_fd=walked.dir_fd)
        with file, syscall("ftruncate", path):
            os.ftruncate(file.fd, length)
