"""Paths outside the sandbox that one window's page may use because its user picked them.

A native file dialog (oro-desktop) records what the user chose. A plugin takes the page's grants
as extra roots of that page's request (``sandbox.for_request(request)``, :mod:`.sandbox`), as
oro-fs, oro-sqlite and oro-process do, or asks :meth:`FileGrants.covering` for one path. A grant
belongs to one window's page and ends with it (the granting plugin revokes it when the page goes
away), so a picked file never becomes readable by another page or a later run. Paths are
absolute and lexical here; whether a path lies in a grant is the sandbox's one answer
(:class:`~.sandbox.SandboxRoot`), and the plugin that uses a grant still resolves the path
without following a symlink out of it.
"""

from __future__ import annotations

import os
import threading
from typing import final

from oro_framework.host.sandbox import Sandbox, SandboxRoot
from oro_framework.records import record

__all__ = ["FileGrant", "FileGrants"]


@final
@record
class FileGrant:
    """One path a page may use.

    :ivar path: the absolute, normalised path the user picked.
    :ivar is_directory: a directory: everything below it is covered too.
    :ivar is_writable: writes are allowed (a save dialog, or a directory picked for writing);
        otherwise only reads.
    """

    path: str
    is_directory: bool
    is_writable: bool


@final
class FileGrants:
    """The grants of every window's page; safe to use from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_window: dict[int, dict[str, FileGrant]] = {}

    def grant(
        self, window: int, path: str, *, is_directory: bool = False, is_writable: bool = False
    ) -> FileGrant:
        """Let window ``window``'s page use ``path`` (and, for a directory, what is below it).
        Granting a path again widens it (a file opened, then saved, becomes writable).

        :raises ValueError: ``path`` is relative or has ``..`` components.
        """
        if not os.path.isabs(path) or ".." in path.split(os.sep):
            raise ValueError(f"a grant needs an absolute path without '..': {path!r}")
        normalised = os.path.normpath(path)
        with self._lock:
            grants = self._by_window.setdefault(window, {})
            earlier = grants.get(normalised)
            grant = FileGrant(
                normalised,
                is_directory=is_directory or (earlier is not None and earlier.is_directory),
                is_writable=is_writable or (earlier is not None and earlier.is_writable),
            )
            grants[normalised] = grant
        return grant

    def covering(
        self, window: int | None, path: str, *, for_writing: bool = False
    ) -> FileGrant | None:
        """The grant of window ``window``'s page that covers the absolute ``path`` (for writing
        if ``for_writing``), the most specific first; ``None`` if there is none, or if ``path`` is
        relative or has ``..`` components."""
        if window is None or not os.path.isabs(path) or ".." in path.split(os.sep):
            # `..` after a symlinked component leaves the subtree the grant names, so a path
            # with one is covered by no grant rather than normalised into one.
            return None
        normalised = os.path.normpath(path)
        with self._lock:
            grants = list(self._by_window.get(window, {}).values())
        roots = [
            SandboxRoot.granted_by(grant)
            for grant in grants
            if grant.is_writable or not for_writing
        ]
        # The sandbox's placement picks the most specific root, as for a request's grants.
        placed = Sandbox(roots).holding(normalised)
        return None if placed is None else placed.root.grant

    def of(self, window: int) -> list[FileGrant]:
        """Window ``window``'s grants, by path."""
        with self._lock:
            grants = self._by_window.get(window, {})
            return [grants[path] for path in sorted(grants)]

    def revoke(self, window: int) -> list[FileGrant]:
        """End every grant of window ``window``'s page (it closed, reloaded or navigated away);
        returns what was revoked."""
        with self._lock:
            grants = self._by_window.pop(window, {})
        return [grants[path] for path in sorted(grants)]
