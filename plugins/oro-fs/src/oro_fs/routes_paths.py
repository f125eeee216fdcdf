"""The ``fs.*`` routes on paths: stats, access, creating, removing, renaming, copying, links,
mode, times, length and temporary directories."""

from __future__ import annotations

import os
from typing import Any

from oro_framework import Request
from oro_fs import ops
from oro_fs.routes_common import (
    read_mode,
    read_position,
    read_seconds,
    run_blocking,
    sandbox_for,
)
from oro_fs.state import STATE

__all__ = [
    "access",
    "chmod",
    "chown",
    "copy_file",
    "cp",
    "lchmod",
    "lchown",
    "link",
    "lstat",
    "lutimes",
    "mkdir",
    "mkdtemp",
    "readlink",
    "realpath",
    "rename",
    "rm",
    "rmdir",
    "stat_",
    "symlink",
    "truncate",
    "unlink",
    "utimes",
]


async def stat_(request: Request) -> dict[str, Any]:
    """Stats of ``path``, following symlinks."""
    fs = request.host.stash[STATE]
    return await run_blocking(
        fs, ops.stat_path, sandbox_for(fs, request), request.params.require_str("path"), follow=True
    )


async def lstat(request: Request) -> dict[str, Any]:
    """Stats of ``path`` itself (a symlink is not followed)."""
    fs = request.host.stash[STATE]
    path = request.params.require_str("path")
    return await run_blocking(fs, ops.stat_path, sandbox_for(fs, request), path, follow=False)


async def access(request: Request) -> None:
    """Check that ``path`` exists and allows ``mode`` (F_OK, R_OK | W_OK | X_OK)."""
    fs = request.host.stash[STATE]
    mode = request.params.get_int("mode", os.F_OK, minimum=0, maximum=7)
    await run_blocking(
        fs, ops.access, sandbox_for(fs, request), request.params.require_str("path"), mode
    )


async def mkdir(request: Request) -> dict[str, Any]:
    """Create a directory; ``recursive`` creates parents and answers the first one created."""
    fs = request.host.stash[STATE]
    path = request.params.require_str("path")
    recursive = request.params.get_bool("recursive", False)
    first = await run_blocking(
        fs,
        ops.mkdir,
        sandbox_for(fs, request),
        path,
        read_mode(request, 0o777),
        recursive=recursive,
    )
    return {"path": first}


async def rmdir(request: Request) -> None:
    """Remove an empty directory."""
    fs = request.host.stash[STATE]
    await run_blocking(fs, ops.rmdir, sandbox_for(fs, request), request.params.require_str("path"))


async def unlink(request: Request) -> None:
    """Remove a file or symlink."""
    fs = request.host.stash[STATE]
    await run_blocking(fs, ops.unlink, sandbox_for(fs, request), request.params.require_str("path"))


async def rm(request: Request) -> None:
    """Remove a file, or a tree with ``recursive``; ``force`` ignores a missing path."""
    fs = request.host.stash[STATE]
    await run_blocking(
        fs,
        ops.rm,
        sandbox_for(fs, request),
        request.params.require_str("path"),
        recursive=request.params.get_bool("recursive", False),
        force=request.params.get_bool("force", False),
    )


async def rename(request: Request) -> None:
    """Rename ``src`` to ``dest`` (both in writable roots)."""
    fs = request.host.stash[STATE]
    src, dest = request.params.require_str("src"), request.params.require_str("dest")
    await run_blocking(fs, ops.rename, sandbox_for(fs, request), src, dest)


async def copy_file(request: Request) -> None:
    """Copy file ``src`` to ``dest``; ``flags`` COPYFILE_EXCL refuses an existing dest."""
    fs = request.host.stash[STATE]
    src, dest = request.params.require_str("src"), request.params.require_str("dest")
    flags = request.params.get_int("flags", 0, minimum=0, maximum=7)
    await run_blocking(
        fs, ops.copy_file, sandbox_for(fs, request), src, dest, exclusive=bool(flags & 1)
    )


