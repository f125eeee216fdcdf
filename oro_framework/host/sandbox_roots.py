"""Where a path lies for a :class:`~oro_framework.host.sandbox.Sandbox`: the directories it
allows (:class:`SandboxRoot`), a path placed below one (:class:`SandboxTarget`), and the one
function that answers "is this path inside a root or a grant, and which"
(:meth:`RootAnchors.place`): the roots by the paths that denote them, the most specific first, a
picked file holding its one name and nothing below it. Also where a path really is once every
symlink is resolved (:func:`real_path`).

Code outside the sandbox imports the public ones from :mod:`oro_framework.host.sandbox` (or
the package), which exports them beside :class:`~oro_framework.host.sandbox.Sandbox`.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, final

from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.file_grants import FileGrant

__all__ = [
    "MAX_SYMLINKS",
    "RootAnchors",
    "SandboxRoot",
    "SandboxTarget",
    "inside_folder",
    "real_path",
    "split_path",
]

MAX_SYMLINKS: Final = 40
"""Symlinks (and ``..`` in their targets) followed before a resolution fails with ELOOP, as
Linux (MAXSYMLINKS)."""


@final
@record
class SandboxRoot:
    """A directory a sandbox allows; ``path`` is its real path (no symlinks).

    :ivar name: ``data``, ``temp``, ``resources`` or a mount name (oro-fs's ``<name>:`` prefix);
        ``picked`` for a grant.
    :ivar spellings: other absolute spellings that denote it (the configured, unresolved path):
        a caller's absolute path may use them, a real path never does.
    """

    name: str
    path: str
    writable: bool
    spellings: tuple[str, ...] = ()
    concealed: frozenset[str] = frozenset()
    """Top-level names that do not exist for pages (``oro.toml`` when the resources are the
    app directory: it may hold keys)."""
    only: str | None = None
    """A picked file: ``path`` is its directory and this one name is all the root holds (the
    directory itself and the file's siblings stay out of reach)."""
    grant: FileGrant | None = None
    """The grant this root stands for (:meth:`~oro_framework.host.sandbox.Sandbox.granting`),
    ``None`` for the app's own."""

    @property
    def granted(self) -> bool:
        """A path the user picked for one page: it has no ``<name>:`` prefix and is always
        shown back absolute."""
        return self.grant is not None

    @classmethod
    def at(
        cls,
        name: str,
        path: str | os.PathLike[str],
        *,
        writable: bool,
        concealed: frozenset[str] = frozenset(),
    ) -> SandboxRoot:
        """The root ``name`` at the configured ``path`` (``~`` expanded, made absolute, its
        real path taken; the configured spelling is kept when it differs)."""
        configured = os.path.abspath(os.path.expanduser(os.fspath(path)))
        real = os.path.realpath(configured)
        spellings = (configured,) if configured != real else ()
        return cls(name, real, writable, spellings, concealed)

    @classmethod
    def granted_by(cls, grant: FileGrant) -> SandboxRoot:
        """The root a grant stands for: a picked directory with all below it, or a picked file
        alone. Its path is used as recorded (oro-desktop records real paths)."""
        if grant.is_directory:
            return cls("picked", grant.path, grant.is_writable, grant=grant)
        directory, name = os.path.split(grant.path)
        return cls("picked", directory, grant.is_writable, only=name, grant=grant)

    def holds(self, path: str) -> bool:
        """Whether the absolute ``path``, taken as written, lies in this root."""
        return RootAnchors((self,)).place(path, spellings=True) is not None


@final
@record
class SandboxTarget:
    """A path placed below a root. ``parts`` never hold ``""`` or ``.``; they hold ``..`` only
    while a symlink target is being followed (the walk resolves those)."""

    root: SandboxRoot
    parts: tuple[str, ...]

    @property
    def absolute(self) -> str:
        """The path below the root's real path (for
        :meth:`~oro_framework.host.sandbox.Sandbox.find`: the real path)."""
        return os.path.join(self.root.path, *self.parts)


@final
class RootAnchors:
    """Roots by the absolute paths that denote them, the longest first: a mount inside the data
    dir wins over the data dir, a picked file over a picked directory around it."""

    def __init__(self, roots: Sequence[SandboxRoot]) -> None:
        entries = [
            (os.path.join(spelling, root.only) if root.only is not None else spelling, root, real)
            for root in roots
            for spelling, real in ((root.path, True), *((s, False) for s in root.spellings))
        ]
        # A grant anchored where a root is was added because it allows more (Sandbox.granting).
        self._entries = sorted(
            entries, key=lambda entry: (len(entry[0]), entry[1].granted), reverse=True
        )

    def place(self, path: str, *, spellings: bool) -> SandboxTarget | None:
        """The root that holds the absolute ``path`` (taken as written), the most specific
        first, or ``None``. ``spellings``: the roots' configured spellings count too (a caller's
        path; a real path is matched against real paths only)."""
        for anchor, root, real in self._entries:
            if not (real or spellings):
                continue
            if not inside_folder(path, anchor):
                continue
            rest = split_path(path[len(anchor) :])
            if root.only is None:
                return SandboxTarget(root, rest)
            if not rest:
                return SandboxTarget(root, (root.only,))
            # Below a picked file is not the picked file: a wider root may still hold it.
        return None


def real_path(path: str) -> str:
    """``path`` (relative to the working directory) with every symlink and ``..`` resolved, in
    order, as the kernel resolves them (``a/link/..`` is the parent of where ``link`` leads). A
    component that does not exist (or cannot be examined) is kept as written, as
    :func:`os.path.realpath` keeps it, so a file about to be created has a real path too.

    :raises OSError: ``ELOOP``: more than 40 symlinks, as Linux, where :func:`os.path.realpath`
        would answer a path that still holds the loop.
    """
    if not os.path.isabs(path):
        path = os.path.join(os.getcwd(), path)
    pending = list(reversed(path.split(os.sep)))
    resolved = os.sep
    links = 0
    while pending:
        part = pending.pop()
        if part in ("", "."):
            continue
        if part == "..":
            resolved = os.path.dirname(resolved)
            continue
        candidate = os.path.join(resolved, part)
        try:
            is_link = stat.S_ISLNK(os.lstat(candidate).st_mode)
        except OSError:
            is_link = False
        if not is_link:
            resolved = candidate
            continue
        links += 1
        if links > MAX_SYMLINKS:
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), path)
        target = os.readlink(candidate)
        if os.path.isabs(target):
            resolved = os.sep
        pending.extend(reversed(target.split(os.sep)))
    return resolved


def inside_folder(path: str, root: str) -> bool:
    """Whether ``path`` is ``root`` or below it, both absolute and normalised (no ``..``): by
    whole names, so ``/data2`` is not inside ``/data``."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def split_path(path: str) -> tuple[str, ...]:
    """``path``'s names, without empty ones and ``.``."""
    return tuple(part for part in path.split(os.sep) if part and part != ".")
