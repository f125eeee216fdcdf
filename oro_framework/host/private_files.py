"""The files the host owns: where they live, how they are written and read back.

Pages own the app's data folder (``data:``, their files and databases); the host owns what it
keeps to judge and serve them: the permission decisions the user asked to remember, the web
engine's storage, window geometry, the service-worker registry. Those live in the app's
**state folder** (:attr:`~oro_framework.AppPaths.state`,
``$XDG_STATE_HOME/oro-framework/apps/<bundle>``),
which no root of any plugin reaches: every :class:`~oro_framework.Sandbox` hides
:func:`private_folders` whatever roots it was given and whether or not it is enabled, so a page
(a Worker, an iframe, a child process's cwd) can neither read nor plant a file there, nor can
another oro app's pages with their sandbox off, since every app's folder sits below one
:func:`state_root`.

A folder a page could still have touched (an app's data folder from before, a folder a test
points the state at) is met with the same care on both sides:

- :func:`write_private` never follows a link at any predictable name: the temporary file is
  created ``O_CREAT|O_EXCL|O_NOFOLLOW`` with mode 0600 in the target's folder (opened
  ``O_NOFOLLOW`` itself), ``fchmod`` ed, ``fsync`` ed, and renamed over the target (a rename
  replaces a link, never writes through it);
- :func:`read_private` reads only a regular file of the user's own, mode 0600 or stricter, up to
  a size the caller names, and :func:`load_private_json` also survives a parse that fails in
  any way (deep nesting included). A file that fails a check is ignored with one warning per
  file and reason, and its caller treats it as absent: a tampered store grants nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import threading
from pathlib import Path
from typing import Any, Final

import platformdirs

from oro_framework.host.owned import OwnedDescriptor

__all__ = [
    "PrivateFileError",
    "app_state_dir",
    "folder_name",
    "hide_from_pages",
    "is_private_path",
    "load_private_json",
    "private_folders",
    "read_private",
    "state_root",
    "write_private",
]

logger = logging.getLogger("oro_framework.host")

STATE_APP_NAME: Final = "oro-framework"
"""The folder below ``$XDG_STATE_HOME`` of oro's own state: every app's state folder (in its
``apps`` folder) and what a run learns of the machine."""

_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC: Final = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY: Final = getattr(os, "O_DIRECTORY", 0)


class PrivateFileError(OSError):
    """A host-owned file failed a check: not a regular file, not the user's, open to others,
    or larger than its reader allows."""


def state_root() -> Path:
    """oro's own state folder (``$XDG_STATE_HOME/oro-framework``), every app's in it."""
    return Path(platformdirs.user_state_dir(STATE_APP_NAME, appauthor=False))


_renamed: set[str] = set()


def folder_name(bundle_identifier: str) -> str:
    """The name of the app's per-user folders (data, cache, temp, config, log, state): the
    bundle identifier, unless it is no single folder name (``..``, one with ``/``): a hostile
    app folder's ``"../../.ssh"`` would point them at another folder. Such an identifier has
    its ``/`` (and NUL) replaced by ``_`` (``"."`` and ``".."`` become ``"_."``, ``"_.."``),
    with one warning; any other identifier, Unicode and spaces included, names them as it is,
    so that no app's folders move."""
    name = bundle_identifier.replace("/", "_").replace("\0", "_")
    if name in ("", ".", ".."):
        name = "_" + name
    if name != bundle_identifier and bundle_identifier not in _renamed:
        _renamed.add(bundle_identifier)
        logger.warning(
            "meta.bundle_identifier %r is no plain folder name: the app's folders are named %r",
            bundle_identifier,
            name,
        )
    return name


def app_state_dir(bundle_identifier: str) -> Path:
    """The state folder of the app ``bundle_identifier`` when nothing overrides it."""
    return state_root() / "apps" / folder_name(bundle_identifier)


HOST_DEVICES: Final = ("/proc", "/dev/tty")
"""Where the host's own descriptors, memory and environment are files (``/proc``, where
``/dev/fd`` and ``/dev/stdin`` lead), and its terminal: no page's, even with the sandbox off. The
host's environment holds keys (``ORO_<KEY>``) and its memory the key that proves each window's
credential: a page reading them would be any window and see every secret."""

_hidden: set[str] = set()
_hidden_lock = threading.Lock()


def hide_from_pages(folder: Path) -> None:
    """Keep ``folder`` out of every sandbox of this process from now on (a host whose state
    folder is not below :func:`state_root`: a test's, ``oro test`` 's)."""
    with _hidden_lock:
        _hidden.add(os.path.realpath(folder))


_root_seen: tuple[tuple[str | None, str | None], str] | None = None


def private_folders() -> frozenset[str]:
    """The real paths no sandbox of this process reaches: :func:`state_root`,
    :data:`HOST_DEVICES` and every folder given to :func:`hide_from_pages`."""
    global _root_seen
    # Every sandbox asks (one per request with grants): resolve the root once per
    # $XDG_STATE_HOME rather than walk it again each time.
    setting = (os.environ.get("XDG_STATE_HOME"), os.environ.get("HOME"))
    seen = _root_seen
    if seen is None or seen[0] != setting:
        seen = _root_seen = (setting, os.path.realpath(state_root()))
    with _hidden_lock:
        return frozenset({seen[1], *HOST_DEVICES, *_hidden})