async def cp(request: Request) -> None:
    """Copy a file or (``recursive``) a tree in one round trip."""
    fs = request.host.stash[STATE]
    params = request.params
    await run_blocking(
        fs,
        ops.cp,
        sandbox_for(fs, request),
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
    await run_blocking(fs, ops.link, sandbox_for(fs, request), src, dest)


async def symlink(request: Request) -> None:
    """Create symlink ``dest`` pointing at ``src``; a target outside the sandbox is refused."""
    fs = request.host.stash[STATE]
    src, dest = request.params.require_str("src"), request.params.require_str("dest")
    await run_blocking(fs, ops.symlink, sandbox_for(fs, request), src, dest)


async def readlink(request: Request) -> dict[str, str]:
    """The target a symlink holds."""
    fs = request.host.stash[STATE]
    return {
        "path": await run_blocking(
            fs, ops.readlink, sandbox_for(fs, request), request.params.require_str("path")
        )
    }


async def realpath(request: Request) -> dict[str, str]:
    """``path`` with every symlink resolved (shown as the caller addressed it)."""
    fs = request.host.stash[STATE]
    return {
        "path": await run_blocking(
            fs, ops.realpath, sandbox_for(fs, request), request.params.require_str("path")
        )
    }


async def chmod(request: Request) -> None:
    """Change the permission bits of ``path``."""
    await _chmod(request, follow=True)


async def lchmod(request: Request) -> None:
    """Change the permission bits of ``path`` itself, not of a symlink's target (a symlink's
    answers ENOTSUP on Linux, as ``fchmodat(AT_SYMLINK_NOFOLLOW)`` does)."""
    await _chmod(request, follow=False)


async def _chmod(request: Request, *, follow: bool) -> None:
    fs = request.host.stash[STATE]
    path, mode = request.params.require_str("path"), read_mode(request)
    await run_blocking(fs, ops.chmod, sandbox_for(fs, request), path, mode, follow=follow)


async def chown(request: Request) -> None:
    """Change the owner ``uid`` and group ``gid`` of ``path`` (-1 keeps one)."""
    await _chown(request, follow=True)


async def lchown(request: Request) -> None:
    """Change the owner and group of ``path`` itself, not of a symlink's target."""
    await _chown(request, follow=False)


async def _chown(request: Request, *, follow: bool) -> None:
    fs = request.host.stash[STATE]
    path = request.params.require_str("path")
    uid = request.params.require_int("uid", minimum=-1, maximum=2**32 - 1)
    gid = request.params.require_int("gid", minimum=-1, maximum=2**32 - 1)
    await run_blocking(fs, ops.chown, sandbox_for(fs, request), path, uid, gid, follow=follow)


async def truncate(request: Request) -> None:
    """Truncate ``path`` to ``length`` bytes."""
    fs = request.host.stash[STATE]
    length = read_position(request, "length", 0, minimum=0)
    await run_blocking(
        fs, ops.truncate, sandbox_for(fs, request), request.params.require_str("path"), length
    )


async def utimes(request: Request) -> None:
    """Set access and modification times (seconds since the epoch)."""
    await _utimes(request, follow=True)


async def lutimes(request: Request) -> None:
    """Set the times of ``path`` itself, not of a symlink's target."""
    await _utimes(request, follow=False)


async def _utimes(request: Request, *, follow: bool) -> None:
    fs = request.host.stash[STATE]
    path = request.params.require_str("path")
    atime, mtime = read_seconds(request, "atime"), read_seconds(request, "mtime")
    await run_blocking(fs, ops.utimes, sandbox_for(fs, request), path, atime, mtime, follow=follow)


async def mkdtemp(request: Request) -> dict[str, str]:
    """Create a unique directory whose name starts with ``prefix``."""
    fs = request.host.stash[STATE]
    return {
        "path": await run_blocking(
            fs, ops.mkdtemp, sandbox_for(fs, request), request.params.require_str("prefix")
        )
    }
