"""One open tar archive of a page: a :class:`Reader` (a file in the sandbox, or bytes the page
sent) or a :class:`Writer` (to a file in the sandbox, or to memory), each used by one thread at
a time under its own lock (:mod:`tarfile` objects are not thread-safe).

A reader indexes the entries' headers once, as it opens (at most ``tar.max_entries`` of them),
and reads an entry's bytes by range from then on: an archive of any size is read in bounded
memory. A writer spools the entry being appended (in memory up to 1 MiB, then in a temp file)
and writes it whole once its last byte came, so a page streams large entries in chunks."""

from __future__ import annotations

import io
import lzma
import os
import tarfile
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, Final, final

from oro_framework import InvalidArgumentError, MemoryReservation, OutOfRangeError
from oro_zlib.tar.errors import (
    archive_closed,
    buffer_too_large,
    filter_refusal,
    invalid_archive,
    too_many_entries,
    unknown_entry,
)

__all__ = ["TYPES", "Archive", "Reader", "Writer", "describe"]

_SPOOL_BYTES: Final = 1024 * 1024
"""How much of the entry being appended a writer holds in memory before spooling it to disk."""
_BROKEN: Final = (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, OSError, ValueError)
"""What :mod:`tarfile` (and the decompressors under ``r:*``) raise for bytes that are no
archive or end early; a truncated gzip stream is an ``EOFError``, a bad one ``OSError``."""

TYPES: Final = {
    "0": tarfile.REGTYPE,
    "1": tarfile.LNKTYPE,
    "2": tarfile.SYMTYPE,
    "3": tarfile.CHRTYPE,
    "4": tarfile.BLKTYPE,
    "5": tarfile.DIRTYPE,
    "6": tarfile.FIFOTYPE,
}
"""Oro's ``type`` parameter (the header's type flag) → :mod:`tarfile`'s."""
_FLAGS: Final = {value: key for key, value in TYPES.items()}


def describe(member: tarfile.TarInfo) -> dict[str, Any]:
    """An entry as Oro's routes answer it (``type`` is the header's flag: regular files, old
    and contiguous ones included, are ``0``)."""
    entry: dict[str, Any] = {
        "path": member.name,
        "type": "0" if member.isreg() else _FLAGS.get(member.type, member.type.decode("latin-1")),
        "size": member.size if member.isreg() else 0,
        "mode": member.mode,
        "mtime": int(member.mtime),
        "uid": member.uid,
        "gid": member.gid,
        "uname": member.uname,
        "gname": member.gname,
        "isFile": member.isreg(),
        "isDirectory": member.isdir(),
    }
    if member.issym() or member.islnk():
        entry["linkpath"] = member.linkname
    if member.isdev():
        entry["devmajor"] = member.devmajor
        entry["devminor"] = member.devminor
    return entry


class Archive:
    """What readers and writers share: the id, the entries so far, the lock, the memory held."""

    def __init__(self, archive_id: str, held: MemoryReservation | None) -> None:
        self.id = archive_id
        self.members: list[tarfile.TarInfo] = []
        self.by_name: dict[str, tarfile.TarInfo] = {}
        self.lock = threading.Lock()
        self.closed = False
        self.held = held
        """The host's memory held for the archive's bytes (an archive in memory)."""

    def _add(self, member: tarfile.TarInfo) -> None:
        self.members.append(member)
        # As tar itself: a later entry of the same name replaces the earlier one.
        self.by_name[member.name] = member

    def stat(self, path: str) -> tarfile.TarInfo:
        """:raises NotFoundError: ``ENOENT``: no such entry."""
        member = self.by_name.get(path.rstrip("/"))
        if member is None:
            raise unknown_entry(path)
        return member

    @contextmanager
    def using(self) -> Iterator[None]:
        """Hold the archive for one operation.

        :raises InvalidStateError: it was closed (by the page, or as the page went away).
        """
        with self.lock:
            if self.closed:
                raise archive_closed("is closed")
            yield

    def close(self) -> None:
        with self.lock:
            if not self.closed:
                self.closed = True
                self._release()
                if self.held is not None:
                    self.held.release()

    def _release(self) -> None:
        raise NotImplementedError


