"""Path confinement for every plugin: which paths a page may reach, and how to reach them.

A :class:`Sandbox` is the directories (:class:`SandboxRoot`) one plugin lets pages use, plus,
for one request, the paths the calling window's user picked in a file dialog
(:meth:`Sandbox.for_request`: ``host.file_grants`` as extra roots). Every question of the form
"is this path inside a root or a grant, and which" is answered by one function,
:meth:`~oro_framework.host.sandbox_roots.RootAnchors.place` (:mod:`.sandbox_roots`, which holds
the roots and targets this module exports): the roots by the paths that denote them, the most
specific first, a picked file holding its one name and nothing below it. oro-fs, oro-sqlite,
oro-process and ``FileGrants.covering`` all ask it.

Two ways to reach a path, for two kinds of use:

- **By descriptor** (oro-fs): :meth:`Sandbox.locate` places the caller's path below a root
  lexically, :meth:`Sandbox.walk` opens the root as a directory and every component relative to
  its parent with ``O_NOFOLLOW``. A symlink met on the way is read and placed again like a new
  path, never followed by the kernel, so a link swapped in after a check cannot send the
  operation elsewhere: the operation runs on the directory descriptor the walk ended on. The
  walk holds one directory descriptor at a time, in one :class:`OwnedDescriptor` that each
  step replaces: whatever refuses the path, at whatever depth, that descriptor is closed, once.
- **By real path** (oro-sqlite's databases, oro-process's ``cwd``: SQLite and ``exec`` take a
  path, not a descriptor): :meth:`Sandbox.find` resolves every symlink and ``..`` as the kernel
  would (:func:`real_path`) and places the result; :meth:`Sandbox.confine` refuses what it does
  not place. The plugin then hands the OS that real path, so a link inside a root cannot lead
  the OS out of it.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar, Final, final

from oro_framework.host.errors import (
    ErrnoError,
    InvalidArgumentError,
    NotSupportedError,
    SecurityError,
)
from oro_framework.host.owned import OwnedDescriptor
from oro_framework.host.private_files import private_folders
from oro_framework.host.sandbox_roots import (
    MAX_SYMLINKS,
    RootAnchors,
    SandboxRoot,
    SandboxTarget,
    inside_folder,
    real_path,
    split_path,
)
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.file_grants import FileGrant
    from oro_framework.host.request import Request

__all__ = ["Sandbox", "SandboxRoot", "SandboxTarget", "SandboxWalk", "inside_folder", "real_path"]

# getattr: these flags do not exist on Windows, where the walk is not supported (see walk()).
_DIR_FLAGS: Final = (
    os.O_RDONLY
    | getattr(os, "O_DIRECTORY", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_SUPPORTED: Final = os.open in os.supports_dir_fd and os.stat in os.supports_dir_fd


@final
@record(frozen=False)
class SandboxWalk:
    """Where a walk ended: ``directory`` is the parent directory of ``name`` (``""`` when the
    target is the root itself, then it is the root). :meth:`Sandbox.walk` closes it when its
    block ends, unless an operation took it over with ``directory.hand_over()``."""

    directory: OwnedDescriptor
    name: str
    target: SandboxTarget

    @property
    def dir_fd(self) -> int:
        """The directory's descriptor, for ``dir_fd=`` inside the walk's block."""
        return self.directory.fd

    @property
    def at(self) -> str:
        """``name`` for the ``dir_fd=`` functions; ``.`` stands for the root itself."""
        return self.name or "."


def _names_entry(root: SandboxRoot, parts: Sequence[str]) -> bool:
    """Whether ``parts`` name an entry (a dangling symlink too) below ``root``; a probe only:
    the walk still checks whatever the path then reaches."""
    return os.path.lexists(os.path.join(root.path, *parts))


def _refusal(message: str, path: str | None = None) -> SecurityError:
    """``SecurityError`` with Node's ``EPERM`` code: every refusal of the sandbox."""
    extra = {} if path is None else {"path": path}
    return SecurityError(f"EPERM: operation not permitted, {message}", code="EPERM", **extra)


