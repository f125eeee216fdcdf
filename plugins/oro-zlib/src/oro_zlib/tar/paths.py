"""Where ``tar.*`` may read and write: the app's resources (read-only), data and temp folders,
plus what the user picked for the page in a file dialog, through the host's
:class:`~oro_framework.Sandbox` (the one oro-fs, oro-sqlite and oro-process use).

An archive is read at its real path, which must lie in a root (:meth:`Sandbox.find`). What is
written (a new archive, an extraction's folder) is placed lexically (:meth:`Sandbox.locate`:
no ``..``) in a writable root, and every folder on the way is made or checked to be a real
folder, never a symlink: the real path then *is* that lexical path, inside the root, whatever
symlinks a page made in its folders."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from typing import IO, Final

from oro_framework import (
    BACKEND_FILE,
    CONFIG_FILE_NAMES,
    ErrnoError,
    Host,
    Request,
    Sandbox,
    SandboxRoot,
    SandboxTarget,
    app_plugin_locations,
)

__all__ = ["make_sandbox", "open_for_reading", "open_for_writing", "prepare_folder"]

_READ_FLAGS: Final = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_WRITE_FLAGS: Final = (
    os.O_RDWR | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
)


def make_sandbox(host: Host) -> Sandbox:
    """The sandbox of ``tar.*`` for ``host``: relative paths start in the data folder (reads
    fall back to the resources, as oro-fs's do); the app's config, backend and plugins are
    hidden wherever a root reaches them, as from oro-fs."""
    app_dir = host.app_dir
    hidden = [app_dir / name for name in (*CONFIG_FILE_NAMES, BACKEND_FILE)]
    hidden += app_plugin_locations(host)
    hidden += [file for file in (host.config_file, host.config.secrets_file) if file is not None]
    if host.backend is not None and host.backend.file is not None:
        hidden.append(host.backend.file)
    roots = [
        SandboxRoot.at(
            "resources",
            host.paths.resources,
            writable=False,
            concealed=frozenset((*CONFIG_FILE_NAMES, BACKEND_FILE)),
        ),
        SandboxRoot.at("data", host.paths.data, writable=True),
        SandboxRoot.at("temp", host.paths.temp, writable=True),
    ]
    return Sandbox(roots, home="data", fallback="resources", hidden=[str(p) for p in hidden])


def open_for_reading(sandbox: Sandbox, request: Request, text: str) -> IO[bytes]:
    """The archive ``text`` names, open for reading at its real path inside the page's
    sandbox (a symlink swapped in at its place since is not followed).

    :raises SecurityError: ``EPERM``: outside every root and grant (a symlink leading out too).
    :raises ErrnoError: ``ENOENT``, ``EISDIR``...: named as the page named it.
    """
    sandbox = sandbox.for_request(request)
    target = sandbox.locate(text)
    real = sandbox.confine(target.absolute).absolute
    try:
        fd = os.open(real, _READ_FLAGS)
    except OSError as error:
        raise ErrnoError.from_os_error(error, syscall="open", path=text) from None
    try:
        return os.fdopen(fd, "rb")
    except OSError as error:
        os.close(fd)  # a folder: Python opens no file object on it
        raise ErrnoError.from_os_error(error, syscall="open", path=text) from None


def _writable_target(
    sandbox: Sandbox, request: Request, text: str
) -> tuple[Sandbox, SandboxTarget]:
    sandbox = sandbox.for_request(request)
    target = sandbox.locate(text)
    sandbox.check_writable(target, text)
    return sandbox, target


def _real_folder(path: str, shown: str, *, create: bool) -> None:
    """Make sure ``path`` is a real folder (made when ``create``), not a symlink.

    :raises ErrnoError: ``ELOOP`` for a symlink, ``ENOTDIR`` for a file, ``ENOENT`` when
        missing and not to be made.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if not create:
            raise ErrnoError.from_os_error(
                FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT)), path=shown
            ) from None
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o755)
        info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise ErrnoError.from_os_error(
            OSError(errno.ELOOP, "refusing to go through a symlink"), path=shown
        )
    if not stat.S_ISDIR(info.st_mode):
        raise ErrnoError.from_os_error(
            NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)), path=shown
        )


def _walk_folders(
    sandbox: Sandbox, target: SandboxTarget, parts: tuple[str, ...], shown: str, *, create: bool
) -> str:
    path = target.root.path
    for part in parts:
        path = os.path.join(path, part)
        _check_shown(sandbox, path, shown)
        _real_folder(path, shown, create=create)
    return path


def _check_shown(sandbox: Sandbox, path: str, shown: str) -> None:
    """:raises SecurityError: ``path`` (real) is hidden from pages (the app's config...)."""
    if sandbox.holding(path) is None:
        raise Sandbox.refusal("path is outside the app's sandbox", shown)


def prepare_folder(sandbox: Sandbox, request: Request, text: str) -> str:
    """The real path of the folder ``text`` names in a writable root, made with its parents
    when missing: every folder on the way a real one.

    :raises SecurityError: ``EPERM``: outside the sandbox, ``..``, or a read-only root.
    :raises ErrnoError: ``ELOOP``/``ENOTDIR``: a symlink or a file on the way.
    """
    sandbox, target = _writable_target(sandbox, request, text)
    return _walk_folders(sandbox, target, target.parts, text, create=True)


def open_for_writing(
    sandbox: Sandbox, request: Request, text: str, *, parents: bool = False
) -> int:
    """A descriptor of the file ``text`` names in a writable root, made or truncated (open to
    read it back too); its folder must exist (or is made, with ``parents``) and be real, the file
    itself no symlink.

    :raises SecurityError: ``EPERM``: outside the sandbox, ``..``, or a read-only root.
    :raises ErrnoError: ``ENOENT`` (no folder), ``ELOOP`` (a symlink), ``EISDIR``...
    """
    sandbox, target = _writable_target(sandbox, request, text)
    if not target.parts:
        raise ErrnoError.from_os_error(
            IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)), path=text
        )
    folder = _walk_folders(sandbox, target, target.parts[:-1], text, create=parents)
    path = os.path.join(folder, target.parts[-1])
    _check_shown(sandbox, path, text)
    try:
        return os.open(path, _WRITE_FLAGS, 0o644)
    except OSError as error:
        raise ErrnoError.from_os_error(error, syscall="open", path=text) from None