@final
class Reader(Archive):
    """An archive opened for reading from ``file`` (a file of the sandbox, or the bytes a page
    sent or wrote): gzip, bzip2 and xz ones too (``tarfile``'s ``r:*``). It owns ``file``."""

    def __init__(
        self,
        archive_id: str,
        file: IO[bytes],
        *,
        max_entries: int,
        held: MemoryReservation | None = None,
    ) -> None:
        """:raises TarFormatError: not a tar archive, or cut short.
        :raises OutOfRangeError: more than ``max_entries`` entries."""
        super().__init__(archive_id, held)
        self.file = file
        self.size = file.seek(0, os.SEEK_END)
        file.seek(0)
        try:
            # Open for as long as the page holds the archive: close() closes it, not a block.
            self.tar = tarfile.open(fileobj=file, mode="r:*")  # noqa: SIM115
        except _BROKEN as error:
            file.close()
            raise invalid_archive(str(error) or type(error).__name__) from None
        try:
            self._index(max_entries)
        except BaseException:
            self._release()
            raise

    def contents(self, limit: int) -> bytes:
        """The archive's bytes, at most ``limit`` of them; read without moving the position
        :mod:`tarfile` (or its decompressor, for a compressed archive) reads from."""
        if isinstance(self.file, io.BytesIO):
            return self.file.getbuffer()[:limit].tobytes()
        fd = self.file.fileno()
        chunks: list[bytes] = []
        offset = 0
        while offset < limit and (chunk := os.pread(fd, min(_SPOOL_BYTES, limit - offset), offset)):
            chunks.append(chunk)
            offset += len(chunk)
        return b"".join(chunks)

    def _index(self, max_entries: int) -> None:
        try:
            while (member := self.tar.next()) is not None:
                if len(self.members) >= max_entries:
                    raise too_many_entries(max_entries)
                self._add(member)
        except _BROKEN as error:
            raise invalid_archive(str(error) or type(error).__name__) from None

    def read(self, path: str, offset: int, size: int) -> bytes:
        """``size`` bytes of entry ``path`` from ``offset`` (fewer at its end).

        :raises NotFoundError: no such entry.
        :raises InvalidArgumentError: ``EISDIR`` for a folder, ``EINVAL`` for an entry
            without a body (a device node, a FIFO).
        """
        member = self.stat(path)
        if member.isdir():
            raise InvalidArgumentError("Cannot read body of directory entry", code="EISDIR")
        try:
            body = self.tar.extractfile(member)
        except (KeyError, *_BROKEN) as error:
            raise invalid_archive(f"cannot read {path!r}: {error}") from None
        if body is None:
            raise InvalidArgumentError(f"Entry {path!r} has no body", code="EINVAL")
        with body:
            try:
                body.seek(offset)
                return body.read(size)
            except _BROKEN as error:
                raise invalid_archive(f"cannot read {path!r}: {error}") from None

    def copy_to(self, member: tarfile.TarInfo, out: IO[bytes]) -> None:
        """Stream the body of the regular file ``member`` into ``out``."""
        body = self.tar.extractfile(member)
        if body is None:
            return
        with body:
            while chunk := body.read(_SPOOL_BYTES):
                out.write(chunk)

    def extract(self, members: list[tarfile.TarInfo], folder: str) -> None:
        """Extract the checked ``members`` into ``folder`` (:mod:`.extract` checked them), with
        the standard library's ``data`` filter as a second guard."""
        try:
            self.tar.extractall(folder, members=members, filter="data")
        except tarfile.FilterError as error:
            # The checks of :mod:`.extract` leave nothing for the filter to refuse; were one
            # missed, the page still gets the typed error.
            raise filter_refusal(error) from None

    def _release(self) -> None:
        self.tar.close()
        self.file.close()


