"""The file operations, blocking, each on what a sandbox walk checked (run them in a thread).

Every function takes the caller's path strings, places them with :meth:`Sandbox.locate`, walks to
them and operates relative to the walk's directory descriptor. OS errors leave as
:class:`~oro_framework.ErrnoError` with Node's ``code``/``errno``/``syscall``/``path``. Every
descriptor opened here is held by an :class:`~oro_framework.OwnedDescriptor` (or an
:class:`AtomicFile`), so it is closed exactly once, whatever fails.

One module per job: :mod:`.walking` (reaching the target, Node's errors), :mod:`.metadata`
(stats, access, mode, times, length), :mod:`.directories` (creating, listing, removing),
:mod:`.names` (rename, links, symlinks), :mod:`.files` (contents, atomic writes) and
:mod:`.copies` (``copyFile``, ``cp``).
"""

from __future__ import annotations

from oro_fs.ops.copies import copy_file, cp
from oro_fs.ops.directories import (
    dirent,
    list_dir,
    mkdir,
    mkdtemp,
    open_dir,
    rm,
    rmdir,
    unlink,
)
from oro_fs.ops.files import (
    COPY_CHUNK,
    TEMP_MARK,
    AtomicFile,
    begin_atomic,
    is_atomic_temp,
    open_file,
    read_all,
    write_all,
    write_file,
)
from oro_fs.ops.metadata import (
    access,
    chmod,
    chown,
    futimes,
    readlink,
    realpath,
    stat_path,
    stats,
    truncate,
    utimes,
)
from oro_fs.ops.names import link, rename, symlink
from oro_fs.ops.walking import syscall

__all__ = [
    "COPY_CHUNK",
    "TEMP_MARK",
    "AtomicFile",
    "access",
    "begin_atomic",
    "chmod",
    "chown",
    "copy_file",
    "cp",
    "dirent",
    "futimes",
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
