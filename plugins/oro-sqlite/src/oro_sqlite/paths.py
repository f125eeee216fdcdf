"""Where a page's database may live, and the URI SQLite opens it by.

A page names a database as Oro's pages do: ``:memory:``, a path (relative to the app's data
directory, or ``data:``/``temp:``/``resources:`` and the rest, or absolute), or a ``file:`` URI.
Deny by default: a file is allowed only below a directory ``[sqlite] roots`` names, or one the
page's user picked in a file dialog (``host.file_grants``). The host's sandbox decides
(:class:`oro_framework.Sandbox`, the one oro-fs and oro-process use): the check is on the *real*
path, every symlink and ``..`` resolved, and SQLite is given that real path, so a link inside a
root cannot lead it outside; its journal, WAL and shared-memory files sit beside the database,
in the same directory. ``resources`` and read-only grants take read-only opens only.

In-memory databases are always allowed. Page URIs keep only the ``mode`` and ``cache``
parameters: the others (``vfs``, ``nolock``, ``immutable``, ...) change how SQLite treats the
file and stay out of a page's reach.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Final, NamedTuple, final

from oro_framework import (
    AppPaths,
    FileGrant,
    InvalidArgumentError,
    IPCError,
    NotFoundError,
    SandboxRoot,
    SandboxTarget,
)
from oro_framework import Sandbox as HostSandbox
from oro_sqlite.errors import outside_sandbox

__all__ = [
    "OPEN_CREATE",
    "OPEN_MEMORY",
    "OPEN_READONLY",
    "OPEN_READWRITE",
    "OPEN_URI",
    "Opening",
    "Sandbox",
]

OPEN_READONLY: Final = 0x00000001
OPEN_READWRITE: Final = 0x00000002
OPEN_CREATE: Final = 0x00000004
OPEN_URI: Final = 0x00000040
OPEN_MEMORY: Final = 0x00000080
_URI_PARAMETERS: Final = frozenset({"mode", "cache"})
_MODES: Final = ("ro", "rw", "rwc")
_NAMED_ROOTS: Final = ("data", "temp", "resources")


@final
class Opening(NamedTuple):
    """What to open: ``uri`` for :func:`sqlite3.connect` (``uri=True``), ``path`` the real
    path (``:memory:`` for an in-memory database) and the mode that was allowed."""

    uri: str
    path: str
    mode: str
    memory: bool


def _mode(flags: int) -> str:
    if flags & OPEN_READWRITE:
        return "rwc" if flags & OPEN_CREATE else "rw"
    if flags & OPEN_READONLY:
        return "ro"
    raise InvalidArgumentError.invalid("flags", "OPEN_READONLY or OPEN_READWRITE")


def _narrower(first: str, second: str) -> str:
    return first if _MODES.index(first) <= _MODES.index(second) else second


def _memory_uri(name: str, cache: str | None) -> str:
    query = "mode=memory" + (f"&cache={cache}" if cache else "")
    return f"file:{urllib.parse.quote(name, safe='')}?{query}"


@final
class Sandbox:
    """The directories one host's pages may keep databases in (``[sqlite] roots``), as the
    host's sandbox.

    :param roots: allowed roots; relative paths resolve against ``data`` (the app's data
        directory), whether or not it is one of them.
    """

    def __init__(self, roots: Sequence[SandboxRoot], data: Path) -> None:
        self.sandbox = HostSandbox(roots)
        self.data = data
        self.named = {"data": data}

    @classmethod
    def from_settings(cls, roots: Sequence[str], paths: AppPaths, app_dir: Path) -> Sandbox:
        """The roots ``[sqlite] roots`` names: ``data``, ``temp``, ``resources`` or paths."""
        named = {"data": paths.data, "temp": paths.temp, "resources": paths.resources}
        allowed = []
        for root in dict.fromkeys(roots):
            if root in named:
                directory, writable = named[root], root != "resources"
            else:
                directory, writable = app_dir / Path(root).expanduser(), True
            allowed.append(SandboxRoot.at(root, directory, writable=writable))
        sandbox = cls(allowed, paths.data)
        sandbox.named = named
        return sandbox

    def resolve(self, text: str, flags: int, grants: Sequence[FileGrant] = ()) -> Opening:
        """Where the page's database ``text`` is, opened with Oro's ``flags``.

        :raises InvalidArgumentError: an empty path, a NUL byte, bad flags or URI parameters.
        :raises SecurityError: ``EPERM``: the real path is in no root or grant, or in a
            read-only one for a read-write open.
        :raises NotFoundError: ``ENOENT``: no such file and ``OPEN_CREATE`` not given.
        :raises ErrnoError: ``ELOOP``: the path runs into a symlink loop.
        """
        if not text:
            raise InvalidArgumentError.invalid("path", "a non-empty string")
        if "\0" in text:
            raise InvalidArgumentError(
                "path must not contain null bytes", code="ERR_INVALID_ARG_VALUE", parameter="path"
            )
        mode = _mode(flags)
        cache: str | None = None
        path = text
        if text.startswith("file:"):
            path, uri_mode, cache = self._parse_uri(text)
            if uri_mode == "memory":
                return Opening(_memory_uri(path or text, cache), ":memory:", "memory", True)
            if uri_mode is not None:
                mode = _narrower(mode, uri_mode)
        if path == ":memory:" or flags & OPEN_MEMORY:
            return Opening(_memory_uri(path, cache), ":memory:", "memory", True)
        target = self._placed(self._absolute(path), grants)
        if target is None:
            raise outside_sandbox(
                "the database is outside the directories [sqlite] roots allows", text
            )
        if mode != "ro" and not target.root.writable:
            raise outside_sandbox(
                "the database's directory is read-only: open it with OPEN_READONLY", text
            )
        real = target.absolute
        if mode != "rwc" and not os.path.exists(real):
            raise NotFoundError("Database path does not exist", code="ENOENT", path=text)
        query = f"mode={mode}" + (f"&cache={cache}" if cache else "")
        return Opening(f"file:{urllib.parse.quote(real)}?{query}", real, mode, False)

    def allows_attach(self, text: str, grants: Sequence[FileGrant]) -> bool:
        """``ATTACH`` (and ``VACUUM INTO``) of the literal ``text``: an in-memory or temporary
        database, or an absolute path (SQLite resolves a relative one against the process's
        working directory, not the data directory) whose real path a writable root or grant
        holds. URIs are refused."""
        if text in ("", ":memory:"):
            return True
        if text.startswith("file:") or "\0" in text or not os.path.isabs(text):
            return False
        try:
            target = self._placed(text, grants)
        except IPCError:  # not Unicode, or a symlink loop
            return False
        return target is not None and target.root.writable

    def _parse_uri(self, text: str) -> tuple[str, str | None, str | None]:
        """``file:`` URI → (decoded path, mode, cache)."""
        parsed = urllib.parse.urlsplit(text)
        if parsed.netloc not in ("", "localhost"):
            raise InvalidArgumentError.invalid("path", "a file: URI without a remote authority")
        query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        unknown = sorted(set(query) - _URI_PARAMETERS)
        if unknown:
            raise InvalidArgumentError(
                f"Unsupported SQLite URI parameter(s): {', '.join(unknown)} (only mode and "
                "cache are allowed)",
                code="ERR_INVALID_ARG_VALUE",
                parameter="path",
            )
        mode = query.get("mode", [None])[-1]
        cache = query.get("cache", [None])[-1]
        if mode not in (None, "memory", *_MODES):
            raise InvalidArgumentError.invalid("path", "mode=ro, rw, rwc or memory")
        if cache not in (None, "shared", "private"):
            raise InvalidArgumentError.invalid("path", "cache=shared or private")
        return urllib.parse.unquote(parsed.path), mode, cache

    def _absolute(self, path: str) -> str:
        """The page's path as an absolute one (symlinks and ``..`` not resolved yet)."""
        name, colon, rest = path.partition(":")
        if colon and name in _NAMED_ROOTS and not os.path.isabs(rest):
            return str(self.named.get(name, self.data) / rest)
        return str(path if os.path.isabs(path) else self.data / path)

    def _placed(self, absolute: str, grants: Sequence[FileGrant]) -> SandboxTarget | None:
        """The root or grant that holds ``absolute``'s real path, the most specific one (a
        grant only ever widens what a root allows), or ``None``: outside them all, or the root
        itself, which is no database.

        :raises ErrnoError: ``ELOOP``, a symlink loop.
        """
        target = self.sandbox.granting(grants).find(absolute)
        return target if target is not None and target.parts else None
