"""Installing a verified update archive: unpack it beside the app's folder, then swap the two
folders in one ``renameat2(RENAME_EXCHANGE)``, keeping the old one as ``<name>.previous``.

Why an exchange and not a symlink flip: the built app's folder is a real directory that the
``.desktop`` file, the user's shortcuts and the tar they unpacked all name; an exchange keeps it
one, needs no layout change, and is one system call, so the folder is at every moment either the
complete old version or the complete new one.

The steps, and what a process killed between two of them leaves (the next :func:`recover`, run by
every install and check, finishes or undoes it):

1. ``.<name>.new/<name>`` is unpacked and synced; the installed folder is untouched.
2. ``.<name>.new/swap`` records the new folder's inode: the mark that tells, after a kill,
   whether the exchange happened (the installed folder then has that inode).
3. The exchange: the installed folder is the new version, ``.<name>.new/<name>`` the old one.
4. The former ``<name>.previous`` moves into ``.<name>.new/`` and the old version becomes
   ``<name>.previous``; ``.<name>.new/`` is removed.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tarfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Final

from oro_framework.host.errors import NotSupportedError, SecurityError

__all__ = ["INSTALL_STEPS", "exchange", "install_archive", "previous_folder", "recover"]

_AT_FDCWD: Final = -100
_RENAME_EXCHANGE: Final = 2
_MARK: Final = "swap"
_DISCARDED: Final = "discarded"

INSTALL_STEPS: Final = ("unpacking", "unpacked", "marked", "exchanged", "moved-previous", "kept")
"""The names :func:`install_archive` reports to its ``step`` callback, in order
(``unpacking`` once the first member is written, before the second)."""


def exchange(first: Path, second: Path) -> None:
    """Swap two directories atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

    :raises NotSupportedError: (``UPDATE_NOT_INSTALLABLE``) the C library or file system cannot
        exchange.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise NotSupportedError(
            "Installing updates needs renameat2 (glibc 2.28 or later)",
            code="UPDATE_NOT_INSTALLABLE",
        )
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result != 0:
        number = ctypes.get_errno()
        raise NotSupportedError(
            f"Could not swap {second} for the new version: {os.strerror(number)}",
            code="UPDATE_NOT_INSTALLABLE",
        )


def previous_folder(folder: Path) -> Path:
    """Where the version before the last install is kept."""
    return folder.with_name(folder.name + ".previous")


def _staging(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}.new")


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _keep_previous(folder: Path, old: Path, step: Callable[[str], None]) -> Path:
    """Make ``old`` (inside the staging folder) ``<name>.previous``, moving the former one
    into the staging folder, which is then removed."""
    staging = old.parent
    previous = previous_folder(folder)
    if previous.exists():
        previous.rename(staging / _DISCARDED)
    step("moved-previous")
    old.rename(previous)
    step("kept")
    shutil.rmtree(staging)
    return previous


def recover(folder: Path) -> None:
    """Finish or undo an install that was interrupted in ``folder``'s parent: after the
    exchange, keep the old version as ``<name>.previous``; before it, drop the unpacked files."""
    staging = _staging(folder)
    if not staging.exists():
        return
    old = staging / folder.name
    try:
        marked = int((staging / _MARK).read_text())
    except (OSError, ValueError):
        marked = None  # killed before the mark was written: the exchange cannot have happened
    if marked is not None and old.is_dir() and folder.stat().st_ino == marked:
        _keep_previous(folder, old, lambda name: None)
    else:
        shutil.rmtree(staging)


def _unpack(archive: Path, staging: Path, name: str, step: Callable[[str], None]) -> None:
    seen = 0

    def checked(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
        nonlocal seen
        seen += 1
        if seen == 2:
            step("unpacking")  # the first member is on disk: a kill now leaves a partial copy
        # The data filter refuses absolute paths, members and links leaving the destination,
        # and device files; the top folder must also be the app's own.
        return tarfile.data_filter(member, path)

    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                if member.name.split("/", 1)[0] != name:
                    raise SecurityError(
                        f"The update archive holds {member.name!r} outside {name}/",
                        code="UPDATE_ARCHIVE_UNSAFE",
                    )
            tar.extractall(staging, filter=checked)
    except tarfile.FilterError as error:
        raise SecurityError(
            f"The update archive is unsafe to unpack: {error}", code="UPDATE_ARCHIVE_UNSAFE"
        ) from None
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise NotSupportedError(
            f"The update archive cannot be unpacked: {error}", code="UPDATE_NOT_INSTALLABLE"
        ) from None


def _check_launcher(launcher: Path) -> None:
    if not launcher.is_file() or not os.access(launcher, os.X_OK):
        name = launcher.name
        raise NotSupportedError(
            f"The update archive has no launcher {name}/{name}", code="UPDATE_NOT_INSTALLABLE"
        )


def install_archive(
    archive: Path, folder: Path, *, step: Callable[[str], None] | None = None
) -> Path:
    """Replace the app folder ``folder`` with the one inside ``archive`` (whose top folder must
    bear the same name); return where the old version now is.

    :param step: called with each name of :data:`INSTALL_STEPS` as the install reaches it (the
        tests kill an installing process there).
    :raises SecurityError: (``UPDATE_ARCHIVE_UNSAFE``) a member outside the top folder, an
        absolute path, a link out of it or a device file: nothing is installed.
    :raises NotSupportedError: (``UPDATE_NOT_INSTALLABLE``) the folder's parent is not writable
        (a package install), the archive is damaged or holds no launcher, or the folders cannot
        be swapped: nothing is installed.
    :raises OSError: the disk is full, or another system error: nothing is installed.
    """
    report = step or (lambda name: None)
    if not os.access(folder.parent, os.W_OK):
        # A package install under /opt belongs to root: its package manager updates it.
        raise NotSupportedError(
            f"{folder.parent} is not writable by this user: an app installed by a package is "
            "updated by the package manager",
            code="UPDATE_NOT_INSTALLABLE",
        )
    recover(folder)
    staging = _staging(folder)
    staging.mkdir(mode=0o700)
    new = staging / folder.name
    try:
        _unpack(archive, staging, folder.name, report)
        _check_launcher(new / folder.name)
        os.sync()  # the new files are on disk before the swap makes them the app
        report("unpacked")
        # Written whole, then renamed into place: a mark is either absent or complete.
        writing = staging / f"{_MARK}.tmp"
        with writing.open("w") as file:
            file.write(str(new.stat().st_ino))
            file.flush()
            os.fsync(file.fileno())
        writing.rename(staging / _MARK)
        _sync_directory(staging)
        report("marked")
        exchange(new, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _sync_directory(folder.parent)
    report("exchanged")
    return _keep_previous(folder, new, report)
