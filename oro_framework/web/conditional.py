"""What a file response needs of HTTP: a file's validators (:class:`FileInfo`: ``ETag``,
``Last-Modified``), conditional requests (``If-None-Match``, ``If-Modified-Since``,
``If-Range``) and single byte ranges (``Range``). Pure, but for :func:`stat_file`."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path
from typing import Final, NamedTuple, final

__all__ = [
    "ByteRange",
    "FileInfo",
    "UnsatisfiableRangeError",
    "http_date",
    "is_not_modified",
    "parse_range",
    "range_applies",
    "stat_file",
]


class UnsatisfiableRangeError(Exception):
    """The ``Range`` header asks for bytes the file does not have (answered 416)."""


@final
class ByteRange(NamedTuple):
    """Bytes ``start`` to ``end`` inclusive, as HTTP counts them."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


@final
class FileInfo(NamedTuple):
    """What a response needs to know about a file, taken from one ``stat``."""

    path: Path
    size: int
    mtime_ns: int

    @property
    def etag(self) -> str:
        return f'"{self.mtime_ns:x}-{self.size:x}"'

    @property
    def last_modified(self) -> str:
        return http_date(self.mtime_ns / 1e9)


_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def http_date(seconds: float) -> str:
    """``seconds`` since the epoch as an HTTP date (RFC 9110's IMF-fixdate), as
    ``email.utils.formatdate(seconds, usegmt=True)`` writes it: every file response's
    ``last-modified``, without importing the email package (~3 ms) for the launch's first page.
    The names are English whatever the locale, unlike ``strftime``'s ``%a`` and ``%b``: both
    engines set the process's locale from the user's."""
    moment = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    return (
        f"{_WEEKDAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} "
        f"{moment.year:04d} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} GMT"
    )


def parse_range(header: str, size: int) -> ByteRange | None:
    """The single byte range a ``Range`` header asks for.

    :return: the range clipped to the file, or ``None`` when the header is to be ignored (not
        ``bytes=``, malformed, or several ranges: a full 200 answer is allowed for those and
        spares multipart bodies).
    :raises UnsatisfiableRangeError: a well-formed range that starts past the end.
    """
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = (part.strip() for part in spec.partition("-"))
    if (
        not dash
        or not (first or last)
        or not (first + last).isascii()
        or not (first + last).isdigit()
    ):
        return None
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise UnsatisfiableRangeError(header)
        return ByteRange(max(size - suffix, 0), size - 1)
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        raise UnsatisfiableRangeError(header)
    return ByteRange(start, min(end, size - 1))


def _parse_http_date(value: str) -> float | None:
    # The email package (~3 ms to import) with the first conditional request, not every launch.
    import email.utils

    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def _etag_matches(candidates: str, etag: str) -> bool:
    """Weak comparison, as ``If-None-Match`` uses."""
    bare = etag.removeprefix("W/")
    return any(
        tag.strip() == "*" or tag.strip().removeprefix("W/") == bare
        for tag in candidates.split(",")
    )


def is_not_modified(
    request_headers: Mapping[str, str], etag: str, mtime_ns: int | None = None
) -> bool:
    """Whether a ``GET``/``HEAD`` can be answered 304. ``If-None-Match`` wins over
    ``If-Modified-Since`` when both are present (RFC 9110 §13.2.2)."""
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, etag)
    if_modified_since = request_headers.get("if-modified-since")
    if if_modified_since is None or mtime_ns is None:
        return False
    since = _parse_http_date(if_modified_since)
    # HTTP dates have whole seconds; a file modified within the same second is unchanged.
    return since is not None and mtime_ns // 1_000_000_000 <= since


def range_applies(request_headers: Mapping[str, str], info: FileInfo) -> bool:
    """Whether the request's ``Range`` is to be honoured: no ``If-Range``, or one naming the
    file as it is now (its ``ETag``, or its modification time to the second)."""
    if_range = request_headers.get("if-range")
    if if_range is None:
        return True
    if if_range.startswith('"'):
        return if_range == info.etag
    since = _parse_http_date(if_range)
    return since is not None and info.mtime_ns // 1_000_000_000 == int(since)


def stat_file(path: Path) -> FileInfo | None:
    """The file at ``path``, or ``None`` if there is no regular file there. Blocking."""
    try:
        status = path.stat()
    except (OSError, ValueError):
        return None
    if not path.is_file():
        return None
    return FileInfo(path, status.st_size, status.st_mtime_ns)
