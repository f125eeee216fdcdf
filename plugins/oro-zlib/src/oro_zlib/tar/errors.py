"""The errors of ``tar.*``: each a typed error of the host with its own ``code``.

An archive that is not a tar archive, or is cut short, is ``Error`` ``ERR_TAR_INVALID``; an
entry that would leave the folder it is extracted into (``..``, an absolute path, a link whose
target lies outside, a path through a symlink) or is no file, folder or link (a device node,
a FIFO) is ``SecurityError`` ``ERR_TAR_UNSAFE_ENTRY``, naming the entry; the bounds of
``[tar]`` are ``RangeError``s."""

from __future__ import annotations

import tarfile
from typing import ClassVar, Final

from oro_framework import (
    InvalidStateError,
    IPCError,
    NotFoundError,
    OutOfRangeError,
    SecurityError,
)

__all__ = [
    "TarFormatError",
    "archive_closed",
    "buffer_too_large",
    "filter_refusal",
    "invalid_archive",
    "not_writable",
    "too_large",
    "too_many_archives",
    "too_many_entries",
    "unknown_archive",
    "unknown_entry",
    "unsafe_entry",
]


class TarFormatError(IPCError):
    """The bytes are no tar archive, or end before it does."""

    error_type = "Error"
    default_code = "ERR_TAR_INVALID"
    http_status: ClassVar[int] = 400


def invalid_archive(reason: str) -> TarFormatError:
    return TarFormatError(f"Invalid tar archive: {reason}")


def unsafe_entry(entry: str, reason: str) -> SecurityError:
    """An entry extraction refuses; nothing of the archive was written."""
    return SecurityError(
        f"Refusing to extract tar entry {entry!r}: {reason}",
        code="ERR_TAR_UNSAFE_ENTRY",
        entry=entry,
    )


_FILTER_REASONS: Final = {
    tarfile.AbsolutePathError: "its path is absolute",
    tarfile.OutsideDestinationError: "it would land outside the folder",
    tarfile.SpecialFileError: "it is a special file",
    tarfile.AbsoluteLinkError: "its link target is absolute",
    tarfile.LinkOutsideDestinationError: "its link target leaves the folder",
}


def filter_refusal(error: tarfile.FilterError) -> SecurityError:
    """:func:`unsafe_entry` for what :mod:`tarfile`'s ``data`` filter refused, in words of our
    own: the filter's message names the host's real paths, which pages do not learn."""
    reason = _FILTER_REASONS.get(type(error), "the data filter refuses it")
    return unsafe_entry(error.tarinfo.name, reason)


def too_many_entries(limit: int) -> OutOfRangeError:
    return OutOfRangeError(
        f"The tar archive has more than {limit} entries, the most tar.max_entries allows",
        code="ERR_TAR_TOO_MANY_ENTRIES",
        limit=limit,
    )


def too_large(size: int, limit: int) -> OutOfRangeError:
    return OutOfRangeError(
        f"Extracting the tar archive would write {size} bytes, more than tar.max_extract_bytes "
        f"({limit} bytes)",
        code="ERR_TAR_TOO_LARGE",
        limit=limit,
    )


def buffer_too_large(size: int, limit: int) -> OutOfRangeError:
    return OutOfRangeError(
        f"A tar archive of {size} bytes in memory exceeds tar.max_buffer_bytes ({limit} bytes)",
        code="ERR_TAR_BUFFER_TOO_LARGE",
        limit=limit,
    )


def too_many_archives(limit: int) -> OutOfRangeError:
    return OutOfRangeError(
        f"This page has {limit} tar archives open, the most tar.max_archives allows",
        code="ERR_TAR_TOO_MANY_ARCHIVES",
        limit=limit,
    )


def unknown_archive(archive_id: str) -> NotFoundError:
    return NotFoundError(
        f"No tar archive {archive_id!r} on this page", code="ERR_TAR_UNKNOWN_ARCHIVE", id=archive_id
    )


def unknown_entry(path: str) -> NotFoundError:
    return NotFoundError(f"No entry {path!r} in the tar archive", code="ENOENT", path=path)


def not_writable() -> InvalidStateError:
    return InvalidStateError(
        "TarArchive is not opened in writable mode", code="ERR_TAR_NOT_WRITABLE"
    )


def archive_closed(what: str) -> InvalidStateError:
    return InvalidStateError(f"The tar archive {what}", code="ERR_TAR_STATE")
