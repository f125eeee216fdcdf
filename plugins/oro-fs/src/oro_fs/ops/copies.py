"""Copies: one file (``fs.copyFile``), or a whole tree (``fs.cp``) checked before anything is
created and removed again if it fails halfway."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from typing import final

from oro_framework import OwnedDescriptor, Sandbox, SandboxTarget
from oro_fs.ops.directories import remove_tree
from oro_fs.ops.files import COPY_CHUNK, write_all
from oro_fs.ops.names import check_link_target
from oro_fs.ops.walking import (
    CLOEXEC,
    DIR_FLAGS,
    NOFOLLOW,
    NONBLOCK,
    errno_error,
    lstat_at,
    syscall,
    walk_to,
)

__all__ = ["copy_file", "cp"]


def copy_file(sandbox: Sandbox, src: str, dest: str, *, exclusive: bool) -> None:
    with (
        walk_to(sandbox, src, "copyfile", follow=True) as old,
        walk_to(sandbox, dest, "copyfile", follow=not exclusive, write=True) as new,
    ):
        _copy_regular(old.dir_fd, old.at, new.dir_fd, new.at, exclusive=exclusive, path=src)


def _copy_regular(
    src_dir: int, src: str, dest_dir: int, dest: str, *, exclusive: bool, path: str
) -> None:
    with syscall("copyfile", path):
        flags = os.O_RDONLY | NOFOLLOW | CLOEXEC | NONBLOCK
        with OwnedDescriptor.open(src, flags, dir_fd=src_dir) as source:
            info = os.fstat(source.fd)
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | NOFOLLOW | CLOEXEC
            if exclusive:
                flags |= os.O_EXCL
            mode = stat.S_IMODE(info.st_mode)
            with OwnedDescriptor.open(dest, flags, mode, dir_fd=dest_dir) as sink:
                while chunk := os.read(source.fd, COPY_CHUNK):
                    write_all(sink.fd, chunk, path)


def cp(
    sandbox: Sandbox,
    src: str,
    dest: str,
    *,
    recursive: bool,
    force: bool,
    error_on_exist: bool,
) -> None:
    """Node's ``fs.cp``: a file, or a tree with ``recursive``; symlinks inside the tree are
    copied as symlinks (their targets re-checked), never followed. Everything that would be
    refused is looked for before anything is created; what fails anyway (the tree changed
    meanwhile, a read error) removes again what this call created."""
    with (
        walk_to(sandbox, src, "cp", follow=True) as old,
        walk_to(sandbox, dest, "cp", follow=True, write=True) as new,
    ):
        source, sink = old.target, new.target
        if source.root == sink.root and sink.parts[: len(source.parts)] == source.parts:
            raise errno_error(errno.EINVAL, "cp", dest)
        with syscall("cp", src):
            info = os.stat(old.at, dir_fd=old.dir_fd, follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode) and not recursive:
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        copy = _TreeCopy(sandbox, src, force=force, error_on_exist=error_on_exist)
        copy.check((old.dir_fd, old.at), (new.dir_fd, new.at, sink))
        copy.copy((old.dir_fd, old.at), (new.dir_fd, new.at, sink))


@final
class _TreeCopy:
    """One ``fs.cp``: :meth:`check` refuses what the copy would refuse, reading only; then
    :meth:`copy` copies, each directory level removing what it created if a later step fails."""

    def __init__(self, sandbox: Sandbox, path: str, *, force: bool, error_on_exist: bool) -> None:
        self.sandbox = sandbox
        self.path = path
        self.force = force
        self.error_on_exist = error_on_exist

    def check(self, source: tuple[int, str], sink: tuple[int | None, str, SandboxTarget]) -> None:
        """Raise what :meth:`copy` would raise for this entry and below (``sink`` directory
        ``None``: its directory does not exist yet, so nothing is in the way)."""
        src_dir, src = source
        dest_dir, dest, where = sink
        with syscall("cp", self.path):
            info = os.stat(src, dir_fd=src_dir, follow_symlinks=False)
            existing = None if dest_dir is None else lstat_at(dest_dir, dest)
            if stat.S_ISDIR(info.st_mode):
                if existing is not None and not stat.S_ISDIR(existing.st_mode):
                    raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
                with contextlib.ExitStack() as stack:
                    directory = stack.enter_context(
                        OwnedDescriptor.open(src, DIR_FLAGS, dir_fd=src_dir)
                    )
                    child_dir: int | None = None
                    if existing is not None and dest_dir is not None:
                        child_dir = stack.enter_context(
                            OwnedDescriptor.open(dest, DIR_FLAGS, dir_fd=dest_dir)
                        ).fd
                    for name in _names(directory.fd):
                        child = SandboxTarget(where.root, (*where.parts, name))
                        self.check((directory.fd, name), (child_dir, name, child))
                return
            if not self._may_write(info, existing):
                return
            if existing is not None and stat.S_ISDIR(existing.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            if stat.S_ISLNK(info.st_mode):
                text = os.readlink(src, dir_fd=src_dir)
                check_link_target(self.sandbox, text, where, self.path)

    def _may_write(self, info: os.stat_result, existing: os.stat_result | None) -> bool:
        """Whether a file-like entry is written over ``existing``; ``False``: it is kept.

        :raises OSError: a socket or FIFO (Node's ERR_FS_CP_SOCKET, ERR_FS_CP_FIFO_PIPE), or
            ``EEXIST`` with ``errorOnExist`` and no ``force``.
        """
        if stat.S_ISSOCK(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        if existing is None:
            return True
        if self.error_on_exist and not self.force:
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))
        return self.force

    def copy(self, source: tuple[int, str], sink: tuple[int, str, SandboxTarget]) -> bool:
        """Copy one entry (a directory with everything below); whether it created the
        destination entry (``False``: it was there and is reused or overwritten)."""
        src_dir, src = source
        dest_dir, dest, where = sink
        with syscall("cp", self.path):
            info = os.stat(src, dir_fd=src_dir, follow_symlinks=False)
            existing = lstat_at(dest_dir, dest)
            if stat.S_ISDIR(info.st_mode):
                return self._copy_directory(source, sink, info, existing)
            if not self._may_write(info, existing):
                return False
            if existing is not None and (
                stat.S_ISLNK(existing.st_mode) or stat.S_ISLNK(info.st_mode)
            ):
                os.unlink(dest, dir_fd=dest_dir)
            if stat.S_ISLNK(info.st_mode):
                text = os.readlink(src, dir_fd=src_dir)
                check_link_target(self.sandbox, text, where, self.path)
                os.symlink(text, dest, dir_fd=dest_dir)
                return existing is None
        try:
            _copy_regular(src_dir, src, dest_dir, dest, exclusive=False, path=self.path)
        except BaseException:
            if existing is None:
                with contextlib.suppress(OSError):
                    os.unlink(dest, dir_fd=dest_dir)
            raise
        return existing is None

    def _copy_directory(
        self,
        source: tuple[int, str],
        sink: tuple[int, str, SandboxTarget],
        info: os.stat_result,
        existing: os.stat_result | None,
    ) -> bool:
        src_dir, src = source
        dest_dir, dest, where = sink
        if existing is None:
            os.mkdir(dest, stat.S_IMODE(info.st_mode) | 0o700, dir_fd=dest_dir)
        elif not stat.S_ISDIR(existing.st_mode):
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        created: list[str] = []
        try:
            with (
                OwnedDescriptor.open(src, DIR_FLAGS, dir_fd=src_dir) as source_dir,
                OwnedDescriptor.open(dest, DIR_FLAGS, dir_fd=dest_dir) as sink_dir,
            ):
                try:
                    for name in _names(source_dir.fd):
                        child = SandboxTarget(where.root, (*where.parts, name))
                        if self.copy((source_dir.fd, name), (sink_dir.fd, name, child)):
                            created.append(name)
                except BaseException:
                    if existing is not None:
                        _remove_entries(sink_dir.fd, created)
                    raise
        except BaseException:
            if existing is None:
                # Everything below a directory this call made was made by this call too.
                with contextlib.suppress(OSError):
                    remove_tree(dest_dir, dest)
            raise
        return existing is None


def _names(dir_fd: int) -> list[str]:
    with os.scandir(dir_fd) as entries:
        return sorted(entry.name for entry in entries)


def _remove_entries(dir_fd: int, names: list[str]) -> None:
    """Remove what a failed copy created in a directory that was there before it (best effort:
    the copy's own error is what the caller needs to see)."""
    for name in reversed(names):
        with contextlib.suppress(OSError):
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                remove_tree(dir_fd, name)
            else:
                os.unlink(name, dir_fd=dir_fd)
