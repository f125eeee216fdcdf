"""Which paths a page may touch, and how to reach them without being redirected.

A caller's path is placed below one :class:`Root` *lexically* (:meth:`Sandbox.locate`), then
reached by :meth:`Sandbox.walk`: the root is opened as a directory and every component is opened
relative to its parent with ``O_NOFOLLOW``. A symlink met on the way is read and re-checked like a
new path, never followed by the kernel, so a link swapped in after a check cannot send the
operation elsewhere: the operation runs on the directory descriptor the walk ended on.

The walk holds one directory descriptor at a time, in one :class:`OwnedDescriptor` that each step
replaces: whatever refuses the path, at whatever depth, that one descriptor is closed, once.

A path the user picked in a native file dialog (``host.file_grants``) is one more root for the
requests of that window's page only (:meth:`Sandbox.granting`): a picked directory is a root like
the others, a picked file a root that holds that one name and nothing beside or below it.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final, final

from oro_framework import FileGrant, InvalidArgumentError, NotSupportedError, SecurityError
from oro_fs.owned import OwnedDescriptor

__all__ = [
    "MAX_COMPONENT_BYTES",
    "MAX_PATH_BYTES",
    "SUPPORTED",
    "Root",
    "Sandbox",
    "Target",
    "Walked",
    "printable",
]

MAX_PATH_BYTES: Final = 4096
"""Longest accepted path, in UTF-8 bytes (Linux's PATH_MAX)."""
MAX_COMPONENT_BYTES: Final = 255
"""Longest accepted file name, in UTF-8 bytes (NAME_MAX)."""
_MAX_RESTARTS: Final = 40
"""Symlinks (and ``..`` in their targets) followed before a walk fails with ELOOP, as Linux."""

# getattr: these flags do not exist on Windows, where the walk is not supported (see walk()).
_DIR_FLAGS: Final = (
    os.O_RDONLY
    | getattr(os, "O_DIRECTORY", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
SUPPORTED: Final = os.open in os.supports_dir_fd and os.stat in os.supports_dir_fd
"""The walk needs ``dir_fd=`` (POSIX); elsewhere every route answers NotSupportedError."""


@final
@dataclass(frozen=True)
class Root:
    """A directory the sandbox allows; ``path`` is its real path (no symlinks).

    :ivar name: ``data``, ``temp``, ``resources`` or a mount name; the ``<name>:`` prefix.
    :ivar spellings: other absolute spellings that denote it (the configured, unresolved path).
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
    granted: bool = False
    """A path the user picked for one page (:meth:`Sandbox.granting`): it has no ``<name>:``
    prefix and is always shown back absolute."""


@final
@dataclass(frozen=True)
class Target:
    """A path placed below a root. ``parts`` never hold ``""`` or ``.``; they hold ``..`` only
    while a symlink target is being followed (the walk resolves those)."""

    root: Root
    parts: tuple[str, ...]

    @property
    def absolute(self) -> str:
        return os.path.join(self.root.path, *self.parts)


@final
@dataclass
class Walked:
    """Where a walk ended: ``directory`` is the parent directory of ``name`` (``""`` when the
    target is the root itself, then it is the root). :meth:`Sandbox.walk` closes it when its
    block ends, unless an operation took it over with ``directory.hand_over()``."""

    directory: OwnedDescriptor
    name: str
    target: Target

    @property
    def dir_fd(self) -> int:
        """The directory's descriptor, for ``dir_fd=`` inside the walk's block."""
        return self.directory.fd

    @property
    def at(self) -> str:
        """``name`` for the ``dir_fd=`` functions; ``.`` stands for the root itself."""
        return self.name or "."


def printable(text: str) -> str:
    """``text`` as an answer can carry it: a lone surrogate (JSON lets a client send one, UTF-8
    cannot encode it) becomes its ``\\udXXX`` escape, so the error about it can be sent."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def refuse(message: str, path: str | None = None) -> SecurityError:
    """The sandbox's one error: ``SecurityError`` with Node's ``EPERM`` code."""
    extra = {} if path is None else {"path": path}
    return SecurityError(f"EPERM: operation not permitted, {message}", code="EPERM", **extra)


@final
class Sandbox:
    """The allowed roots of one host and the walk that stays inside them.

    :param roots: allowed roots; relative paths resolve against the one named ``data``.
    :param enabled: ``False`` allows the whole file system (one root ``/``), as the Oro Runtime
        does with ``FS_SANDBOX=0``.
    :param follow_symlinks: ``False`` refuses every symlink met on a path.
    """

    def __init__(self, roots: Sequence[Root], *, enabled: bool, follow_symlinks: bool) -> None:
        self.enabled = enabled
        self.follow_symlinks = follow_symlinks
        self._all_roots = tuple(roots)
        self.roots = {root.name: root for root in roots if not root.granted}
        self._data = self.roots["data"]
        # Longest anchor first, so that a mount inside the data dir wins over the data dir, and
        # a picked file wins over a picked directory around it.
        spellings = [
            (os.path.join(s, root.only) if root.only is not None else s, root)
            for root in roots
            for s in {root.path, *root.spellings}
        ]
        self._by_prefix = sorted(spellings, key=lambda pair: len(pair[0]), reverse=True)
        self._everything = Root("/", os.path.abspath(os.sep), writable=True)

    def granting(self, grants: Sequence[FileGrant]) -> Sandbox:
        """This sandbox plus one root per grant, for one request of the page they belong to.

        A grant's path is used as recorded (oro-desktop records real paths); the walk still
        refuses a symlink that leads out of it, and a read-only grant is a read-only root.
        """
        if not self.enabled or not grants:
            return self
        # A grant only ever widens: one inside a root that allows as much already would make
        # that path read-only by its longer anchor (a data file picked in an open dialog).
        extra = [_granted_root(grant) for grant in grants if not self._allows(grant)]
        if not extra:
            return self
        return Sandbox(
            [*self._all_roots, *extra], enabled=True, follow_symlinks=self.follow_symlinks
        )

    def _allows(self, grant: FileGrant) -> bool:
        """A root already covers all of ``grant`` (lexically), as writable as the grant."""
        placed = self.owning(grant.path)
        if placed is None or (grant.is_writable and not placed.root.writable):
            return False
        return not (placed.parts[:1] and placed.parts[0] in placed.root.concealed)

    # ------------------------------------------------------------------------------------------
    # Lexical placement
    # ------------------------------------------------------------------------------------------

    def locate(self, text: str) -> Target:
        """Place the caller's path ``text`` below a root, without touching the disk.

        :raises SecurityError: NUL byte, over-long path or name, ``..``, or outside every root.
        :raises InvalidArgumentError: not encodable as UTF-8 (a lone surrogate from JSON).
        """
        try:
            encoded = text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidArgumentError(
                "path must be valid Unicode", code="ERR_INVALID_ARG_VALUE", path=printable(text)
            ) from None
        if b"\0" in encoded:
            raise refuse("path contains a NUL byte", text)
        if len(encoded) > MAX_PATH_BYTES:
            raise refuse(f"path is longer than {MAX_PATH_BYTES} bytes", text)
        if any(len(part) > MAX_COMPONENT_BYTES for part in encoded.split(b"/")):
            raise refuse(f"a path component is longer than {MAX_COMPONENT_BYTES} bytes", text)
        if not self.enabled:
            joined = os.path.join(self._data.path, text) if text else self._data.path
            # Unsandboxed paths mean what Node's path.resolve makes of them: lexical `..`.
            return self._place_absolute(os.path.normpath(joined), text)
        root, rest = self._prefixed(text)
        parts = _split(rest)
        if ".." in parts:
            raise refuse("'..' is not allowed in sandboxed paths", text)
        if root is not None:
            return Target(root, parts)
        if os.path.isabs(rest):
            return self._place_absolute(rest, text)
        return Target(self._data, parts)

    def _prefixed(self, text: str) -> tuple[Root | None, str]:
        name, colon, rest = text.partition(":")
        if colon and name in self.roots and not os.path.isabs(rest):
            return self.roots[name], rest
        return None, text

    def _place_absolute(self, path: str, shown: str) -> Target:
        if not self.enabled:
            return Target(self._everything, _split(path))
        for anchor, root in self._by_prefix:
            if path == anchor or path.startswith(anchor.rstrip(os.sep) + os.sep):
                rest = _split(path[len(anchor) :])
                return Target(root, rest if root.only is None else (root.only, *rest))
        raise refuse("path is outside the app's sandbox", shown)

    # ------------------------------------------------------------------------------------------
    # The walk
    # ------------------------------------------------------------------------------------------

    @contextmanager
    def walk(self, target: Target, *, follow_last: bool, shown: str) -> Iterator[Walked]:
        """Open ``target``'s parent directory component by component, following symlinks by
        re-checking their targets (the last component too when ``follow_last``).

        :raises SecurityError: a symlink leads outside every root, or symlinks are refused.
        :raises OSError: a component is missing or not a directory, or too many symlinks.
        """
        if not SUPPORTED:
            raise NotSupportedError("oro:fs needs dir_fd support (POSIX) on the host")
        with OwnedDescriptor.open(target.root.path, _DIR_FLAGS) as directory:
            walked = self._walk(directory, target, follow_last=follow_last, shown=shown)
            if walked.target.parts[:1] and walked.target.parts[0] in walked.target.root.concealed:
                # The same answer as a missing file: pages learn nothing about it.
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), shown)
            yield walked

    def _walk(
        self, directory: OwnedDescriptor, target: Target, *, follow_last: bool, shown: str
    ) -> Walked:
        """Walk from ``directory`` (open on ``target``'s root), restarting from a root after
        each symlink or ``..``; ``directory`` holds where the walk is at every moment."""
        for restart in range(_MAX_RESTARTS + 1):
            if restart:
                directory.replace(os.open(target.root.path, _DIR_FLAGS))
            outcome = self._descend(directory, target, follow_last=follow_last, shown=shown)
            if isinstance(outcome, Walked):
                return outcome
            target = outcome
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), shown)

    def _descend(
        self, directory: OwnedDescriptor, target: Target, *, follow_last: bool, shown: str
    ) -> Walked | Target:
        """Step down from the root ``directory`` holds; a :class:`Walked`, or the target to
        restart with after a symlink or a ``..``."""
        root, parts = target.root, target.parts
        if root.only is not None and parts != (root.only,):
            # Checked at every restart: a symlink can never step from a picked file to a sibling.
            raise refuse("only the picked file itself is granted, not what lies beside it", shown)
        walked: list[str] = []
        for index, part in enumerate(parts):
            rest = parts[index + 1 :]
            if part == "..":
                if walked:
                    return Target(root, (*walked[:-1], *rest))
                return self._above(root, rest, shown)
            if not rest:
                if follow_last:
                    link = _readlink_if_symlink(part, directory.fd)
                    if link is not None:
                        return self._follow(root, walked, link, (), shown)
                return Walked(directory, part, Target(root, (*walked, part)))
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=directory.fd)
            except OSError as error:
                if error.errno not in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    raise
                link = _readlink_if_symlink(part, directory.fd)
                if link is None:
                    raise
                return self._follow(root, walked, link, rest, shown)
            directory.replace(child)
            walked.append(part)
        return Walked(directory, "", Target(root, tuple(walked)))

    def _follow(
        self, root: Root, walked: list[str], link: str, rest: tuple[str, ...], shown: str
    ) -> Target:
        if not self.follow_symlinks:
            raise refuse("symlinks are not followed (filesystem.no_follow_symlinks)", shown)
        if "\0" in link:
            raise refuse("symlink target contains a NUL byte", shown)
        if os.path.isabs(link):
            placed = self._place_link(link, shown)
            return Target(placed.root, (*placed.parts, *rest))
        # The walked components are real directories, so `..` in the link is resolved by the walk.
        return Target(root, (*walked, *_split(link), *rest))

    def _place_link(self, link: str, shown: str) -> Target:
        parts = _split(link)
        if ".." not in parts:
            try:
                return self._place_absolute(link, shown)
            except SecurityError:
                raise refuse("symlink leads outside the app's sandbox", shown) from None
        head = parts[: parts.index("..")]
        placed = self._place_link(os.sep + os.sep.join(head), shown)
        return Target(placed.root, (*placed.parts, *parts[len(head) :]))

    def _above(self, root: Root, rest: tuple[str, ...], shown: str) -> Target:
        """A symlink's ``..`` climbed out of ``root`` (a real path, so lexical is exact)."""
        parent = os.path.dirname(root.path)
        if parent == root.path:
            return Target(root, rest)
        try:
            placed = self._place_absolute(parent, shown)
        except SecurityError:
            raise refuse("symlink leads outside the app's sandbox", shown) from None
        return Target(placed.root, (*placed.parts, *rest))

    # ------------------------------------------------------------------------------------------
    # Checks on where a walk ended
    # ------------------------------------------------------------------------------------------

    def concealed_in(self, directory: Target) -> frozenset[str]:
        """Names a listing of ``directory`` leaves out (the root's concealed top level)."""
        return directory.root.concealed if not directory.parts else frozenset()

    def check_writable(self, target: Target, shown: str) -> None:
        """:raises SecurityError: ``target`` lies in a read-only root (resources, ro mounts)."""
        if not target.root.writable:
            raise refuse(f"'{target.root.name}' is read-only", shown)

    def display(self, target: Target, shown: str) -> str:
        """How a resolved path is shown back: absolute for absolute input, ``name:rest`` for
        prefixed input, else relative to the data dir when it lies there."""
        relative = "/".join(target.parts)
        if os.path.isabs(shown) or not self.enabled or target.root.granted:
            return target.absolute
        if self._prefixed(shown)[0] is not None or target.root is not self._data:
            return f"{target.root.name}:{relative}" if target.root.name != "/" else target.absolute
        return relative or "."

    def owning(self, absolute: str) -> Target | None:
        """The target an absolute real path denotes, or ``None`` outside every root."""
        try:
            return self._place_absolute(absolute, absolute)
        except SecurityError:
            return None


def _granted_root(grant: FileGrant) -> Root:
    if grant.is_directory:
        return Root("picked", grant.path, grant.is_writable, granted=True)
    directory, name = os.path.split(grant.path)
    return Root("picked", directory, grant.is_writable, only=name, granted=True)


def _split(path: str) -> tuple[str, ...]:
    return tuple(part for part in path.split(os.sep) if part and part != ".")


def _readlink_if_symlink(name: str, dir_fd: int) -> str | None:
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if not stat.S_ISLNK(info.st_mode):
        return None
    return os.readlink(name, dir_fd=dir_fd)