@final
class Writer(Archive):
    """An archive being written (PAX format): to the file descriptor ``fd``, or to memory."""

    def __init__(
        self,
        archive_id: str,
        *,
        fd: int | None,
        defaults: dict[str, Any],
        max_entries: int,
        max_bytes: int,
        held: MemoryReservation | None,
    ) -> None:
        super().__init__(archive_id, held)
        # Read and write: once finalized, the reader it becomes reads the same open file.
        self.out: IO[bytes] = io.BytesIO() if fd is None else os.fdopen(fd, "w+b")
        # Open until finalized or closed, across the page's calls.
        self.tar = tarfile.open(fileobj=self.out, mode="w", format=tarfile.PAX_FORMAT)  # noqa: SIM115
        self.defaults = defaults
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        """The most bytes an archive in memory may reach (``tar.max_buffer_bytes``)."""
        self.pending: tarfile.TarInfo | None = None
        self.spool: tempfile.SpooledTemporaryFile[bytes] | None = None
        self.finalized = False

    @property
    def in_memory(self) -> bool:
        return isinstance(self.out, io.BytesIO)

    def begin(self, member: tarfile.TarInfo) -> None:
        """Start entry ``member``; its ``size`` bytes follow with :meth:`write`.

        :raises InvalidStateError: finalized, or the previous entry still lacks bytes.
        :raises OutOfRangeError: one entry more than ``tar.max_entries``, or past the memory
            bound of an archive in memory.
        """
        self._check_open()
        if self.pending is not None:
            raise archive_closed(f"entry {self.pending.name!r} still lacks {self._missing()} bytes")
        if len(self.members) >= self.max_entries:
            raise too_many_entries(self.max_entries)
        for name, value in self.defaults.items():
            if getattr(member, name) in (None, "", 0):
                setattr(member, name, value)
        if not member.mtime:
            member.mtime = int(time.time())
        if self.in_memory:
            # The header (PAX ones can be a few blocks), the body padded to 512, the end blocks.
            estimate = self.tar.offset + 3 * 512 + len(member.name) + member.size + 1024
            if estimate > self.max_bytes:
                raise buffer_too_large(estimate, self.max_bytes)
            if self.held is not None:
                self.held.resize(estimate)
        self.pending = member
        # Filled by the page's next calls; _commit() (or close()) closes it.
        self.spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
        if member.size == 0:
            self._commit()

    def _missing(self) -> int:
        assert self.pending is not None
        assert self.spool is not None
        return self.pending.size - self.spool.tell()

    def write(self, chunk: bytes) -> bool:
        """Append ``chunk`` to the entry begun last; whether the entry is now complete.

        :raises InvalidStateError: no entry was begun.
        :raises OutOfRangeError: more bytes than the entry's ``size``.
        """
        self._check_open()
        if self.pending is None:
            if not chunk:
                return True  # Oro sends an empty body after a header without one
            raise archive_closed("has no entry begun (tar.write.begin) to write to")
        missing = self._missing()
        if len(chunk) > missing:
            raise OutOfRangeError(
                f"body has more data than header.size allows ({missing} bytes left)",
                code="ERR_OUT_OF_RANGE",
            )
        assert self.spool is not None
        self.spool.write(chunk)
        if len(chunk) == missing:
            self._commit()
            return True
        return False

    def _commit(self) -> None:
        assert self.pending is not None
        assert self.spool is not None
        member, spool = self.pending, self.spool
        self.pending = self.spool = None
        with spool:
            spool.seek(0)
            self.tar.addfile(member, spool if member.isreg() else None)
        self._add(member)
        if self.in_memory and self.held is not None:
            self.held.resize(self.tar.offset)

    def finalize(self) -> None:
        """Write the end blocks and flush.

        :raises InvalidStateError: the last entry still lacks bytes.
        """
        self._check_open()
        if self.pending is not None:
            raise archive_closed(
                f"cannot be finalized: entry {self.pending.name!r} still lacks "
                f"{self._missing()} bytes"
            )
        self.tar.close()
        self.out.flush()
        self.finalized = True

    def reader(self, max_entries: int) -> Reader:
        """The archive, finalized, as a :class:`Reader` of the same file (or bytes), holding
        what this writer held; this writer is closed."""
        if not self.finalized:
            self.finalize()
        reader = Reader(self.id, self.out, max_entries=max_entries, held=self.held)
        self.held = None
        self.closed = True
        return reader

    def _check_open(self) -> None:
        if self.finalized:
            raise archive_closed("has been finalized")

    def _release(self) -> None:
        if self.spool is not None:
            self.spool.close()
        if not self.finalized:
            self.tar.close()
        self.out.close()