@final
class Sandbox:
    """The allowed roots of one plugin, and the ways to reach a path that stay inside them.

    :param roots: allowed roots; a relative path resolves against the one named ``home``
        (:meth:`locate`), or against the ``base`` a caller names (:meth:`find`).
    :param enabled: ``False`` allows the whole file system (one root ``/``), as the Oro Runtime
        does with ``FS_SANDBOX=0``; relative and ``<name>:`` paths still start where they do
        with it on.
    :param follow_symlinks: ``False`` refuses every symlink the walk meets on a path.
    :param home: the root relative paths start from (``data`` unless the caller says).
    :param fallback: a root a relative path reaches when it names nothing below ``home`` but
        names an entry below this one: oro-fs's relative paths read the app's files
        (``resources``), as Oro's do, while what a page writes goes to its data directory.
    :param hidden: absolute paths that do not exist for pages, whichever root reaches them,
        the sandbox on or off: the app's config and backend files (which may hold keys) stay
        out of reach of a mount or of the whole file system.
    """

    MAX_PATH_BYTES: ClassVar[int] = 4096
    """Longest path :meth:`locate` accepts, in UTF-8 bytes (Linux's PATH_MAX)."""
    MAX_COMPONENT_BYTES: ClassVar[int] = 255
    """Longest file name :meth:`locate` accepts, in UTF-8 bytes (NAME_MAX)."""

    def __init__(
        self,
        roots: Sequence[SandboxRoot],
        *,
        enabled: bool = True,
        follow_symlinks: bool = True,
        home: str = "data",
        fallback: str | None = None,
        hidden: Iterable[str] = (),
    ) -> None:
        self.enabled = enabled
        # The host's private folders are hidden from every sandbox, whoever makes it.
        self.hidden = private_folders() | {os.path.realpath(path) for path in hidden}
        """Real paths no walk ends at or below and no listing shows (:meth:`is_hidden`)."""
        self.follow_symlinks = follow_symlinks
        self.all_roots = tuple(roots)
        """Every root, grants included."""
        self.roots = {root.name: root for root in roots if not root.granted}
        """The app's own roots by name (no grant)."""
        self.home = home
        self._home_root = self.roots.get(home)
        self.fallback = fallback
        self._fallback_root = None if fallback is None else self.roots.get(fallback)
        self._anchors = RootAnchors(self.all_roots)
        self._everything = SandboxRoot("/", os.path.abspath(os.sep), writable=True)

    @staticmethod
    def refusal(message: str, path: str | None = None) -> SecurityError:
        """The sandbox's one error, ``SecurityError`` with Node's ``EPERM`` code (``path`` is
        the caller's path as the caller wrote it), for a plugin's own refusals to match."""
        return _refusal(message, path)

    # ------------------------------------------------------------------------------------------
    # Grants
    # ------------------------------------------------------------------------------------------

    def for_request(self, request: Request) -> Sandbox:
        """This sandbox for ``request``: plus the paths the user picked for the calling window's
        page (``host.file_grants``); a request without a proven window gets no grant."""
        if request.window is None:
            return self
        return self.granting(request.host.file_grants.of(request.window))

    def granting(self, grants: Sequence[FileGrant]) -> Sandbox:
        """This sandbox plus one root per grant (:meth:`SandboxRoot.granted_by`), for one
        request of the page they belong to. A read-only grant is a read-only root, and the walk
        still refuses a symlink that leads out of a grant.

        A grant only ever widens: one that a root (or a writable grant) already allows as much
        adds nothing, since its longer anchor would otherwise make that path read-only (a data
        file picked in an open dialog stays writable through the data root).
        """
        if not self.enabled or not grants:
            return self
        roots = list(self.all_roots)
        for grant in sorted(grants, key=lambda grant: not grant.is_writable):
            if not _allows(RootAnchors(roots), grant):
                roots.append(SandboxRoot.granted_by(grant))
        if len(roots) == len(self.all_roots):
            return self
        return Sandbox(
            roots,
            enabled=True,
            follow_symlinks=self.follow_symlinks,
            home=self.home,
            fallback=self.fallback,
            hidden=self.hidden,
        )

    # ------------------------------------------------------------------------------------------
    # By real path
    # ------------------------------------------------------------------------------------------

    def holding(self, path: str) -> SandboxTarget | None:
        """The root that holds the absolute ``path`` taken as written (pass a real path, as
        :meth:`find` does), or ``None``; a concealed name is held by none."""
        if not self.enabled:
            target: SandboxTarget | None = SandboxTarget(self._everything, split_path(path))
        else:
            target = self._anchors.place(path, spellings=False)
        if target is None or self.is_hidden(target):
            return None
        return target

    def find(
        self, path: str, *, base: str | os.PathLike[str] | None = None
    ) -> SandboxTarget | None:
        """Where ``path`` really is: its real path (:func:`real_path`; relative to ``base``, by
        default the home root) placed below a root or grant, or ``None`` outside every one.
        The target's :attr:`~SandboxTarget.absolute` is that real path.

        :raises SecurityError: ``EPERM``: a NUL byte, or a relative path without a base.
        :raises InvalidArgumentError: not encodable as UTF-8 (a lone surrogate from JSON).
        :raises ErrnoError: ``ELOOP``: more symlinks than Linux follows.
        """
        _check_text(path)
        if base is None and not os.path.isabs(path):
            if self._home_root is None:
                raise _refusal("a relative path needs a base directory", path)
            base = self._home_root.path
        joined = path if base is None else os.path.join(os.path.abspath(base), path)
        try:
            real = real_path(joined)
        except OSError as error:
            raise ErrnoError.from_os_error(error, syscall="realpath", path=path) from None
        return self.holding(real)

    def confine(
        self,
        path: str,
        *,
        base: str | os.PathLike[str] | None = None,
        for_writing: bool = False,
    ) -> SandboxTarget:
        """:meth:`find`, refusing what it does not place (and, ``for_writing``, a read-only
        root): the real path to hand the OS is the answer's ``absolute``.

        :raises SecurityError: ``EPERM``: outside every root and grant, or read-only.
        """
        target = self.find(path, base=base)
        if target is None:
            raise _refusal("path is outside the app's sandbox", path)
        if for_writing:
            self.check_writable(target, path)
        return target

    # ------------------------------------------------------------------------------------------
    # Lexical placement
    # ------------------------------------------------------------------------------------------

    def locate(self, text: str) -> SandboxTarget:
        """Place the caller's path ``text`` below a root: relative to the home root (or to the
        fallback root when only that one has the entry: an ``lstat`` of each, the only disk
        access here), ``<name>:rest`` below the root of that name, or absolute.

        :raises SecurityError: NUL byte, over-long path or name, ``..``, or outside every root.
        :raises InvalidArgumentError: not encodable as UTF-8 (a lone surrogate from JSON).
        """
        encoded = _check_text(text)
        if len(encoded) > self.MAX_PATH_BYTES:
            raise _refusal(f"path is longer than {self.MAX_PATH_BYTES} bytes", text)
        if any(len(part) > self.MAX_COMPONENT_BYTES for part in encoded.split(b"/")):
            raise _refusal(
                f"a path component is longer than {self.MAX_COMPONENT_BYTES} bytes", text
            )
        root, rest = self._prefixed(text)
        parts = split_path(rest)
        if ".." in parts:
            if self.enabled:
                raise _refusal("'..' is not allowed in sandboxed paths", text)
            # Unsandboxed paths mean what Node's path.resolve makes of them: lexical `..`.
            base = root.path if root is not None else self._home(text).path
            return self._place_absolute(os.path.normpath(os.path.join(base, rest)), text)
        if root is not None:
            return SandboxTarget(root, parts)
        if os.path.isabs(rest):
            return self._place_absolute(rest, text)
        return self._place_relative(parts, text)

    def _place_relative(self, parts: tuple[str, ...], text: str) -> SandboxTarget:
        home = self._home(text)
        fallback = self._fallback_root
        if (
            fallback is not None
            and parts
            and not _names_entry(home, parts)
            and _names_entry(fallback, parts)
        ):
            return SandboxTarget(fallback, parts)
        return SandboxTarget(home, parts)

    def _home(self, shown: str) -> SandboxRoot:
        if self._home_root is None:
            raise _refusal(f"a relative path needs a '{self.home}' root", shown)
        return self._home_root

    def _prefixed(self, text: str) -> tuple[SandboxRoot | None, str]:
        name, colon, rest = text.partition(":")
        if colon and name in self.roots and not os.path.isabs(rest):
            return self.roots[name], rest
        return None, text

    def _place_absolute(self, path: str, shown: str) -> SandboxTarget:
        if not self.enabled:
            return SandboxTarget(self._everything, split_path(path))
        target = self._anchors.place(path, spellings=True)
        if target is None:
            raise _refusal("path is outside the app's sandbox", shown)
        return target

    def owning(self, absolute: str) -> SandboxTarget | None:
        """The target the absolute ``absolute`` denotes as written (a root's configured
        spelling counts), or ``None`` outside every root."""
        try:
            return self._place_absolute(absolute, absolute)
        except SecurityError:
            return None

    # ------------------------------------------------------------------------------------------
    # The walk
    # ------------------------------------------------------------------------------------------

    @contextmanager
    def walk(
        self, target: SandboxTarget, *, follow_last: bool, shown: str
    ) -> Iterator[SandboxWalk]:
        """Open ``target``'s parent directory component by component, following symlinks by
        placing their targets again (the last component too when ``follow_last``).

        :raises SecurityError: a symlink leads outside every root, or symlinks are refused.
        :raises OSError: a component is missing or not a directory, or too many symlinks.
        :raises NotSupportedError: the OS lacks ``dir_fd=`` (Windows).
        """
        if not _SUPPORTED:
            raise NotSupportedError("the sandbox walk needs dir_fd support (POSIX) on the host")
        with OwnedDescriptor.open(target.root.path, _DIR_FLAGS) as directory:
            walked = self._walk(directory, target, follow_last=follow_last, shown=shown)
            if self.is_hidden(walked.target):
                # The same answer as a missing file: pages learn nothing about it.
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), shown)
            yield walked

    def _walk(
        self, directory: OwnedDescriptor, target: SandboxTarget, *, follow_last: bool, shown: str
    ) -> SandboxWalk:
        """Walk from ``directory`` (open on ``target``'s root), restarting from a root after
        each symlink or ``..``; ``directory`` holds where the walk is at every moment."""
        for restart in range(MAX_SYMLINKS + 1):
            if restart:
                directory.replace(os.open(target.root.path, _DIR_FLAGS))
            if ".." not in target.parts and self.is_hidden(target):
                # A hop through a hidden folder hides the path, wherever the last link leads:
                # /dev/stdin is /proc/self/fd/0, a link to whatever the host has open there.
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), shown)
            outcome = self._descend(directory, target, follow_last=follow_last, shown=shown)
            if isinstance(outcome, SandboxWalk):
                return outcome
            target = outcome
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), shown)

    def _descend(
        self, directory: OwnedDescriptor, target: SandboxTarget, *, follow_last: bool, shown: str
    ) -> SandboxWalk | SandboxTarget:
        """Step down from the root ``directory`` holds; a :class:`SandboxWalk`, or the target
        to restart with after a symlink or a ``..``."""
        root, parts = target.root, target.parts
        if root.only is not None and parts != (root.only,):
            # Checked at every restart: a symlink can never step from a picked file to a sibling.
            raise _refusal("only the picked file itself is granted, not what lies beside it", shown)
        walked: list[str] = []
        for index, part in enumerate(parts):
            rest = parts[index + 1 :]
            if part == "..":
                if walked:
                    return SandboxTarget(root, (*walked[:-1], *rest))
                return self._above(root, rest, shown)
            if not rest:
                if follow_last:
                    link = _readlink_if_symlink(part, directory.fd)
                    if link is not None:
                        return self._follow(root, walked, link, (), shown)
                return SandboxWalk(directory, part, SandboxTarget(root, (*walked, part)))
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
        return SandboxWalk(directory, "", SandboxTarget(root, tuple(walked)))

    def _follow(
        self, root: SandboxRoot, walked: list[str], link: str, rest: tuple[str, ...], shown: str
    ) -> SandboxTarget:
        if not self.follow_symlinks:
            raise _refusal("symlinks are not followed (filesystem.no_follow_symlinks)", shown)
        if "\0" in link:
            raise _refusal("symlink target contains a NUL byte", shown)
        if os.path.isabs(link):
            placed = self._place_link(link, shown)
            return SandboxTarget(placed.root, (*placed.parts, *rest))
        # The walked components are real directories, so `..` in the link is resolved by the walk.
        return SandboxTarget(root, (*walked, *split_path(link), *rest))

    def _place_link(self, link: str, shown: str) -> SandboxTarget:
        parts = split_path(link)
        if ".." not in parts:
            try:
                return self._place_absolute(link, shown)
            except SecurityError:
                raise _refusal("symlink leads outside the app's sandbox", shown) from None
        head = parts[: parts.index("..")]
        placed = self._place_link(os.sep + os.sep.join(head), shown)
        return SandboxTarget(placed.root, (*placed.parts, *parts[len(head) :]))

    def _above(self, root: SandboxRoot, rest: tuple[str, ...], shown: str) -> SandboxTarget:
        """A symlink's ``..`` climbed out of ``root`` (a real path, so lexical is exact)."""
        parent = os.path.dirname(root.path)
        if parent == root.path:
            return SandboxTarget(root, rest)
        try:
            placed = self._place_absolute(parent, shown)
        except SecurityError:
            raise _refusal("symlink leads outside the app's sandbox", shown) from None
        return SandboxTarget(placed.root, (*placed.parts, *rest))

    # ------------------------------------------------------------------------------------------
    # Checks on where a path ended
    # ------------------------------------------------------------------------------------------

    def is_hidden(self, target: SandboxTarget) -> bool:
        """Whether ``target`` (where a walk ended: its directories are real) is a concealed
        name at the top of its root, one of the :attr:`hidden` paths or below one."""
        if target.parts[:1] and target.parts[0] in target.root.concealed:
            return True
        # By the path's own folders, not by each hidden path: every host of the process hides
        # its state folder (a test run's thousands), and this runs on every walk.
        path = target.absolute
        while path not in self.hidden:
            parent = os.path.dirname(path)
            if parent == path:
                return False
            path = parent
        return True

    def concealed_in(self, directory: SandboxTarget) -> frozenset[str]:
        """Names a listing of ``directory`` leaves out (the root's concealed top level, and the
        :attr:`hidden` paths in it; what lies below one is refused by the walk)."""
        names = directory.root.concealed if not directory.parts else frozenset()
        here = directory.absolute
        return names | {
            os.path.basename(path) for path in self.hidden if os.path.dirname(path) == here
        }

    def check_writable(self, target: SandboxTarget, shown: str) -> None:
        """:raises SecurityError: ``target`` lies in a read-only root (resources, ro mounts,
        read-only grants)."""
        if not target.root.writable:
            raise _refusal(f"'{target.root.name}' is read-only", shown)

    def display(self, target: SandboxTarget, shown: str) -> str:
        """How a resolved path is shown back: absolute for absolute input, ``name:rest`` for
        prefixed input, else relative to the home root when it lies there."""
        relative = "/".join(target.parts)
        if os.path.isabs(shown) or target.root is self._everything or target.root.granted:
            return target.absolute
        if self._prefixed(shown)[0] is not None or target.root is not self._home_root:
            return f"{target.root.name}:{relative}" if target.root.name != "/" else target.absolute
        return relative or "."


def _allows(anchors: RootAnchors, grant: FileGrant) -> bool:
    """A root of ``anchors`` already covers all of ``grant`` (lexically), as writable."""
    placed = anchors.place(grant.path, spellings=True)
    if placed is None or (grant.is_writable and not placed.root.writable):
        return False
    return not (placed.parts[:1] and placed.parts[0] in placed.root.concealed)


def _check_text(text: str) -> bytes:
    """``text`` as UTF-8.

    :raises SecurityError: it holds a NUL byte.
    :raises InvalidArgumentError: a lone surrogate (JSON lets a client send one).
    """
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:
        shown = text.encode("utf-8", "backslashreplace").decode("utf-8")
        raise InvalidArgumentError(
            "path must be valid Unicode", code="ERR_INVALID_ARG_VALUE", path=shown
        ) from None
    if b"\0" in encoded:
        raise _refusal("path contains a NUL byte", text)
    return encoded


def _readlink_if_symlink(name: str, dir_fd: int) -> str | None:
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if not stat.S_ISLNK(info.st_mode):
        return None
    return os.readlink(name, dir_fd=dir_fd)
