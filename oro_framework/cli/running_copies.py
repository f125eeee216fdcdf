"""The copies of an app that ``oro run`` and ``oro dev`` started, as ``oro stop`` finds them.

A copy announces itself where a second launch finds the running one (the single-instance
socket's private folder, :func:`~oro_framework.gui.single_instance.instance_directory`): the
file ``<bundle>.<pid>.run``, which it holds an exclusive ``flock`` on as long as it runs. The
lock is the proof: a file whose lock can be taken is what a crashed copy left (removed when
seen), and a pid is only ever signalled while the process that wrote it still holds its lock,
so a pid reused by another program is never hit. The file appears locked (written under another
name, then renamed), so ``oro stop`` never finds one half-made.

``oro dev`` announces its own process, which stops the host it runs; ``oro run`` announces
itself whether or not it is the app's single instance (``application.single_instance = false``
lets several run: ``oro stop`` stops each).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import time
import warnings
from pathlib import Path
from typing import Final, final

from oro_framework.gui.single_instance import InstanceLock, instance_directory
from oro_framework.host.errors import SingleInstanceError

__all__ = ["Announcement", "RunningCopy", "announce", "announce_copy", "running_copies"]

_SUFFIX: Final = ".run"


def _stem(bundle_identifier: str, directory: Path) -> str:
    # The single-instance socket's name, made safe for a file name the same way.
    return InstanceLock(bundle_identifier, directory).socket_path.stem


@final
class RunningCopy:
    """A copy of the app that runs: its process and the file it holds locked.

    :ivar pid: the process that stops the copy on ``SIGTERM`` (``oro run``, ``oro dev``).
    """

    def __init__(self, pid: int, path: Path, descriptor: int) -> None:
        self.pid = pid
        self._path = path
        self._descriptor = descriptor

    def stop(self) -> None:
        """Ask the copy to stop, as Ctrl-C does: it closes its windows and services first."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)

    def wait(self, timeout: float) -> bool:
        """Whether the copy ended within ``timeout`` seconds (its lock was released)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(self._descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.05)
                continue
            self.close()
            return True

    def close(self) -> None:
        if self._descriptor >= 0:
            os.close(self._descriptor)
            self._descriptor = -1

    def __enter__(self) -> RunningCopy:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@final
class Announcement:
    """This process's ``.run`` file, held locked until :meth:`release`."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self._descriptor = descriptor

    def release(self) -> None:
        if self._descriptor < 0:
            return
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        os.close(self._descriptor)
        self._descriptor = -1

    def __enter__(self) -> Announcement:
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


def announce(bundle_identifier: str, directory: Path | None = None) -> Announcement:
    """Make this process findable by ``oro stop`` as a copy of ``bundle_identifier``.

    :raises SingleInstanceError: the instance folder is not the user's private one.
    :raises OSError: the file cannot be written.
    """
    directory = directory or instance_directory()
    pid = os.getpid()
    path = directory / f"{_stem(bundle_identifier, directory)}.{pid}{_SUFFIX}"
    making = path.with_name(f".{path.name}.new")
    flags = os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(making, flags, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(descriptor, f"{pid}\n".encode())
        os.replace(making, path)
    except BaseException:
        os.close(descriptor)
        with contextlib.suppress(FileNotFoundError):
            making.unlink()
        raise
    return Announcement(path, descriptor)


def announce_copy(bundle_identifier: str) -> Announcement | None:
    """:func:`announce`, or ``None`` with a warning when it cannot be done: the app runs all
    the same, only ``oro stop`` will not find it."""
    try:
        return announce(bundle_identifier)
    except (SingleInstanceError, OSError) as error:
        warnings.warn(f"oro stop will not find this copy of the app: {error}", stacklevel=2)
        return None


def running_copies(bundle_identifier: str, directory: Path | None = None) -> list[RunningCopy]:
    """The copies of ``bundle_identifier`` that run now; a file a crashed copy left is removed.

    :raises SingleInstanceError: the instance folder is not the user's private one.
    """
    directory = directory or instance_directory()
    stem = _stem(bundle_identifier, directory)
    found: list[RunningCopy] = []
    for entry in sorted(directory.iterdir()):
        named_pid = entry.name.removeprefix(f"{stem}.").removesuffix(_SUFFIX)
        if not (entry.name.startswith(f"{stem}.") and entry.name.endswith(_SUFFIX)):
            continue
        if not named_pid.isdigit():
            continue  # another app's, whose identifier starts with this one's
        copy = _held(entry, int(named_pid))
        if copy is not None:
            found.append(copy)
    return found


def _held(path: Path, pid: int) -> RunningCopy | None:
    """The copy holding ``path`` locked, ``None`` when none does (the file is then removed)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None  # gone meanwhile, or a link nobody of ours made
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        written = os.read(descriptor, 32).decode("ascii", "replace").strip()
        if written == str(pid):
            return RunningCopy(pid, path, descriptor)
        os.close(descriptor)
        return None
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    os.close(descriptor)
    return None
