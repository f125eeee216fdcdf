"""What every ``fs.*`` handler shares: ``fs.constants``, parameters read and checked as Node
checks them, and blocking work run on the I/O limiter's threads."""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Callable
from typing import Any, Final, TypeVar

import anyio

from oro_framework import InvalidArgumentError, OutOfRangeError, Request, Sandbox
from oro_fs.state import FsState

__all__ = [
    "CONSTANTS",
    "READ_PURPOSE",
    "read_flags",
    "read_mode",
    "read_position",
    "read_seconds",
    "run_blocking",
    "sandbox_for",
]

T = TypeVar("T")

READ_PURPOSE: Final = "file reads"
"""What fs reserves from the host's memory budget for (named in ERR_OUT_OF_MEMORY)."""
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


async def run_blocking(fs: FsState, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` on one of the I/O limiter's threads."""
    return await anyio.to_thread.run_sync(
        functools.partial(function, *args, **kwargs), limiter=fs.limiter
    )


def sandbox_for(fs: FsState, request: Request) -> Sandbox:
    """The sandbox of ``request``: the app's roots, plus the paths the user picked for the
    calling window's page in a native file dialog (``host.file_grants``, oro-desktop), each a
    root for this request only; a request without a window (the HTTP bridge, other processes)
    gets no grant. The host's :meth:`~oro_framework.Sandbox.for_request` decides, as it does for
    oro-sqlite and oro-process."""
    return fs.sandbox.for_request(request)


def read_flags(request: Request, default: int) -> int:
    """The ``flags`` parameter: ``O_*`` flags of :data:`CONSTANTS` only."""
    flags = request.params.get_int("flags", default, minimum=0)
    if flags & ~_ALLOWED_FLAGS:
        raise InvalidArgumentError.invalid("flags", "a combination of fs.constants O_* flags")
    return flags


def read_position(request: Request, name: str, default: int, minimum: int) -> int:
    """A file position or length parameter, at most what ``off_t`` holds."""
    return request.params.get_int(name, default, minimum=minimum, maximum=_MAX_OFFSET)


def read_seconds(request: Request, name: str) -> float:
    """A time in seconds since the epoch, within what ``time_t`` holds."""
    seconds = request.params.require_float(name)
    if not -_MAX_SECONDS < seconds < _MAX_SECONDS:
        raise OutOfRangeError(
            f"'{name}' must be within (-2**63, 2**63) seconds, got {seconds:g}", parameter=name
        )
    return seconds


def read_mode(request: Request, default: int | None = None) -> int:
    """The ``mode`` parameter (permission bits); required when there is no ``default``."""
    if default is None:
        return request.params.require_int("mode", minimum=0, maximum=0o7777)
    return request.params.get_int("mode", default, minimum=0, maximum=0o7777)
