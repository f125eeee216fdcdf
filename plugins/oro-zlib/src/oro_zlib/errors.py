"""The errors of ``zlib.*``, shaped as Node's: corrupt input is an ``Error`` with zlib's code
(``Z_DATA_ERROR``) and negative ``errno``, too much output a ``RangeError``
``ERR_BUFFER_TOO_LARGE``; too much input, too many streams and an unknown stream are the
host's typed errors with their own codes."""

from __future__ import annotations

import re
import zlib
from typing import ClassVar, Final

from oro_framework import InvalidStateError, IPCError, NotFoundError, OutOfRangeError

__all__ = [
    "InvalidStateError",
    "ZlibError",
    "buffer_too_large",
    "from_zlib_error",
    "input_too_large",
    "stream_closed",
    "too_many_streams",
    "unexpected_end",
    "unknown_stream",
]

_CODES: Final = {
    # Python's zlib names only some of zlib's return codes; these are zlib.h's values.
    2: "Z_NEED_DICT",
    -1: "Z_ERRNO",
    -2: "Z_STREAM_ERROR",
    -3: "Z_DATA_ERROR",
    -4: "Z_MEM_ERROR",
    -5: "Z_BUF_ERROR",
    -6: "Z_VERSION_ERROR",
}
_Z_DATA_ERROR: Final = -3
_Z_BUF_ERROR: Final = -5
_ZLIB_MESSAGE: Final = re.compile(r"^Error (-?\d+) while [a-z ]+?(?:: (.*))?$", re.DOTALL)


class ZlibError(IPCError):
    """zlib refused the input: Node's ``Error`` with ``code`` ``Z_*`` and ``errno``."""

    error_type = "Error"
    default_code = "Z_DATA_ERROR"
    http_status: ClassVar[int] = 400


def from_zlib_error(error: zlib.error) -> ZlibError:
    """Node's error for what :mod:`zlib` raised (``Error -3 while decompressing data: incorrect
    header check`` becomes ``incorrect header check``, ``Z_DATA_ERROR``, ``errno`` -3)."""
    match = _ZLIB_MESSAGE.match(str(error))
    if match is None:
        return ZlibError(str(error), errno=_Z_DATA_ERROR)
    number = int(match.group(1))
    message = match.group(2) or "zlib error"
    return ZlibError(message, code=_CODES.get(number, "Z_DATA_ERROR"), errno=number)


def unexpected_end() -> ZlibError:
    """The input ended before the compressed stream did (Node's words and code)."""
    return ZlibError("unexpected end of file", code="Z_BUF_ERROR", errno=_Z_BUF_ERROR)


def buffer_too_large(limit: int) -> OutOfRangeError:
    """The zip-bomb guard: more output than ``limit`` (Node's ``maxOutputLength`` error)."""
    return OutOfRangeError(
        f"Cannot create a Buffer larger than {limit} bytes",
        code="ERR_BUFFER_TOO_LARGE",
        limit=limit,
    )


def input_too_large(size: int, limit: int) -> OutOfRangeError:
    return OutOfRangeError(
        f"zlib input of {size} bytes exceeds zlib.max_input_bytes ({limit} bytes)",
        code="ERR_ZLIB_INPUT_TOO_LARGE",
        limit=limit,
    )


def too_many_streams(limit: int) -> OutOfRangeError:
    return OutOfRangeError(
        f"This page has {limit} zlib streams open, the most zlib.max_streams allows",
        code="ERR_ZLIB_TOO_MANY_STREAMS",
        limit=limit,
    )


def unknown_stream(stream_id: str) -> NotFoundError:
    return NotFoundError(
        f"No zlib stream {stream_id!r} on this page", code="ERR_ZLIB_UNKNOWN_STREAM", id=stream_id
    )


def stream_closed(stream_id: str) -> InvalidStateError:
    return InvalidStateError(
        f"zlib stream {stream_id!r} has ended", code="ERR_STREAM_WRITE_AFTER_END", id=stream_id
    )
