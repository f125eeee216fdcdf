"""How every file operation reaches its target: the sandbox walk, and Node's errors on the way.

An operation places the caller's path with :meth:`Sandbox.locate`, walks to it with
:func:`walk_to` and then acts relative to the walk's directory descriptor; :func:`syscall` turns
what the OS raises meanwhile into :class:`~oro_framework.ErrnoError` with Node's
``code``/``errno``/``syscall``/``path``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from oro_framework import ErrnoError, OutOfRangeError, Sandbox, SandboxWalk

__all__ = [
    "CLOEXEC",
    "DIR_FLAGS",
    "NOFOLLOW",
    "NONBLOCK",
    "check_replaceable",
    "errno_error",
    "lstat_at",
    "syscall",
    "walk_to",
]

CLOEXEC: Final = getattr(os, "O_CLOEXEC", 0)
NONBLOCK: Final = getattr(os, "O_NONBLOCK", 0)
NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)
DIR_FLAGS: Final = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | NOFOLLOW | CLOEXEC


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


def errno_error(number: int, name: str, path: str) -> ErrnoError:
    """Node's error for ``errno`` ``number`` from ``name`` on ``path``, for refusals the OS did
    not raise itself."""
    return ErrnoError.from_os_error(OSError(number, os.strerror(number)), syscall=name, path=path)


@contextmanager
def walk_to(
    sandbox: Sandbox, path: str, name: str, *, follow: bool, write: bool = False
) -> Iterator[SandboxWalk]:
    """Walk to ``path`` (``follow``: through a final symlink), its errors reported as ``name``'s;
    ``write`` also refuses a read-only root."""
    target = sandbox.locate(path)
    with syscall(name, path), sandbox.walk(target, follow_last=follow, shown=path) as walked:
        if write:
            sandbox.check_writable(walked.target, path)
        yield walked


def check_replaceable(walked: SandboxWalk, path: str) -> None:
    """Refuse to remove or rename over a sandbox root itself."""
    if not walked.name:
        raise Sandbox.refusal("a sandbox root cannot be removed or replaced", path)


def lstat_at(dir_fd: int, name: str) -> os.stat_result | None:
    """``name``'s own stats in ``dir_fd``, ``None`` when there is no such entry."""
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
