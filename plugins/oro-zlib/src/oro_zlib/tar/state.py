"""What ``oro:tar`` keeps per host, ``host.stash[STATE]``: the settings, the sandbox and every
page's open archives, by page and id. A page's archives are closed when it goes away
(``oro_page_closed``), and all of them when the host closes."""

from __future__ import annotations

import itertools
import threading
from typing import TYPE_CHECKING, Final, final

from oro_framework import MemoryBudget, Sandbox, StashKey
from oro_zlib.tar.archive import Archive
from oro_zlib.tar.errors import too_many_archives, unknown_archive
from oro_zlib.tar.paths import make_sandbox
from oro_zlib.tar.settings import TarSettings

if TYPE_CHECKING:
    from oro_framework import Host

__all__ = ["STATE", "TarState"]


@final
class TarState:
    """``oro:tar``'s state for one host, made by ``oro_configure``."""

    @classmethod
    def from_host(cls, host: Host) -> TarState:
        """The state for ``host``, whose config and paths are loaded."""
        return cls(host.settings(TarSettings), make_sandbox(host), host.memory)

    def __init__(self, settings: TarSettings, sandbox: Sandbox, memory: MemoryBudget) -> None:
        self.settings = settings
        self.sandbox = sandbox
        self.memory = memory
        self.archives: dict[tuple[int, str], Archive] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        """The routes run in worker threads: the table changes under this lock."""

    def new_id(self, window: int) -> str:
        """An id for the page's next archive.

        :raises OutOfRangeError: the page has ``max_archives`` open already.
        """
        with self._lock:
            if (
                sum(1 for owner, _ in self.archives if owner == window)
                >= self.settings.max_archives
            ):
                raise too_many_archives(self.settings.max_archives)
            return str(next(self._ids))

    def add(self, window: int, archive: Archive) -> None:
        """Keep ``archive`` for the page of ``window`` (closed at once when the page reached
        ``max_archives`` meanwhile).

        :raises OutOfRangeError: the page has ``max_archives`` open already.
        """
        with self._lock:
            count = sum(1 for owner, _ in self.archives if owner == window)
            if count < self.settings.max_archives:
                self.archives[window, archive.id] = archive
                return
        archive.close()
        raise too_many_archives(self.settings.max_archives)

    def replace(self, window: int, archive: Archive) -> None:
        """Put ``archive`` where the page's archive of the same id was (a finalized writer
        becomes a reader)."""
        with self._lock:
            self.archives[window, archive.id] = archive

    def get(self, window: int, archive_id: str) -> Archive:
        """The page's archive ``archive_id`` (another page's archives are not found).

        :raises NotFoundError: no such archive on this page.
        """
        with self._lock:
            archive = self.archives.get((window, archive_id))
        if archive is None:
            raise unknown_archive(archive_id)
        return archive

    def close(self, window: int, archive_id: str) -> bool:
        """Close the archive; whether it was open."""
        with self._lock:
            archive = self.archives.pop((window, archive_id), None)
        if archive is None:
            return False
        archive.close()
        return True

    def close_window(self, window: int) -> None:
        """Close every archive of the page of ``window`` (it went away)."""
        with self._lock:
            keys = [key for key in self.archives if key[0] == window]
            closing = [self.archives.pop(key) for key in keys]
        for archive in closing:
            archive.close()

    def close_all(self) -> None:
        with self._lock:
            closing = list(self.archives.values())
            self.archives.clear()
        for archive in closing:
            archive.close()


STATE: Final = StashKey[TarState]("tar")
"""Where a host keeps ``oro:tar``'s :class:`TarState`."""
