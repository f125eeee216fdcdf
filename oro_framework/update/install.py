"""Installing a verified update archive: unpack it beside the app's folder, then swap the two
folders in one ``renameat2(RENAME_EXCHANGE)``, keeping the old one as ``<name>.previous``.

Until the exchange the installed folder is untouched; after it the folder is the complete new
version. A process killed at any moment leaves one or the other, never a mix, and the unpacked
leftovers (``.<name>.new``) are removed by the next install.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tarfile
from pathlib import Path
from typing import Final

from oro_framework.errors import NotSupportedError, SecurityError

__all__ = ["exchange", "install_archive", "previous_folder"]

_AT_FDCWD: Final = -100
_RENAME_EXCHANGE: Final = 2


def exchange(first: Path, second: Path) -> None:
    """Swap two directories atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

    :raises NotSupportedError: the C library or file system cannot exchange.
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


def install_archive(archive: Path, folder: Path) -> Path:
    """Replace the app folder ``folder`` with the one inside ``archive`` (whose top folder must
    bear the same name); return where the old version now is.

    :raises SecurityError: (``UPDATE_ARCHIVE_UNSAFE``) a member outside the top folder, an
        absolute path, a link out of it or a device file: nothing is installed.
    :raises NotSupportedError: (``UPDATE_NOT_INSTALLABLE``) the archive holds no launcher, or
        the folders cannot be swapped: nothing is installed.
    """
    staging = _staging(folder)
    if staging.exists():
        shutil.rmtree(staging)  # left by an install that was interrupted
    staging.mkdir()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                top = member.name.split("/", 1)[0]
                if top != folder.name:
                    raise SecurityError(
                        f"The update archive holds {member.name!r} outside {folder.name}/",
                        code="UPDATE_ARCHIVE_UNSAFE",
                    )
            try:
                tar.extractall(staging, filter="data")
            except tarfile.FilterError as error:
                raise SecurityError(
                    f"The update archive is unsafe to unpack: {error}",
                    code="UPDATE_ARCHIVE_UNSAFE",
                ) from None
        new = staging / folder.name
        launcher = new / folder.name
        if not launcher.is_file() or not os.access(launcher, os.X_OK):
            raise NotSupportedError(
                f"The update archive has no launcher {folder.name}/{folder.name}",
                code="UPDATE_NOT_INSTALLABLE",
            )
        os.sync()  # the new files are on disk before the swap makes them the app
        exchange(new, folder)
        previous = previous_folder(folder)
        if previous.exists():
            shutil.rmtree(previous)
        new.rename(previous)
        return previous
    finally:
        shutil.rmtree(staging, ignore_errors=True)