def is_private_path(path: str) -> bool:
    """Whether ``path`` (absolute), its links followed, lies in one of :func:`private_folders`:
    for a plugin that hands a path to something other than a sandbox walk (a child's argument)."""
    folders = private_folders()
    here = os.path.realpath(path)
    while here not in folders:
        parent = os.path.dirname(here)
        if parent == here:
            return False
        here = parent
    return True


# -------------------------------------------------------------------------------------------
# Writing
# -------------------------------------------------------------------------------------------


def write_private(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` at once, following no link: see the module. Missing
    folders are made with mode 0700.

    :raises OSError: the folder is a link or cannot be made, or the write failed (the target
        is then unchanged and no temporary file is left).
    """
    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with OwnedDescriptor.open(str(folder), os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC) as at:
        # Unpredictable, so that nothing can be planted at it (os.urandom: `secrets` would load
        # hashlib into every command that only reads the config).
        temporary = f".{path.name}.{os.urandom(8).hex()}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
        try:
            with OwnedDescriptor.open(temporary, flags, mode, dir_fd=at.fd) as file:
                os.fchmod(file.fd, mode)
                with memoryview(data) as left:
                    while left:
                        left = left[os.write(file.fd, left) :]
                os.fsync(file.fd)
            os.replace(temporary, path.name, src_dir_fd=at.fd, dst_dir_fd=at.fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=at.fd)
            raise
        with contextlib.suppress(OSError):
            os.fsync(at.fd)


# -------------------------------------------------------------------------------------------
# Reading
# -------------------------------------------------------------------------------------------

_warned: set[tuple[str, str]] = set()


def _warn_once(path: Path, what: str, reason: str) -> None:
    key = (str(path), reason)
    if key in _warned:
        return
    _warned.add(key)
    logger.warning("%s: ignored, %s: %s", path, what, reason)


def read_private(
    path: Path, *, limit: int, what: str = "not a file the host wrote", shared: bool = False
) -> bytes | None:
    """The bytes of the host-owned file ``path``; ``None`` when it is missing or fails a check
    (a link, not a regular file, not the user's, open to others unless ``shared``, over
    ``limit`` bytes), with one warning per file and reason naming ``what`` it should have
    been. ``shared`` is for a file an older version left where others could write it."""
    try:
        file = OwnedDescriptor.open(str(path), os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as error:
        _warn_once(path, what, error.strerror or str(error))
        return None
    with file:
        try:
            _check(os.fstat(file.fd), limit, shared=shared)
            data = _read_at_most(file.fd, limit + 1)
        except OSError as error:
            _warn_once(path, what, error.strerror or str(error))
            return None
    if len(data) > limit:
        _warn_once(path, what, f"larger than {limit} bytes")
        return None
    return data


def _read_at_most(fd: int, size: int) -> bytes:
    pieces: list[bytes] = []
    while size > 0 and (piece := os.read(fd, min(size, 1 << 20))):
        pieces.append(piece)
        size -= len(piece)
    return b"".join(pieces)


def _check(status: os.stat_result, limit: int, *, shared: bool) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise PrivateFileError("not a regular file")
    if status.st_uid != os.geteuid():
        raise PrivateFileError(f"owned by user {status.st_uid}, not this user")
    if status.st_mode & 0o077 and not shared:
        raise PrivateFileError(f"mode {stat.S_IMODE(status.st_mode):o}, not 600")
    if status.st_size > limit:
        raise PrivateFileError(f"larger than {limit} bytes")


def load_private_json(path: Path, *, limit: int, what: str, shared: bool = False) -> Any:
    """The JSON value in the host-owned file ``path`` (:func:`read_private`); ``None`` when it
    is missing, fails a check or does not parse (deep nesting included), with one warning."""
    data = read_private(path, limit=limit, what=what, shared=shared)
    if data is None:
        return None
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as error:
        _warn_once(path, what, f"{type(error).__name__}: {error}")
        return None


# -------------------------------------------------------------------------------------------
# Moving what older versions kept in the data folder
# -------------------------------------------------------------------------------------------


def adopt_private(old: Path, new: Path) -> bool:
    """Move a host-owned file or folder an older version kept at ``old`` (in the pages' data
    folder) to ``new`` in the state folder, once: nothing happens when ``new`` exists or ``old``
    is not a plain file or folder (a link a page planted stays where it is). A moved folder
    loses every link and special file inside it, which a page may have planted for the host
    to write through; what is left is made the user's alone. Whether it moved.

    :raises OSError: ``old`` could not be moved (the state folder cannot be made, say).
    """
    try:
        status = os.lstat(old)
    except OSError:
        return False
    if not (stat.S_ISREG(status.st_mode) or stat.S_ISDIR(status.st_mode)) or os.path.lexists(new):
        return False
    new.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.rename(old, new)
    if stat.S_ISDIR(status.st_mode):
        _keep_plain_entries(new)
    with contextlib.suppress(OSError):
        os.chmod(new, 0o700 if stat.S_ISDIR(status.st_mode) else 0o600, follow_symlinks=False)
    logger.info("moved %s to the app's state folder: %s", old, new)
    return True


def _keep_plain_entries(folder: Path) -> None:
    for where, directories, files in os.walk(folder, followlinks=False):
        for name in [*directories, *files]:
            path = os.path.join(where, name)
            mode = os.lstat(path).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                os.unlink(path)
